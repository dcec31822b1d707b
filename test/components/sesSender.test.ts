import * as crypto from "crypto";
import { SesSender, validateSesSenderArgs } from "../../components/sesSender";
import { analyzeDkimKey } from "../../policies/core/dkim";
import { analyzeSpf } from "../../policies/core/spf";
import { dkimTokensFor } from "../../testing/simulator";
import {
  inventory,
  ProviderSimulator,
  resolve,
  settle,
  simulate,
  valueOf,
  onlyOfType,
  expectRefusal,
} from "../helpers/mocks";

let sim: ProviderSimulator;
beforeAll(async () => {
  sim = await simulate({ region: "us-east-1" });
});
beforeEach(() => sim.reset());

const COMPONENT = "mailguard:index:SesSender";
const ACCOUNT = "123456789012";

async function build(name: string, args: ConstructorParameters<typeof SesSender>[1]) {
  const sender = new SesSender(name, args);
  await valueOf(sender.urn);
  await settle(sim);
  return sender;
}

const only = (type: string) => onlyOfType(sim, type);

async function plainRecords(sender: SesSender) {
  return Promise.all(
    sender.dnsRecords.map(async (r) => ({
      key: r.key,
      name: await valueOf(r.name),
      type: r.type,
      content: await valueOf(r.content),
      ttl: r.ttl,
      ...(r.priority !== undefined ? { priority: r.priority } : {}),
    })),
  );
}

describe("SesSender with defaults in eu-west-1", () => {
  it("registers exactly the identity, MAIL FROM, configuration set, encrypted event topic and two alarms, all children of the component", async () => {
    const sender = await build("mail", { domain: "Example.COM", region: "eu-west-1" });
    const component = sim.find(COMPONENT, "mail")!;
    expect(component.urn).toBe(await valueOf(sender.urn));
    expect(inventory(sim.resources).sort()).toEqual(
      [
        `${COMPONENT} mail`,
        "aws:sesv2/configurationSet:ConfigurationSet mail-configuration-set",
        "aws:sesv2/emailIdentity:EmailIdentity mail-identity",
        "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes mail-mail-from",
        "aws:kms/key:Key mail-events-key",
        "aws:sns/topic:Topic mail-events",
        "aws:sns/topicPolicy:TopicPolicy mail-events-policy",
        "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination mail-events-destination",
        "aws:cloudwatch/metricAlarm:MetricAlarm mail-bounce-rate",
        "aws:cloudwatch/metricAlarm:MetricAlarm mail-complaint-rate",
      ].sort(),
    );
    for (const child of sim.customResources()) {
      expect(child.parent).toBe(component.urn);
      expect(child.inputs.region).toBe("eu-west-1");
      expect(child.region).toBe("eu-west-1");
    }
  });

  it("makes Easy DKIM 2048-bit and the TLS-requiring configuration set the identity's default", async () => {
    await build("mail", { domain: "example.com", region: "eu-west-1" });
    const identity = only("aws:sesv2/emailIdentity:EmailIdentity");
    expect(identity.inputs).toEqual({
      emailIdentity: "example.com",
      configurationSetName: "example-com-mailguard",
      dkimSigningAttributes: { nextSigningKeyLength: "RSA_2048_BIT" },
      region: "eu-west-1",
    });
    const set = only("aws:sesv2/configurationSet:ConfigurationSet");
    expect(set.inputs).toEqual({
      configurationSetName: "example-com-mailguard",
      deliveryOptions: { tlsPolicy: "REQUIRE" },
      suppressionOptions: { suppressedReasons: ["BOUNCE", "COMPLAINT"] },
      reputationOptions: { reputationMetricsEnabled: true },
      region: "eu-west-1",
    });
    const mailFrom = only(
      "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes",
    );
    expect(mailFrom.inputs).toEqual({
      emailIdentity: "example.com",
      mailFromDomain: "mail.example.com",
      behaviorOnMxFailure: "USE_DEFAULT_VALUE",
      region: "eu-west-1",
    });
  });

  it("sends bounce, complaint, reject and delivery-delay events to a KMS-encrypted topic only SES of this account may publish to", async () => {
    const sender = await build("mail", { domain: "example.com", region: "eu-west-1" });
    const topicArn = await valueOf(sender.eventTopicArn);
    const key = only("aws:kms/key:Key");
    const topic = only("aws:sns/topic:Topic");
    expect(topic.inputs.kmsMasterKeyId).toBe(key.state.arn);
    expect(topicArn).toBe(topic.state.arn);
    expect(topicArn).toMatch(/^arn:aws:sns:eu-west-1:123456789012:mail-events-[0-9a-f]{7}$/);

    const setArn = `arn:aws:ses:eu-west-1:${ACCOUNT}:configuration-set/example-com-mailguard`;
    const policy = only("aws:sns/topicPolicy:TopicPolicy");
    expect(policy.inputs.arn).toBe(topicArn);
    expect(JSON.parse(policy.inputs.policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "OnlySesOfThisAccountPublishes",
          Effect: "Allow",
          Principal: { Service: "ses.amazonaws.com" },
          Action: "SNS:Publish",
          Resource: topicArn,
          Condition: {
            StringEquals: { "AWS:SourceAccount": ACCOUNT },
            ArnLike: { "AWS:SourceArn": setArn },
          },
        },
        {
          Sid: "NoOtherPrincipalPublishes",
          Effect: "Deny",
          Principal: "*",
          Action: "SNS:Publish",
          Resource: topicArn,
          Condition: {
            StringNotEqualsIfExists: { "aws:PrincipalServiceName": "ses.amazonaws.com" },
          },
        },
      ],
    });
    expect(JSON.parse(key.inputs.policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AccountAdministersKey",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "SesEncryptsEventsOfThisAccount",
          Effect: "Allow",
          Principal: { Service: "ses.amazonaws.com" },
          Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
          Resource: "*",
          Condition: {
            StringEquals: { "aws:SourceAccount": ACCOUNT },
            ArnLike: { "aws:SourceArn": setArn },
          },
        },
      ],
    });
    expect(key.inputs.enableKeyRotation).toBe(true);

    const destination = only(
      "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination",
    );
    expect(destination.inputs).toEqual({
      configurationSetName: "example-com-mailguard",
      eventDestinationName: "mailguard-events",
      eventDestination: {
        enabled: true,
        matchingEventTypes: ["BOUNCE", "COMPLAINT", "REJECT", "DELIVERY_DELAY"],
        snsDestination: { topicArn },
      },
      region: "eu-west-1",
    });
    expect(destination.options?.dependsOn).toContain(policy.urn);
  });

  it("alarms on the account's bounce and complaint rates at half of AWS's review thresholds", async () => {
    const sender = await build("mail", { domain: "example.com", region: "eu-west-1" });
    const alarms = sim.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
    const byMetric = Object.fromEntries(alarms.map((a) => [a.inputs.metricName, a.inputs]));
    for (const [metric, threshold] of [
      ["Reputation.BounceRate", 0.025],
      ["Reputation.ComplaintRate", 0.0005],
    ] as const) {
      expect(byMetric[metric]).toMatchObject({
        namespace: "AWS/SES",
        statistic: "Maximum",
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold,
        alarmActions: [],
        region: "eu-west-1",
      });
    }
    expect((await valueOf(sender.alarmNames)).length).toBe(2);
  });

  it("lists three DKIM CNAMEs at indices 0..2, the MAIL FROM MX in the SES region and the MAIL FROM SPF", async () => {
    const sender = await build("mail", { domain: "example.com", region: "eu-west-1" });
    const [t0, t1, t2] = dkimTokensFor("example.com");
    expect(await plainRecords(sender)).toEqual([
      {
        key: "dkim-0",
        name: `${t0}._domainkey.example.com`,
        type: "CNAME",
        content: `${t0}.dkim.amazonses.com`,
        ttl: 3600,
      },
      {
        key: "dkim-1",
        name: `${t1}._domainkey.example.com`,
        type: "CNAME",
        content: `${t1}.dkim.amazonses.com`,
        ttl: 3600,
      },
      {
        key: "dkim-2",
        name: `${t2}._domainkey.example.com`,
        type: "CNAME",
        content: `${t2}.dkim.amazonses.com`,
        ttl: 3600,
      },
      {
        key: "mail-from-mx",
        name: "mail.example.com",
        type: "MX",
        content: "feedback-smtp.eu-west-1.amazonses.com",
        priority: 10,
        ttl: 3600,
      },
      {
        key: "mail-from-spf",
        name: "mail.example.com",
        type: "TXT",
        content: "v=spf1 include:amazonses.com -all",
        ttl: 3600,
      },
    ]);
    expect(analyzeSpf("v=spf1 include:amazonses.com -all").permerrors).toEqual([]);
    expect(await valueOf(sender.dkimSelectors)).toEqual([t0, t1, t2]);
    expect(await valueOf(sender.identityArn)).toBe(
      `arn:aws:ses:eu-west-1:${ACCOUNT}:identity/example.com`,
    );
  });
});

describe("SesSender options", () => {
  it("follows the provider's region when none is given, setting no region input", async () => {
    const sender = await build("mail", { domain: "example.com" });
    expect(await valueOf(sender.region)).toBe("us-east-1");
    for (const child of sim.customResources()) expect(child.inputs.region).toBeUndefined();
    const mx = sender.dnsRecords.find((r) => r.type === "MX")!;
    expect(await valueOf(mx.content)).toBe("feedback-smtp.us-east-1.amazonses.com");
  });

  it("with BYODKIM, signs with a tls RSA 2048 key and lists its public key as the DKIM TXT", async () => {
    const sender = await build("mail", {
      domain: "example.com",
      region: "eu-west-1",
      byodkim: { selector: "s2026" },
    });
    const key = only("tls:index/privateKey:PrivateKey");
    expect(key.name).toBe("mail-dkim-key");
    expect(key.inputs).toEqual({ algorithm: "RSA", rsaBits: 2048 });
    expect(key.secretOutputs.sort()).toEqual([
      "privateKeyOpenssh",
      "privateKeyPem",
      "privateKeyPemPkcs8",
    ]);
    const identity = only("aws:sesv2/emailIdentity:EmailIdentity");
    expect(identity.secretInputs).toContain("dkimSigningAttributes");
    const attrs = identity.inputs.dkimSigningAttributes as Record<string, string>;
    expect(attrs.domainSigningSelector).toBe("s2026");
    expect(attrs.nextSigningKeyLength).toBeUndefined();
    // SES wants the PKCS#1 key as bare base64.
    expect(attrs.domainSigningPrivateKey).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const privateKey = crypto.createPrivateKey({
      key: Buffer.from(attrs.domainSigningPrivateKey, "base64"),
      format: "der",
      type: "pkcs1",
    });

    const records = await plainRecords(sender);
    expect(records.map((r) => r.key)).toEqual(["dkim", "mail-from-mx", "mail-from-spf"]);
    const dkim = records[0];
    expect(dkim.name).toBe("s2026._domainkey.example.com");
    expect(dkim.type).toBe("TXT");
    const analysis = analyzeDkimKey(dkim.content);
    expect(analysis).toMatchObject({ keyType: "rsa", rsaBits: 2048, revoked: false, findings: [] });
    const p = /p=([A-Za-z0-9+/=]+)/.exec(dkim.content)![1];
    const publicKey = crypto.createPublicKey({
      key: Buffer.from(p, "base64"),
      format: "der",
      type: "spki",
    });
    const signature = crypto.sign("sha256", Buffer.from("mail"), privateKey);
    expect(crypto.verify("sha256", Buffer.from("mail"), publicKey, signature)).toBe(true);
    expect(await valueOf(sender.dkimSelectors)).toEqual(["s2026"]);
  });

  it("uses a given event topic instead of creating a key, topic and policy", async () => {
    const arn = "arn:aws:sns:eu-west-1:123456789012:ops-ses-events";
    const sender = await build("mail", {
      domain: "example.com",
      region: "eu-west-1",
      eventTopicArn: arn,
    });
    expect(sim.ofType("aws:kms/key:Key")).toEqual([]);
    expect(sim.ofType("aws:sns/topic:Topic")).toEqual([]);
    expect(sim.ofType("aws:sns/topicPolicy:TopicPolicy")).toEqual([]);
    const destination = only(
      "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination",
    );
    expect(
      (destination.inputs.eventDestination as { snsDestination: unknown }).snsDestination,
    ).toEqual({ topicArn: arn });
    expect(await valueOf(sender.eventTopicArn)).toBe(arn);
  });

  it("turns the alarms off, or sets their thresholds and actions", async () => {
    await build("quiet", { domain: "example.com", alarms: false });
    expect(sim.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")).toEqual([]);
    sim.reset();
    await build("tuned", {
      domain: "example.com",
      alarms: {
        bounceRate: 0.04,
        complaintRate: 0.0008,
        actions: ["arn:aws:sns:us-east-1:123456789012:ops"],
      },
    });
    const bounce = sim.find("aws:cloudwatch/metricAlarm:MetricAlarm", "tuned-bounce-rate")!;
    const complaint = sim.find("aws:cloudwatch/metricAlarm:MetricAlarm", "tuned-complaint-rate")!;
    expect(bounce.inputs.threshold).toBe(0.04);
    expect(complaint.inputs.threshold).toBe(0.0008);
    expect(bounce.inputs.alarmActions).toEqual(["arn:aws:sns:us-east-1:123456789012:ops"]);
  });

  it("takes a custom MAIL FROM subdomain and failure behaviour", async () => {
    const sender = await build("mail", {
      domain: "example.com",
      mailFromDomain: "Bounce.Example.com",
      behaviorOnMxFailure: "REJECT_MESSAGE",
    });
    const mailFrom = only(
      "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes",
    );
    expect(mailFrom.inputs.mailFromDomain).toBe("bounce.example.com");
    expect(mailFrom.inputs.behaviorOnMxFailure).toBe("REJECT_MESSAGE");
    expect(sender.mailFromDomain).toBe("bounce.example.com");
  });
});

describe("SesSender refuses bad input before registering any child", () => {
  const cases: [string, ConstructorParameters<typeof SesSender>[1], string][] = [
    [
      "an invalid domain",
      { domain: "exa mple.com" },
      'SesSender "bad": invalid domain "exa mple.com": Domain name "exa mple.com" contains whitespace. Fix: Remove the spaces, tabs or line breaks.',
    ],
    [
      "a MAIL FROM domain outside the domain",
      { domain: "example.com", mailFromDomain: "mail.example.org" },
      'SesSender "bad": invalid mailFromDomain "mail.example.org": it must be a subdomain of example.com, so SPF aligns for DMARC. Fix: Use a name such as mail.example.com (the default).',
    ],
    [
      "a region that is not one",
      { domain: "example.com", region: "Ireland" },
      'SesSender "bad": invalid region "Ireland": "Ireland" is not an AWS region code (such as eu-west-1). Fix: Give the code of a region where SES runs (docs/regions.md lists them), such as eu-west-1 or us-east-1.',
    ],
    [
      "a well-formed region where SES does not run",
      { domain: "example.com", region: "eu-west-9" },
      'SesSender "bad": invalid region "eu-west-9": SES does not run in eu-west-9, as far as mailguard\'s region table (AWS General Reference, Amazon SES endpoints and quotas) knows. Fix: Use an SES region such as eu-west-1, eu-west-2, eu-west-3; for a region AWS opened after this table, set newRegion: true and give dkimDomain.',
    ],
    [
      "a region newer than the table without its DKIM domain",
      { domain: "example.com", region: "eu-west-9", newRegion: true },
      'SesSender "bad": invalid dkimDomain undefined: eu-west-9 is not in mailguard\'s region table, so the domain SES keeps its Easy DKIM keys under is not known. Fix: Give dkimDomain as the AWS General Reference, Amazon SES endpoints and quotas lists it for eu-west-9 (dkim.amazonses.com or dkim.eu-west-9.amazonses.com), or use BYODKIM.',
    ],
    [
      "a DKIM domain that is not one of SES's",
      { domain: "example.com", region: "eu-west-1", dkimDomain: "dkim.example.com" },
      'SesSender "bad": invalid dkimDomain "dkim.example.com": "dkim.example.com" is not an SES DKIM domain (dkim.amazonses.com or dkim.<region>.amazonses.com). Fix: Give the DKIM domain the AWS General Reference, Amazon SES endpoints and quotas lists for eu-west-1, or leave dkimDomain out to use mailguard\'s table.',
    ],
    [
      "newRegion that is not a boolean",
      { domain: "example.com", region: "eu-west-1", newRegion: "yes" as unknown as boolean },
      'SesSender "bad": invalid newRegion "yes": it must be true or false. Fix: Pass a plain boolean (not an Output), or leave it out for false.',
    ],
    [
      "a bounce alarm at or above AWS's review rate",
      { domain: "example.com", alarms: { bounceRate: 0.05 } },
      'SesSender "bad": invalid alarms.bounceRate 0.05: it must be a fraction above 0 and below 0.05, the bounce rate at which AWS puts the account under review. Fix: Use a value such as 0.025 (the default).',
    ],
    [
      "a configuration set name SES refuses",
      { domain: "example.com", configurationSetName: "my set" },
      'SesSender "bad": invalid configurationSetName "my set": it must be 1 to 64 characters of A-Z a-z 0-9 _ and -. Fix: Choose such a name, or leave it out for the default.',
    ],
    [
      "a BYODKIM selector that is not a DNS label",
      { domain: "example.com", byodkim: { selector: "my_selector" } },
      'SesSender "bad": invalid byodkim.selector "my_selector": it must be one DNS label of lower-case letters, digits and inner hyphens. Fix: Use a selector such as "mailguard" (the default).',
    ],
    [
      "alarms given as null",
      { domain: "example.com", alarms: null as unknown as false },
      'SesSender "bad": invalid alarms null: it must be true, false or { bounceRate, complaintRate, actions }. Fix: Pass false for no alarms, an object to tune them, or leave it out for the defaults.',
    ],
    [
      "an ICANN public suffix as the domain",
      { domain: "co.uk" },
      'SesSender "bad": invalid domain "co.uk": "co.uk" is a public suffix (Public Suffix List, names are registered under it), not a domain anyone can send mail from. Fix: Use the registrable domain you hold under it, such as example.co.uk.',
    ],
    [
      "a private-section public suffix as the domain",
      { domain: "GitHub.io" },
      'SesSender "bad": invalid domain "GitHub.io": "github.io" is a public suffix (Public Suffix List, in the list\'s private section: its operator hands out names under it), not a domain anyone can send mail from. Fix: Use the registrable domain you hold under it, such as <your-name>.github.io.',
    ],
    [
      "a DKIM domain that is not a string, without a region",
      { domain: "example.com", dkimDomain: 42 as unknown as string },
      'SesSender "bad": invalid dkimDomain 42: 42 is not an SES DKIM domain (dkim.amazonses.com or dkim.<region>.amazonses.com). Fix: Give the DKIM domain the AWS General Reference, Amazon SES endpoints and quotas lists for the SES region, or leave dkimDomain out to use mailguard\'s table.',
    ],
    [
      "a misspelt argument, which would otherwise be ignored",
      { domain: "example.com", regoin: "eu-west-1" } as ConstructorParameters<typeof SesSender>[1],
      'SesSender "bad": invalid regoin "eu-west-1": it is not an argument of SesSender. Fix: Remove it or correct its spelling (did you mean region?); the arguments are domain, region, newRegion, dkimDomain, mailFromDomain, behaviorOnMxFailure, byodkim, configurationSetName, eventTopicArn, alarms, tags.',
    ],
    [
      "arguments that are not an object",
      null as unknown as ConstructorParameters<typeof SesSender>[1],
      'SesSender "bad": invalid args null: it must be an object of SesSender arguments. Fix: Pass an object such as { domain: "example.com" }.',
    ],
    [
      "a tag whose value is not a string",
      { domain: "example.com", tags: { team: 7 as unknown as string } },
      'SesSender "bad": invalid tags.team 7: a tag value must be a string of at most 256 characters. Fix: Give the tag a string value.',
    ],
    [
      "a tag name AWS reserves",
      { domain: "example.com", tags: { "aws:team": "mail" } },
      'SesSender "bad": invalid tags {"aws:team":"mail"}: the tag name "aws:team" starts with "aws:", which AWS reserves for its own tags. Fix: Rename the tag.',
    ],
    [
      "an empty event topic ARN",
      { domain: "example.com", eventTopicArn: "" },
      'SesSender "bad": invalid eventTopicArn "": it must be an SNS topic ARN, as a string or an Output. Fix: Give an ARN such as arn:aws:sns:eu-west-1:123456789012:ses-events, or leave it out to have one created.',
    ],
    [
      "byodkim given as 0, which used to mean Easy DKIM silently",
      { domain: "example.com", byodkim: 0 as unknown as boolean },
      'SesSender "bad": invalid byodkim 0: it must be true, false or { selector }. Fix: Pass true for a key under the selector "mailguard", { selector: "s2026" } for another selector, or leave it out for Easy DKIM.',
    ],
  ];
  it.each(cases)("refuses %s with a ResourceError naming it", async (_what, args, message) => {
    await expectRefusal(sim, `${COMPONENT} bad`, () => new SesSender("bad", args), message);
  });

  it("sends from a name under a public suffix, such as a GitHub Pages user's", async () => {
    const sender = await build("pages", { domain: "me.github.io", region: "eu-west-1" });
    expect(sender.domain).toBe("me.github.io");
  });
});

describe("validateSesSenderArgs", () => {
  it("returns a normalized copy: IDN domain in punycode, lower case, defaults filled in", () => {
    expect(validateSesSenderArgs({ domain: "Bücher.Example." })).toEqual({
      domain: "xn--bcher-kva.example",
      region: undefined,
      regionFacts: undefined,
      regionOptions: { newRegion: false, dkimDomain: undefined },
      mailFromDomain: "mail.xn--bcher-kva.example",
      behaviorOnMxFailure: "USE_DEFAULT_VALUE",
      byodkim: undefined,
      configurationSetName: "xn--bcher-kva-example-mailguard",
      eventTopicArn: undefined,
      alarms: { bounceRate: 0.025, complaintRate: 0.0005, actions: [] },
      tags: undefined,
    });
  });
});

describe("SesSender outputs", () => {
  it("keeps the sandbox explanation in its outputs", async () => {
    const sender = await build("mail", { domain: "example.com" });
    expect(sender.sandbox).toMatch(/sandbox/);
    expect((await resolve(sender.configurationSetArn)).value).toBe(
      `arn:aws:ses:us-east-1:${ACCOUNT}:configuration-set/example-com-mailguard`,
    );
  });
});

/** A request to publish to the topic, as IAM's policy evaluation sees it. */
interface PublishRequest {
  /** A service principal (`ses.amazonaws.com`) or an IAM principal ARN. */
  principal: { Service: string } | { AWS: string };
  /** Whether the caller's own IAM policies allow sns:Publish (IAM principals only). */
  identityAllows: boolean;
  context: Record<string, string>;
}

interface Statement {
  Effect: "Allow" | "Deny";
  Principal: "*" | { Service?: string; AWS?: string };
  Action: string;
  Condition?: Record<string, Record<string, string | string[]>>;
}

/**
 * The subset of IAM's evaluation these policies use: condition keys are case-insensitive; a
 * missing key makes StringEquals and ArnLike false, and StringNotEqualsIfExists true; an explicit
 * Deny wins, then any Allow.
 */
function publishDecision(policy: { Statement: Statement[] }, req: PublishRequest): string {
  const lookup = (key: string) =>
    Object.entries(req.context).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
  const glob = (pattern: string, value: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    ).test(value);
  const holds = (operator: string, key: string, wanted: string | string[]) => {
    const values = Array.isArray(wanted) ? wanted : [wanted];
    const actual = lookup(key);
    switch (operator) {
      case "StringEquals":
        return actual !== undefined && values.includes(actual);
      case "ArnLike":
        return actual !== undefined && values.some((v) => glob(v, actual));
      case "StringNotEqualsIfExists":
        return actual === undefined || !values.includes(actual);
      default:
        throw new Error(`operator ${operator} not modelled`);
    }
  };
  const applies = (s: Statement) =>
    (s.Principal === "*" ||
      ("Service" in req.principal && s.Principal.Service === req.principal.Service) ||
      ("AWS" in req.principal && s.Principal.AWS === req.principal.AWS)) &&
    s.Action.toLowerCase() === "sns:publish" &&
    Object.entries(s.Condition ?? {}).every(([operator, keys]) =>
      Object.entries(keys).every(([key, wanted]) => holds(operator, key, wanted)),
    );
  const matching = policy.Statement.filter(applies);
  if (matching.some((s) => s.Effect === "Deny")) return "explicit deny";
  if (matching.some((s) => s.Effect === "Allow") || req.identityAllows) return "allow";
  return "implicit deny";
}

describe("the events topic policy under IAM's evaluation", () => {
  it("lets SES publish for this account's configuration set and denies every other publisher", async () => {
    const sender = await build("mail", { domain: "example.com", region: "eu-west-1" });
    const policy = JSON.parse(only("aws:sns/topicPolicy:TopicPolicy").inputs.policy as string);
    const setArn = await valueOf(sender.configurationSetArn);
    const ses = (account: string, source: string): PublishRequest => ({
      principal: { Service: "ses.amazonaws.com" },
      identityAllows: false,
      context: {
        "aws:PrincipalServiceName": "ses.amazonaws.com",
        "aws:SourceAccount": account,
        "aws:SourceArn": source,
      },
    });
    const cases: [string, PublishRequest, string][] = [
      ["SES for this configuration set", ses(ACCOUNT, setArn), "allow"],
      [
        "SES for another account",
        ses("210987654321", setArn.replace(ACCOUNT, "210987654321")),
        "implicit deny",
      ],
      [
        "an IAM role of the account whose policy allows sns:Publish",
        {
          principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/app` },
          identityAllows: true,
          context: { "aws:PrincipalAccount": ACCOUNT },
        },
        "explicit deny",
      ],
      [
        "another service",
        {
          principal: { Service: "events.amazonaws.com" },
          identityAllows: false,
          context: { "aws:PrincipalServiceName": "events.amazonaws.com" },
        },
        "explicit deny",
      ],
    ];
    expect(cases.map(([what, req]) => [what, publishDecision(policy, req)])).toEqual(
      cases.map(([what, , decision]) => [what, decision]),
    );
  });
});
