/**
 * Section 2 against the AWS SDK v3 clients with recorded responses (aws-sdk-client-mock), shaped
 * as the SES v2 API Reference and CloudWatch's DescribeAlarmsForMetric return them.
 */
import {
  CloudWatchClient,
  DescribeAlarmsForMetricCommand,
  type MetricAlarm,
} from "@aws-sdk/client-cloudwatch";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import {
  GetAccountCommand,
  type GetAccountCommandOutput,
  GetConfigurationSetCommand,
  type GetConfigurationSetCommandOutput,
  GetEmailIdentityCommand,
  type GetEmailIdentityCommandOutput,
  NotFoundException,
  SESv2Client,
} from "@aws-sdk/client-sesv2";
import { mockClient } from "aws-sdk-client-mock";
import { expectationsFor } from "../../../cli/verify/expectations";
import {
  readBundleFromSecret,
  readSesState,
  sesChecks,
  sesIdentityFacts,
} from "../../../cli/verify/ses";

const ses = mockClient(SESv2Client);
const cloudwatch = mockClient(CloudWatchClient);
const secrets = mockClient(SecretsManagerClient);

const META = {
  $metadata: { httpStatusCode: 200, requestId: "00000000-0000-0000-0000-000000000000" },
};
const TOKENS = [
  "lbddcgxnu60ck3hh42ppuorvlu42sphd",
  "lo8dwkwejrh70bu46fen2g8d9mkc392b",
  "eiubap4h7v38r1cj21lac90ph6o0tvry",
];

/** A verified domain identity as mailguard's SesSender creates it in eu-west-1. */
function identity(
  over: Partial<GetEmailIdentityCommandOutput> = {},
): GetEmailIdentityCommandOutput {
  return {
    ...META,
    IdentityType: "DOMAIN",
    FeedbackForwardingStatus: true,
    VerifiedForSendingStatus: true,
    VerificationStatus: "SUCCESS",
    DkimAttributes: {
      SigningEnabled: true,
      Status: "SUCCESS",
      Tokens: TOKENS,
      SigningHostedZone: "dkim.amazonses.com",
      SigningAttributesOrigin: "AWS_SES",
      NextSigningKeyLength: "RSA_2048_BIT",
      CurrentSigningKeyLength: "RSA_2048_BIT",
      LastKeyGenerationTimestamp: new Date("2026-11-01T00:00:00Z"),
    },
    MailFromAttributes: {
      MailFromDomain: "mail.example.com",
      MailFromDomainStatus: "SUCCESS",
      BehaviorOnMxFailure: "USE_DEFAULT_VALUE",
    },
    ConfigurationSetName: "mail-ses-example-com",
    Policies: {},
    Tags: [],
    ...over,
  };
}

function account(over: Partial<GetAccountCommandOutput> = {}): GetAccountCommandOutput {
  return {
    ...META,
    DedicatedIpAutoWarmupEnabled: false,
    EnforcementStatus: "HEALTHY",
    ProductionAccessEnabled: true,
    SendQuota: { Max24HourSend: 50000, MaxSendRate: 14, SentLast24Hours: 12 },
    SendingEnabled: true,
    SuppressionAttributes: { SuppressedReasons: ["BOUNCE", "COMPLAINT"] },
    ...over,
  };
}

function configurationSet(
  over: Partial<GetConfigurationSetCommandOutput> = {},
): GetConfigurationSetCommandOutput {
  return {
    ...META,
    ConfigurationSetName: "mail-ses-example-com",
    DeliveryOptions: { TlsPolicy: "REQUIRE" },
    ReputationOptions: { ReputationMetricsEnabled: true },
    SendingOptions: { SendingEnabled: true },
    SuppressionOptions: { SuppressedReasons: ["BOUNCE", "COMPLAINT"] },
    ...over,
  };
}

function alarm(metric: string, state: "OK" | "ALARM" | "INSUFFICIENT_DATA" = "OK"): MetricAlarm {
  return {
    AlarmName: `mail-ses-${metric === "Reputation.BounceRate" ? "bounce" : "complaint"}-rate`,
    AlarmArn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:mail-ses-${metric}`,
    ActionsEnabled: true,
    StateValue: state,
    MetricName: metric,
    Namespace: "AWS/SES",
    Statistic: "Maximum",
    Period: 3600,
    EvaluationPeriods: 1,
    Threshold: metric === "Reputation.BounceRate" ? 0.025 : 0.0005,
    ComparisonOperator: "GreaterThanOrEqualToThreshold",
    TreatMissingData: "notBreaching",
  };
}

function healthy(): void {
  ses.on(GetEmailIdentityCommand, { EmailIdentity: "example.com" }).resolves(identity());
  ses.on(GetAccountCommand).resolves(account());
  ses
    .on(GetConfigurationSetCommand, { ConfigurationSetName: "mail-ses-example-com" })
    .resolves(configurationSet());
  for (const metric of ["Reputation.BounceRate", "Reputation.ComplaintRate"]) {
    cloudwatch
      .on(DescribeAlarmsForMetricCommand, { MetricName: metric, Namespace: "AWS/SES" })
      .resolves({ ...META, MetricAlarms: [alarm(metric)] });
  }
}

async function checks() {
  const state = await readSesState("example.com", "eu-west-1");
  const e = expectationsFor("example.com", "eu-west-1", undefined, sesIdentityFacts(state));
  return Object.fromEntries(sesChecks(state, e).map((c) => [c.id, c]));
}

beforeEach(() => {
  ses.reset();
  cloudwatch.reset();
  secrets.reset();
  healthy();
});

describe("SES state", () => {
  it("passes every check for a verified identity in a healthy production account", async () => {
    const c = await checks();
    expect(Object.values(c).map((x) => `${x.id} ${x.status}`)).toEqual([
      "ses-identity pass",
      "ses-dkim pass",
      "ses-mail-from pass",
      "ses-default-configuration-set pass",
      "ses-configuration-set pass",
      "ses-account-production pass",
      "ses-account-sending pass",
      "ses-account-enforcement pass",
      "ses-reputation-alarms pass",
    ]);
    expect(c["ses-dkim"].observed).toBe(
      "Status SUCCESS, signing on, key RSA_2048_BIT (next RSA_2048_BIT), origin AWS_SES, keys under dkim.amazonses.com.",
    );
    expect(c["ses-configuration-set"].observed).toBe(
      "TlsPolicy REQUIRE, reputation metrics on, sending enabled.",
    );
  });

  it("asks for the identity by domain in its own region, and for the identity's default configuration set", async () => {
    await checks();
    expect(ses.commandCalls(GetEmailIdentityCommand)[0].args[0].input).toEqual({
      EmailIdentity: "example.com",
    });
    expect(ses.commandCalls(GetConfigurationSetCommand)[0].args[0].input).toEqual({
      ConfigurationSetName: "mail-ses-example-com",
    });
    expect(await ses.call(0).thisValue.config.region()).toBe("eu-west-1");
  });

  it("hands the tokens, the signing zone and the MAIL FROM domain to the DNS checks", async () => {
    const state = await readSesState("example.com", "eu-west-1");
    expect(sesIdentityFacts(state)).toEqual({
      tokens: TOKENS,
      external: false,
      signingHostedZone: "dkim.amazonses.com",
      mailFromDomain: "mail.example.com",
      configurationSetName: "mail-ses-example-com",
    });
  });

  it.each([
    ["PENDING", "SES has not found the DKIM records yet"],
    ["FAILED", "SES stopped looking for the DKIM records"],
    ["TEMPORARY_FAILURE", "SES could not read the DKIM records last time"],
    ["NOT_STARTED", "SES has not found the DKIM records yet"],
  ] as const)("fails DKIM Status %s: %s", async (status, why) => {
    ses.on(GetEmailIdentityCommand).resolves(
      identity({
        VerifiedForSendingStatus: false,
        VerificationStatus: status,
        DkimAttributes: { ...identity().DkimAttributes, Status: status },
      }),
    );
    const c = await checks();
    expect(c["ses-dkim"].status).toBe("fail");
    expect(c["ses-dkim"].observed).toContain(`Status ${status}`);
    expect(c["ses-dkim"].observed).toContain(why);
    expect(c["ses-identity"].status).toBe("fail");
    expect(c["ses-identity"].observed).toBe(
      `Not verified for sending (VerificationStatus ${status}): SES sends nothing from example.com yet.`,
    );
  });

  it("warns about 1024-bit signing keys", async () => {
    ses.on(GetEmailIdentityCommand).resolves(
      identity({
        DkimAttributes: {
          ...identity().DkimAttributes,
          CurrentSigningKeyLength: "RSA_1024_BIT",
          NextSigningKeyLength: "RSA_1024_BIT",
        },
      }),
    );
    const c = await checks();
    expect(c["ses-dkim"].status).toBe("warn");
    expect(c["ses-dkim"].fix).toContain("NextSigningKeyLength RSA_2048_BIT");
  });

  it("reports a SigningHostedZone that differs from mailguard's region table, and follows SES", async () => {
    ses.on(GetEmailIdentityCommand).resolves(
      identity({
        DkimAttributes: {
          ...identity().DkimAttributes,
          SigningHostedZone: "dkim.eu-west-1.amazonses.com",
        },
      }),
    );
    const state = await readSesState("example.com", "eu-west-1");
    const e = expectationsFor("example.com", "eu-west-1", undefined, sesIdentityFacts(state));
    expect(e.dkimDomain).toBe("dkim.eu-west-1.amazonses.com");
    const dkim = sesChecks(state, e).find((c) => c.id === "ses-dkim")!;
    expect(dkim.status).toBe("warn");
    expect(dkim.observed).toContain(
      "mailguard's region table says eu-west-1 keeps keys under dkim.amazonses.com; verify followed SES",
    );
  });

  it("fails a MAIL FROM domain that is PENDING and says what SES does meanwhile", async () => {
    ses.on(GetEmailIdentityCommand).resolves(
      identity({
        MailFromAttributes: {
          MailFromDomain: "mail.example.com",
          MailFromDomainStatus: "PENDING",
          BehaviorOnMxFailure: "USE_DEFAULT_VALUE",
        },
      }),
    );
    let c = await checks();
    expect(c["ses-mail-from"].status).toBe("fail");
    expect(c["ses-mail-from"].observed).toBe(
      "mail.example.com: PENDING; until it succeeds mail leaves with SES's amazonses.com envelope and SPF does not align (BehaviorOnMxFailure USE_DEFAULT_VALUE).",
    );
    expect(c["ses-mail-from"].fix).toContain(
      "MX mail.example.com 10 feedback-smtp.eu-west-1.amazonses.com",
    );
    ses.on(GetEmailIdentityCommand).resolves(
      identity({
        MailFromAttributes: {
          MailFromDomain: "mail.example.com",
          MailFromDomainStatus: "FAILED",
          BehaviorOnMxFailure: "REJECT_MESSAGE",
        },
      }),
    );
    c = await checks();
    expect(c["ses-mail-from"].observed).toContain(
      "FAILED; until it succeeds SES rejects every message",
    );
  });

  it("fails an identity without a custom MAIL FROM domain or a default configuration set", async () => {
    ses.on(GetEmailIdentityCommand).resolves(
      identity({
        MailFromAttributes: {
          MailFromDomain: undefined,
          MailFromDomainStatus: undefined,
          BehaviorOnMxFailure: undefined,
        },
        ConfigurationSetName: undefined,
      }),
    );
    const c = await checks();
    expect(c["ses-mail-from"].status).toBe("fail");
    expect(c["ses-mail-from"].observed).toContain("No custom MAIL FROM domain");
    expect(c["ses-default-configuration-set"].status).toBe("fail");
    expect(c["ses-configuration-set"].status).toBe("skip");
    expect(ses.commandCalls(GetConfigurationSetCommand)).toHaveLength(0);
  });

  it("fails a sandboxed account and names the production access request", async () => {
    ses.on(GetAccountCommand).resolves(
      account({
        ProductionAccessEnabled: false,
        SendQuota: { Max24HourSend: 200, MaxSendRate: 1, SentLast24Hours: 0 },
      }),
    );
    const c = await checks();
    expect(c["ses-account-production"].status).toBe("fail");
    expect(c["ses-account-production"].observed).toBe(
      "The account is in the SES sandbox in eu-west-1 (200 messages a day): it sends only to verified addresses.",
    );
    expect(c["ses-account-production"].fix).toContain("--production-access-enabled");
  });

  it("fails an account whose sending is paused, and one SES has shut down", async () => {
    ses
      .on(GetAccountCommand)
      .resolves(account({ SendingEnabled: false, EnforcementStatus: "SHUTDOWN" }));
    const c = await checks();
    expect(c["ses-account-sending"].status).toBe("fail");
    expect(c["ses-account-sending"].observed).toBe(
      "Sending is paused for the account in eu-west-1.",
    );
    expect(c["ses-account-enforcement"].status).toBe("fail");
    expect(c["ses-account-enforcement"].observed).toBe(
      "EnforcementStatus SHUTDOWN: SES has paused the account's sending.",
    );
  });

  it("warns about an account under review (PROBATION)", async () => {
    ses.on(GetAccountCommand).resolves(account({ EnforcementStatus: "PROBATION" }));
    expect((await checks())["ses-account-enforcement"].status).toBe("warn");
  });

  it("fails a configuration set with TlsPolicy OPTIONAL and reputation metrics off", async () => {
    ses.on(GetConfigurationSetCommand).resolves(
      configurationSet({
        DeliveryOptions: { TlsPolicy: "OPTIONAL" },
        ReputationOptions: { ReputationMetricsEnabled: false },
      }),
    );
    const c = await checks();
    expect(c["ses-configuration-set"].status).toBe("fail");
    expect(c["ses-configuration-set"].observed).toBe(
      "TlsPolicy OPTIONAL, reputation metrics off, sending enabled.",
    );
    expect(c["ses-configuration-set"].fix).toContain("tlsPolicy REQUIRE");
  });

  it("fails missing reputation alarms and alarms in ALARM", async () => {
    cloudwatch
      .on(DescribeAlarmsForMetricCommand, {
        MetricName: "Reputation.BounceRate",
        Namespace: "AWS/SES",
      })
      .resolves({ ...META, MetricAlarms: [] });
    cloudwatch
      .on(DescribeAlarmsForMetricCommand, {
        MetricName: "Reputation.ComplaintRate",
        Namespace: "AWS/SES",
      })
      .resolves({ ...META, MetricAlarms: [alarm("Reputation.ComplaintRate", "ALARM")] });
    const c = await checks();
    expect(c["ses-reputation-alarms"].status).toBe("fail");
    expect(c["ses-reputation-alarms"].observed).toBe(
      "no alarm on Reputation.BounceRate; Reputation.ComplaintRate: mail-ses-complaint-rate ALARM at 0.0005.",
    );
  });

  it("fails with the fix when the identity does not exist in the region", async () => {
    ses.on(GetEmailIdentityCommand).rejects(
      new NotFoundException({
        message: "Email identity example.com does not exist.",
        $metadata: {},
      }),
    );
    const c = await checks();
    expect(c["ses-identity"].status).toBe("fail");
    expect(c["ses-identity"].observed).toBe("SES has no identity example.com in eu-west-1.");
    expect(c["ses-dkim"].status).toBe("skip");
    expect(c["ses-mail-from"].status).toBe("skip");
  });

  it("fails with the credentials fix when SES cannot be asked", async () => {
    const noCredentials = Object.assign(
      new Error("Could not load credentials from any providers"),
      {
        name: "CredentialsProviderError",
      },
    );
    ses.on(GetEmailIdentityCommand).rejects(noCredentials);
    ses.on(GetAccountCommand).rejects(noCredentials);
    const c = await checks();
    expect(c["ses-identity"].observed).toBe(
      "SES could not be asked: CredentialsProviderError: Could not load credentials from any providers.",
    );
    expect(c["ses-identity"].fix).toContain("or pass --no-aws");
    expect(c["ses-account-production"].status).toBe("fail");
  });
});

describe("readBundleFromSecret", () => {
  it("reads the bundle the stack stored as JSON, in the secret's own region", async () => {
    secrets.on(GetSecretValueCommand).resolves({
      ...META,
      Name: "mail-smtp-example-com",
      SecretString: JSON.stringify({
        host: "email-smtp.eu-west-1.amazonaws.com",
        port: 587,
        username: "AKIA1",
        password: "pw",
        region: "eu-west-1",
      }),
    });
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mail-smtp-example-com-AbCdEf";
    const out = await readBundleFromSecret(arn, "us-east-1");
    expect(out).toEqual({
      ok: true,
      value: {
        host: "email-smtp.eu-west-1.amazonaws.com",
        port: 587,
        implicitTlsPort: undefined,
        username: "AKIA1",
        password: "pw",
        region: "eu-west-1",
      },
    });
    expect(secrets.commandCalls(GetSecretValueCommand)[0].args[0].input).toEqual({ SecretId: arn });
    expect(await secrets.call(0).thisValue.config.region()).toBe("eu-west-1");
  });
});
