/**
 * Section 2 of `mailguard verify`: SES's own view, read with the AWS SDK for JavaScript v3 in the
 * identity's region, with credentials from the SDK's usual chain (environment, shared profile, SSO,
 * container or instance role). Field names and values are those of the SES v2 API Reference
 * (GetEmailIdentity, GetAccount, GetConfigurationSet) and CloudWatch's DescribeAlarmsForMetric.
 */
import {
  DescribeAlarmsForMetricCommand,
  CloudWatchClient,
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
  SESv2Client,
} from "@aws-sdk/client-sesv2";
import {
  bundleFacts,
  type Expectations,
  type SesIdentityFacts,
  type SmtpBundleFacts,
} from "./expectations";
import { type Check, type CheckStatus, sectionCheck } from "./report";

export type Outcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

/** The CloudWatch metrics of SES's account-level reputation (namespace AWS/SES). */
export const REPUTATION_METRICS = ["Reputation.BounceRate", "Reputation.ComplaintRate"] as const;

export interface SesState {
  identity: Outcome<GetEmailIdentityCommandOutput>;
  account: Outcome<GetAccountCommandOutput>;
  /** Undefined when no configuration set name is known (neither the identity's nor the stack's). */
  configurationSet?: Outcome<GetConfigurationSetCommandOutput>;
  alarms: Outcome<Record<(typeof REPUTATION_METRICS)[number], MetricAlarm[]>>;
}

/** Deadlines for every AWS call: nothing may hang. */
const REQUEST_HANDLER = {
  connectionTimeout: 5000,
  requestTimeout: 15000,
  throwOnRequestTimeout: true,
};

async function attempt<T>(call: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (e) {
    const err = e as { name?: string; message?: string };
    return { ok: false, code: err.name ?? "Error", message: err.message ?? String(e) };
  }
}

/** Reads everything section 2 judges. */
export async function readSesState(
  domain: string,
  region: string,
  configurationSetHint?: string,
): Promise<SesState> {
  const ses = new SESv2Client({ region, maxAttempts: 2, requestHandler: REQUEST_HANDLER });
  const cloudwatch = new CloudWatchClient({
    region,
    maxAttempts: 2,
    requestHandler: REQUEST_HANDLER,
  });
  try {
    const identity = await attempt(() =>
      ses.send(new GetEmailIdentityCommand({ EmailIdentity: domain })),
    );
    const setName =
      (identity.ok ? identity.value.ConfigurationSetName : undefined) ?? configurationSetHint;
    const [account, configurationSet, alarms] = await Promise.all([
      attempt(() => ses.send(new GetAccountCommand({}))),
      setName === undefined
        ? Promise.resolve(undefined)
        : attempt(() =>
            ses.send(new GetConfigurationSetCommand({ ConfigurationSetName: setName })),
          ),
      attempt(async () => {
        const [bounce, complaint] = await Promise.all(
          REPUTATION_METRICS.map(async (metric) => {
            const out = await cloudwatch.send(
              new DescribeAlarmsForMetricCommand({ MetricName: metric, Namespace: "AWS/SES" }),
            );
            return out.MetricAlarms ?? [];
          }),
        );
        return { "Reputation.BounceRate": bounce, "Reputation.ComplaintRate": complaint };
      }),
    ]);
    return { identity, account, configurationSet, alarms };
  } finally {
    ses.destroy();
    cloudwatch.destroy();
  }
}

/** The SMTP bundle from the Secrets Manager secret the stack created (its SecretString is JSON). */
export async function readBundleFromSecret(
  arn: string,
  region: string,
): Promise<Outcome<SmtpBundleFacts>> {
  const arnRegion = /^arn:[^:]+:secretsmanager:([^:]+):/.exec(arn)?.[1] ?? region;
  const client = new SecretsManagerClient({
    region: arnRegion,
    maxAttempts: 2,
    requestHandler: REQUEST_HANDLER,
  });
  try {
    return await attempt(async () => {
      const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
      const parsed: unknown = JSON.parse(out.SecretString ?? "null");
      if (typeof parsed !== "object" || parsed === null)
        throw new Error("the secret is not a JSON object");
      return bundleFacts(parsed as Record<string, unknown>);
    });
  } finally {
    client.destroy();
  }
}

/** What the DNS expectations take from SES: tokens, DKIM domain, MAIL FROM domain, default set. */
export function sesIdentityFacts(state: SesState): SesIdentityFacts | undefined {
  if (!state.identity.ok) return undefined;
  const id = state.identity.value;
  return {
    tokens: id.DkimAttributes?.Tokens,
    external: id.DkimAttributes?.SigningAttributesOrigin === "EXTERNAL",
    signingHostedZone: id.DkimAttributes?.SigningHostedZone,
    mailFromDomain: id.MailFromAttributes?.MailFromDomain,
    configurationSetName: id.ConfigurationSetName,
  };
}

/** Check ids of section 2, in report order. */
export const SES_CHECK_IDS = [
  "ses-identity",
  "ses-dkim",
  "ses-mail-from",
  "ses-default-configuration-set",
  "ses-configuration-set",
  "ses-account-production",
  "ses-account-sending",
  "ses-account-enforcement",
  "ses-reputation-alarms",
] as const;

const CREDENTIALS_FIX =
  "Run verify with AWS credentials (environment, profile, SSO or instance role) allowed ses:GetEmailIdentity, ses:GetAccount, ses:GetConfigurationSet and cloudwatch:DescribeAlarmsForMetric in the identity's region, or pass --no-aws.";

const ses = sectionCheck("ses");

/** Every section 2 check skipped, saying why. */
export function skippedSesChecks(why: string, fix: string, subject: string): Check[] {
  return SES_CHECK_IDS.map((id) => ses(id, subject, "skip", why, EXPECTED[id], fix));
}

const EXPECTED: Record<(typeof SES_CHECK_IDS)[number], string> = {
  "ses-identity": "the domain identity exists and is verified for sending",
  "ses-dkim": "DKIM signing on, Status SUCCESS, 2048-bit keys",
  "ses-mail-from": "the custom MAIL FROM domain with MailFromDomainStatus SUCCESS",
  "ses-default-configuration-set": "a default configuration set on the identity",
  "ses-configuration-set": "TlsPolicy REQUIRE, reputation metrics on, sending enabled",
  "ses-account-production": "production access (out of the sandbox)",
  "ses-account-sending": "sending enabled for the account",
  "ses-account-enforcement": "EnforcementStatus HEALTHY",
  "ses-reputation-alarms":
    "CloudWatch alarms on Reputation.BounceRate and Reputation.ComplaintRate, not in ALARM",
};

function failure(o: { code: string; message: string }): string {
  return `${o.code}: ${o.message}`;
}

function identityChecks(state: SesState, e: Expectations, subject: string): Check[] {
  const out: Check[] = [];
  if (!state.identity.ok) {
    const notFound = state.identity.code === "NotFoundException";
    out.push(
      ses(
        "ses-identity",
        subject,
        "fail",
        notFound
          ? `SES has no identity ${e.domain} in ${e.region}.`
          : `SES could not be asked: ${failure(state.identity)}.`,
        EXPECTED["ses-identity"],
        notFound
          ? `Deploy the stack (pulumi up), or give the --region the identity lives in.`
          : CREDENTIALS_FIX,
      ),
    );
    for (const id of ["ses-dkim", "ses-mail-from", "ses-default-configuration-set"] as const) {
      out.push(
        ses(
          id,
          subject,
          "skip",
          "The identity could not be read.",
          EXPECTED[id],
          "Fix ses-identity first.",
        ),
      );
    }
    return out;
  }
  const id = state.identity.value;
  const verification = id.VerificationStatus ?? "not reported";
  out.push(
    id.VerifiedForSendingStatus === true
      ? ses(
          "ses-identity",
          subject,
          "pass",
          `Verified for sending (VerificationStatus ${verification}).`,
          EXPECTED["ses-identity"],
        )
      : ses(
          "ses-identity",
          subject,
          "fail",
          `Not verified for sending (VerificationStatus ${verification}): SES sends nothing from ${e.domain} yet.`,
          EXPECTED["ses-identity"],
          "SES verifies a domain through its DKIM records: fix the dns-dkim checks and wait for SES to see them (up to 72 hours).",
        ),
  );

  const dkim = id.DkimAttributes;
  if (dkim === undefined) {
    out.push(
      ses(
        "ses-dkim",
        subject,
        "fail",
        "GetEmailIdentity returned no DkimAttributes.",
        EXPECTED["ses-dkim"],
        "Enable DKIM on the identity (mailguard's SesSender does).",
      ),
    );
  } else {
    const parts = [
      `Status ${dkim.Status ?? "not reported"}`,
      `signing ${dkim.SigningEnabled === true ? "on" : "off"}`,
      `key ${dkim.CurrentSigningKeyLength ?? "?"} (next ${dkim.NextSigningKeyLength ?? "?"})`,
      `origin ${dkim.SigningAttributesOrigin ?? "?"}`,
      ...(dkim.SigningHostedZone !== undefined ? [`keys under ${dkim.SigningHostedZone}`] : []),
    ];
    const seen = parts.join(", ");
    let status: CheckStatus = "pass";
    let fix = "";
    let why = "";
    if (dkim.SigningEnabled !== true) {
      status = "fail";
      why = ": SES does not sign the domain's mail";
      fix = "Turn DKIM signing on for the identity (SigningEnabled).";
    } else if (dkim.Status === "PENDING" || dkim.Status === "NOT_STARTED") {
      status = "fail";
      why = ": SES has not found the DKIM records yet (it keeps looking for 72 hours)";
      fix = "Publish the records of the dns-dkim checks exactly; SES re-checks them by itself.";
    } else if (dkim.Status === "FAILED" || dkim.Status === "TEMPORARY_FAILURE") {
      status = "fail";
      why =
        dkim.Status === "FAILED"
          ? ": SES stopped looking for the DKIM records"
          : ": SES could not read the DKIM records last time";
      fix =
        "Fix the records of the dns-dkim checks, then have SES verify again (re-create the identity's DKIM settings, for example with pulumi up --replace on the identity).";
    } else if (dkim.Status !== "SUCCESS") {
      status = "fail";
      fix = "Check the identity's DKIM in the SES console.";
    } else if (
      dkim.CurrentSigningKeyLength === "RSA_1024_BIT" ||
      dkim.NextSigningKeyLength === "RSA_1024_BIT"
    ) {
      status = "warn";
      why = ": 1024-bit keys are weak";
      fix =
        "Set NextSigningKeyLength RSA_2048_BIT (mailguard's SesSender does); SES rotates to it.";
    } else if (
      dkim.SigningHostedZone !== undefined &&
      e.tableDkimDomain !== undefined &&
      dkim.SigningHostedZone.replace(/\.$/, "").toLowerCase() !== e.tableDkimDomain
    ) {
      status = "warn";
      why = `: mailguard's region table says ${e.region} keeps keys under ${e.tableDkimDomain}; verify followed SES`;
      fix =
        "Report the difference to mailguard (policies/core/ses-regions.ts), and pass dkimDomain to the components meanwhile.";
    }
    out.push(ses("ses-dkim", subject, status, `${seen}${why}.`, EXPECTED["ses-dkim"], fix));
  }

  const mf = id.MailFromAttributes;
  const mfExpected = `MAIL FROM ${e.mailFromDomain} with MailFromDomainStatus SUCCESS`;
  if (mf?.MailFromDomain === undefined || mf.MailFromDomain === "") {
    out.push(
      ses(
        "ses-mail-from",
        subject,
        "fail",
        "No custom MAIL FROM domain: mail leaves with SES's amazonses.com envelope, so SPF never aligns and DMARC rests on DKIM alone.",
        mfExpected,
        "Set a MAIL FROM domain on the identity (mailguard's SesSender sets mail.<domain>).",
      ),
    );
  } else {
    const status = mf.MailFromDomainStatus ?? "not reported";
    const then =
      mf.BehaviorOnMxFailure === "REJECT_MESSAGE"
        ? "until it succeeds SES rejects every message (BehaviorOnMxFailure REJECT_MESSAGE)"
        : "until it succeeds mail leaves with SES's amazonses.com envelope and SPF does not align (BehaviorOnMxFailure USE_DEFAULT_VALUE)";
    out.push(
      status === "SUCCESS"
        ? ses(
            "ses-mail-from",
            mf.MailFromDomain,
            "pass",
            `${mf.MailFromDomain}: SUCCESS, BehaviorOnMxFailure ${mf.BehaviorOnMxFailure ?? "?"}.`,
            mfExpected,
          )
        : ses(
            "ses-mail-from",
            mf.MailFromDomain,
            "fail",
            `${mf.MailFromDomain}: ${status}; ${then}.`,
            mfExpected,
            `SES checks for MX ${mf.MailFromDomain} 10 ${e.feedbackHost}: fix dns-mail-from-mx; SES re-checks by itself.`,
          ),
    );
  }

  const set = id.ConfigurationSetName;
  if (set === undefined || set === "") {
    out.push(
      ses(
        "ses-default-configuration-set",
        subject,
        "fail",
        "The identity has no default configuration set: mail sent without naming one has no TLS requirement, events or reputation metrics.",
        EXPECTED["ses-default-configuration-set"],
        "Make the configuration set the identity's default (EmailIdentity configurationSetName; mailguard's SesSender does).",
      ),
    );
  } else if (e.configurationSet !== undefined && e.configurationSet !== set) {
    out.push(
      ses(
        "ses-default-configuration-set",
        subject,
        "fail",
        `The identity's default configuration set is ${set}, but the stack's is ${e.configurationSet}.`,
        `default configuration set ${e.configurationSet}`,
        "Run pulumi up so the identity uses the stack's configuration set.",
      ),
    );
  } else {
    out.push(
      ses(
        "ses-default-configuration-set",
        subject,
        "pass",
        `Default configuration set ${set}.`,
        EXPECTED["ses-default-configuration-set"],
      ),
    );
  }
  return out;
}

function configurationSetCheck(state: SesState): Check {
  const id = "ses-configuration-set";
  const o = state.configurationSet;
  if (o === undefined) {
    return ses(
      id,
      "-",
      "skip",
      "No configuration set is known (the identity has no default and the stack names none).",
      EXPECTED[id],
      "Fix ses-default-configuration-set first.",
    );
  }
  const name =
    (state.identity.ok ? state.identity.value.ConfigurationSetName : undefined) ??
    "the configuration set";
  if (!o.ok) {
    return ses(
      id,
      name,
      "fail",
      `GetConfigurationSet failed: ${failure(o)}.`,
      EXPECTED[id],
      o.code === "NotFoundException"
        ? "Deploy the stack (pulumi up) so the configuration set exists."
        : CREDENTIALS_FIX,
    );
  }
  const c = o.value;
  const subject = c.ConfigurationSetName ?? name;
  const tls = c.DeliveryOptions?.TlsPolicy ?? "OPTIONAL";
  const metrics = c.ReputationOptions?.ReputationMetricsEnabled === true;
  const sending = c.SendingOptions?.SendingEnabled !== false;
  const seen = `TlsPolicy ${tls}${c.DeliveryOptions?.TlsPolicy === undefined ? " (not set)" : ""}, reputation metrics ${metrics ? "on" : "off"}, sending ${sending ? "enabled" : "paused"}`;
  const fixes: string[] = [];
  if (tls !== "REQUIRE")
    fixes.push(
      "Set deliveryOptions.tlsPolicy REQUIRE: with OPTIONAL SES delivers in clear text to receivers that offer no TLS.",
    );
  if (!metrics)
    fixes.push(
      "Set reputationOptions.reputationMetricsEnabled true, so bounce and complaint rates are measured for the set.",
    );
  if (!sending)
    fixes.push("Resume sending for the configuration set (SendingOptions.SendingEnabled).");
  return ses(
    id,
    subject,
    fixes.length === 0 ? "pass" : "fail",
    `${seen}.`,
    EXPECTED[id],
    fixes.join(" "),
  );
}

function accountChecks(state: SesState, e: Expectations): Check[] {
  const subject = `account in ${e.region}`;
  if (!state.account.ok) {
    const why = `GetAccount failed: ${failure(state.account)}.`;
    return (
      ["ses-account-production", "ses-account-sending", "ses-account-enforcement"] as const
    ).map((id, i) =>
      i === 0
        ? ses(id, subject, "fail", why, EXPECTED[id], CREDENTIALS_FIX)
        : ses(
            id,
            subject,
            "skip",
            "The account could not be read.",
            EXPECTED[id],
            "Fix ses-account-production first.",
          ),
    );
  }
  const a = state.account.value;
  const quota =
    a.SendQuota?.Max24HourSend !== undefined
      ? ` (${a.SendQuota.Max24HourSend} messages a day)`
      : "";
  const enforcement = a.EnforcementStatus ?? "not reported";
  return [
    a.ProductionAccessEnabled === true
      ? ses(
          "ses-account-production",
          subject,
          "pass",
          `Production access${quota}.`,
          EXPECTED["ses-account-production"],
        )
      : ses(
          "ses-account-production",
          subject,
          "fail",
          `The account is in the SES sandbox in ${e.region}${quota}: it sends only to verified addresses.`,
          EXPECTED["ses-account-production"],
          `Request production access for ${e.region} (SES console, Account dashboard, or aws sesv2 put-account-details --production-access-enabled ...); no Pulumi resource can.`,
        ),
    a.SendingEnabled === false
      ? ses(
          "ses-account-sending",
          subject,
          "fail",
          `Sending is paused for the account in ${e.region}.`,
          EXPECTED["ses-account-sending"],
          "Find the cause in the SES console (Reputation metrics); once fixed, resume with aws sesv2 put-account-sending-attributes --sending-enabled.",
        )
      : ses(
          "ses-account-sending",
          subject,
          "pass",
          "Sending enabled.",
          EXPECTED["ses-account-sending"],
        ),
    enforcement === "HEALTHY"
      ? ses(
          "ses-account-enforcement",
          subject,
          "pass",
          "EnforcementStatus HEALTHY.",
          EXPECTED["ses-account-enforcement"],
        )
      : ses(
          "ses-account-enforcement",
          subject,
          enforcement === "SHUTDOWN" ? "fail" : "warn",
          `EnforcementStatus ${enforcement}${enforcement === "PROBATION" ? ": the account is under review" : enforcement === "SHUTDOWN" ? ": SES has paused the account's sending" : ""}.`,
          EXPECTED["ses-account-enforcement"],
          "Bring bounce and complaint rates down (SES reviews at 5% bounces or 0.1% complaints) and answer AWS's case in the SES console.",
        ),
  ];
}

function alarmsCheck(state: SesState, e: Expectations): Check {
  const id = "ses-reputation-alarms";
  const subject = `account in ${e.region}`;
  if (!state.alarms.ok) {
    return ses(
      id,
      subject,
      "fail",
      `DescribeAlarmsForMetric failed: ${failure(state.alarms)}.`,
      EXPECTED[id],
      CREDENTIALS_FIX,
    );
  }
  const seen: string[] = [];
  const fixes: string[] = [];
  let status: CheckStatus = "pass";
  for (const metric of REPUTATION_METRICS) {
    const alarms = state.alarms.value[metric];
    if (alarms.length === 0) {
      seen.push(`no alarm on ${metric}`);
      fixes.push(
        `Create an alarm on AWS/SES ${metric} (mailguard's SesSender does, alarms: true).`,
      );
      status = "fail";
      continue;
    }
    seen.push(
      `${metric}: ${alarms.map((a) => `${a.AlarmName ?? "?"} ${a.StateValue ?? "?"} at ${a.Threshold ?? "?"}`).join(", ")}`,
    );
    const firing = alarms.filter((a) => a.StateValue === "ALARM");
    if (firing.length > 0) {
      status = "fail";
      fixes.push(
        `${firing.map((a) => a.AlarmName).join(", ")} is in ALARM: find the cause of the ${metric === "Reputation.BounceRate" ? "bounces" : "complaints"} before SES reviews the account.`,
      );
    }
  }
  return ses(id, subject, status, `${seen.join("; ")}.`, EXPECTED[id], fixes.join(" "));
}

/** Every section 2 check from what SES said. */
export function sesChecks(state: SesState, e: Expectations): Check[] {
  const subject = `${e.domain} in ${e.region}`;
  return [
    ...identityChecks(state, e, subject),
    configurationSetCheck(state),
    ...accountChecks(state, e),
    alarmsCheck(state, e),
  ];
}
