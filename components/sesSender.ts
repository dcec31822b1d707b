import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { buildDkimKeyRecord } from "../policies/core/dkim";
import { checkDomainName, isSameOrSubdomain } from "../policies/core/domain";
import { describe } from "../policies/core/finding";
import {
  dkimDomainFindings,
  dkimDomainShapeFindings,
  ResolvedSesRegion,
  SES_FEEDBACK_MX_PRIORITY,
  SES_SPF_INCLUDE,
  SesRegionOptions,
} from "../policies/core/ses-regions";
import { buildSpf } from "../policies/core/spf";
import {
  ArgumentError,
  argsArg,
  arrayArg,
  booleanArg,
  DEFAULT_RECORD_TTL,
  failOnErrors,
  inputStringArg,
  MailDnsRecord,
  objectArg,
  oneOfArg,
  orPlaceholder,
  placeholder,
  REGION_PLACEHOLDER,
  sendingDomainArg,
  sesRegionArg,
  slug,
  tagsArg,
  TOKEN_PREFIX,
  unreportedRegionFacts,
  validateFor,
} from "./common";

/** SES puts an account under review at a 5% bounce rate ... */
export const SES_BOUNCE_REVIEW_RATE = 0.05;
/** ... or a 0.1% complaint rate. */
export const SES_COMPLAINT_REVIEW_RATE = 0.001;
/** Default bounce-rate alarm threshold: 2.5%, half of the review rate. */
export const DEFAULT_BOUNCE_RATE_ALARM = 0.025;
/** Default complaint-rate alarm threshold: 0.05%, half of the review rate. */
export const DEFAULT_COMPLAINT_RATE_ALARM = 0.0005;
/** The events SesSender sends to its topic. */
export const SES_EVENT_TYPES = ["BOUNCE", "COMPLAINT", "REJECT", "DELIVERY_DELAY"];
/** Default BYODKIM selector. */
export const DEFAULT_DKIM_SELECTOR = "mailguard";
/** What a new SES account can and cannot do; see the docs. */
export const SES_SANDBOX_NOTE =
  "A new SES account starts in the sandbox: it sends only to verified addresses, at most 200 messages a day. Request production access in the SES console (Account dashboard) for this region; no resource can do it.";

export type MailFromMxFailureBehavior = "USE_DEFAULT_VALUE" | "REJECT_MESSAGE";

/** Reputation alarms on the account's SES bounce and complaint rates. */
export interface SesAlarmArgs {
  /** Alarm when `Reputation.BounceRate` reaches this fraction. Default 0.025 (2.5%); must be below 0.05. */
  bounceRate?: number;
  /** Alarm when `Reputation.ComplaintRate` reaches this fraction. Default 0.0005 (0.05%); must be below 0.001. */
  complaintRate?: number;
  /** ARNs notified when an alarm fires or clears (e.g. an ops SNS topic). Default: none. */
  actions?: pulumi.Input<string>[];
}

export interface SesSenderArgs {
  /** The domain mail is sent from (the SES domain identity). IDNs are converted to punycode. */
  domain: string;
  /**
   * The SES region, e.g. `eu-west-1`: it decides the DKIM domain, the MAIL FROM MX host and the
   * SMTP endpoint (docs/regions.md). Every regional resource gets it as its `region` input. A
   * region SES does not have is refused before anything is registered. Default: the region of the
   * AWS provider in effect, checked when the deployment resolves it; give it explicitly to have it
   * checked up front.
   */
  region?: string;
  /**
   * The region is newer than mailguard's region table: accept any well-formed region code, with
   * the SMTP and MAIL FROM hosts by AWS's naming patterns. Easy DKIM then needs `dkimDomain`.
   * Default false.
   */
  newRegion?: boolean;
  /**
   * The domain SES keeps the Easy DKIM keys under for the region (`dkim.amazonses.com` or
   * `dkim.<region>.amazonses.com`, as the AWS General Reference lists it). Default: from
   * mailguard's region table.
   */
  dkimDomain?: string;
  /** Custom MAIL FROM domain, a subdomain of `domain`. Default `mail.<domain>`. */
  mailFromDomain?: string;
  /** What SES does when the MAIL FROM MX record is missing. Default `USE_DEFAULT_VALUE`. */
  behaviorOnMxFailure?: MailFromMxFailureBehavior;
  /**
   * Bring your own DKIM key: a 2048-bit RSA key made with `@pulumi/tls` and published as a TXT
   * record at `<selector>._domainkey.<domain>`. Default: off (Easy DKIM, RSA 2048, three CNAMEs).
   */
  byodkim?: boolean | { selector?: string };
  /** Name of the configuration set (1-64 of A-Z a-z 0-9 _ -). Default `<domain with dashes>-mailguard`. */
  configurationSetName?: string;
  /**
   * ARN of an SNS topic for bounce, complaint, reject and delivery-delay events. Default: a topic
   * this component creates, encrypted with its own KMS key, that only SES of this account may
   * publish to.
   */
  eventTopicArn?: pulumi.Input<string>;
  /** Reputation alarms; `false` turns them off. Default: on, at 2.5% bounces and 0.05% complaints. */
  alarms?: boolean | SesAlarmArgs;
  /** Tags for every taggable resource. Default: none. */
  tags?: Record<string, string>;
}

/** SesSenderArgs after validation, with defaults filled in. */
export interface NormalizedSesSenderArgs {
  domain: string;
  region?: string;
  /** The region's SES facts, when the region was given. */
  regionFacts?: ResolvedSesRegion;
  /** What decides the facts of a region that is only known at deployment. */
  regionOptions: SesRegionOptions;
  mailFromDomain: string;
  behaviorOnMxFailure: MailFromMxFailureBehavior;
  byodkim?: { selector: string };
  configurationSetName: string;
  eventTopicArn?: pulumi.Input<string>;
  alarms?: { bounceRate: number; complaintRate: number; actions: pulumi.Input<string>[] };
  tags?: Record<string, string>;
}

/** Every argument SesSender takes; any other key is refused (a misspelt one would be ignored). */
export const SES_SENDER_ARGUMENTS: readonly (keyof SesSenderArgs)[] = [
  "domain",
  "region",
  "newRegion",
  "dkimDomain",
  "mailFromDomain",
  "behaviorOnMxFailure",
  "byodkim",
  "configurationSetName",
  "eventTopicArn",
  "alarms",
  "tags",
];

const CONFIGURATION_SET_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const SELECTOR = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
/** Any ARN: CloudWatch alarm actions may be SNS topics, Auto Scaling policies, EC2 or SSM actions. */
const ANY_ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:\S+$/;

function rateArg(
  argument: string,
  value: unknown,
  fallback: number,
  review: number,
  label: string,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value >= review) {
    throw new ArgumentError(
      argument,
      value,
      `it must be a fraction above 0 and below ${review}, the ${label} rate at which AWS puts the account under review. Fix: Use a value such as ${fallback} (the default).`,
    );
  }
  return value;
}

/**
 * `newRegion` and `dkimDomain` checked for type, and `dkimDomain` for shape (the core checks it
 * again against the region, when there is one).
 */
export function sesRegionOptionsArg(args: {
  newRegion?: unknown;
  dkimDomain?: unknown;
  region?: unknown;
}): SesRegionOptions {
  const newRegion = booleanArg("newRegion", args.newRegion);
  const region = typeof args.region === "string" ? args.region : undefined;
  failOnErrors("dkimDomain", args.dkimDomain, dkimDomainShapeFindings(args.dkimDomain, region));
  return { newRegion, dkimDomain: args.dkimDomain as string | undefined };
}

/**
 * The facts of a region known only at deployment (the provider's), checked as an explicit region
 * is checked up front; a region SES does not have fails the deployment with the same message.
 * A region the provider did not report (only test mocks do that) gets placeholder facts
 * (`unreportedRegionFacts`) instead of a failure.
 */
export function deployedRegionFacts(
  region: string,
  a: Pick<NormalizedSesSenderArgs, "regionOptions" | "byodkim">,
): ResolvedSesRegion {
  if (region === REGION_PLACEHOLDER) return unreportedRegionFacts(a.regionOptions);
  const facts = sesRegionArg("region", region, a.regionOptions);
  if (a.byodkim === undefined) {
    for (const f of dkimDomainFindings(facts)) {
      throw new ArgumentError("dkimDomain", a.regionOptions.dkimDomain, describe(f));
    }
  }
  return facts;
}

function mailFromDomainArg(value: unknown, domain: string): string {
  if (value === undefined) return `mail.${domain}`;
  const within = `it must be a subdomain of ${domain}, so SPF aligns for DMARC. Fix: Use a name such as mail.${domain} (the default).`;
  if (typeof value !== "string") throw new ArgumentError("mailFromDomain", value, within);
  const check = checkDomainName(value);
  failOnErrors("mailFromDomain", value, check.findings);
  if (check.name === undefined || check.name === domain || !isSameOrSubdomain(check.name, domain)) {
    throw new ArgumentError("mailFromDomain", value, within);
  }
  return check.name;
}

function byodkimArg(value: unknown, domain: string): { selector: string } | undefined {
  if (value === undefined || value === false) return undefined;
  let selector: unknown = DEFAULT_DKIM_SELECTOR;
  if (value !== true) {
    const given = objectArg(
      "byodkim",
      value,
      ["selector"],
      "true, false or { selector }",
      `Pass true for a key under the selector "${DEFAULT_DKIM_SELECTOR}", { selector: "s2026" } for another selector, or leave it out for Easy DKIM.`,
    );
    if (given.selector !== undefined) selector = given.selector;
  }
  if (typeof selector !== "string" || !SELECTOR.test(selector)) {
    throw new ArgumentError(
      "byodkim.selector",
      selector,
      `it must be one DNS label of lower-case letters, digits and inner hyphens. Fix: Use a selector such as "${DEFAULT_DKIM_SELECTOR}" (the default).`,
    );
  }
  failOnErrors(
    "byodkim.selector",
    selector,
    checkDomainName(`${selector}._domainkey.${domain}`, { allowUnderscore: true }).findings,
  );
  return { selector };
}

function configurationSetNameArg(value: unknown, domain: string): string {
  const name =
    value === undefined ? `${slug(domain)}-mailguard`.slice(-64).replace(/^[-_]+/, "") : value;
  if (typeof name !== "string" || !CONFIGURATION_SET_NAME.test(name)) {
    throw new ArgumentError(
      "configurationSetName",
      name,
      "it must be 1 to 64 characters of A-Z a-z 0-9 _ and -. Fix: Choose such a name, or leave it out for the default.",
    );
  }
  return name;
}

function alarmsArg(value: unknown): NormalizedSesSenderArgs["alarms"] {
  if (value === false) return undefined;
  const given =
    value === undefined || value === true
      ? {}
      : objectArg(
          "alarms",
          value,
          ["bounceRate", "complaintRate", "actions"],
          "true, false or { bounceRate, complaintRate, actions }",
          "Pass false for no alarms, an object to tune them, or leave it out for the defaults.",
        );
  const actions = arrayArg(
    "alarms.actions",
    given.actions,
    'List ARNs such as ["arn:aws:sns:eu-west-1:123456789012:ops"], or leave it out for none.',
  );
  return {
    bounceRate: rateArg(
      "alarms.bounceRate",
      given.bounceRate,
      DEFAULT_BOUNCE_RATE_ALARM,
      SES_BOUNCE_REVIEW_RATE,
      "bounce",
    ),
    complaintRate: rateArg(
      "alarms.complaintRate",
      given.complaintRate,
      DEFAULT_COMPLAINT_RATE_ALARM,
      SES_COMPLAINT_REVIEW_RATE,
      "complaint",
    ),
    actions: (actions ?? []).map((action, i) =>
      inputStringArg(`alarms.actions[${i}]`, action, {
        pattern: ANY_ARN,
        shape: "an ARN (an SNS topic, for example)",
        fix: "Give an ARN such as arn:aws:sns:eu-west-1:123456789012:ops.",
      }),
    ),
  };
}

/**
 * Checks every SesSender argument for type and shape, and fills in defaults; throws ArgumentError
 * naming the bad argument.
 */
export function validateSesSenderArgs(args: SesSenderArgs): NormalizedSesSenderArgs {
  const given = argsArg("SesSender", args, SES_SENDER_ARGUMENTS);
  const domain = sendingDomainArg("domain", given.domain);
  const regionOptions = sesRegionOptionsArg(given);
  const regionFacts =
    given.region === undefined
      ? undefined
      : sesRegionArg("region", given.region as string, regionOptions);
  const region = regionFacts?.region;
  const mailFromDomain = mailFromDomainArg(given.mailFromDomain, domain);
  const behavior = oneOfArg(
    "behaviorOnMxFailure",
    given.behaviorOnMxFailure,
    ["USE_DEFAULT_VALUE", "REJECT_MESSAGE"],
    "USE_DEFAULT_VALUE",
  );
  const byodkim = byodkimArg(given.byodkim, domain);
  const configurationSetName = configurationSetNameArg(given.configurationSetName, domain);
  const eventTopicArn =
    given.eventTopicArn === undefined
      ? undefined
      : inputStringArg("eventTopicArn", given.eventTopicArn, {
          pattern: SNS_TOPIC_ARN,
          shape: "an SNS topic ARN",
          fix: "Give an ARN such as arn:aws:sns:eu-west-1:123456789012:ses-events, or leave it out to have one created.",
        });
  const alarms = alarmsArg(given.alarms);
  const tags = tagsArg("tags", given.tags);

  if (regionFacts !== undefined && byodkim === undefined) {
    failOnErrors("dkimDomain", given.dkimDomain, dkimDomainFindings(regionFacts));
  }

  return {
    domain,
    region,
    regionFacts,
    regionOptions,
    mailFromDomain,
    behaviorOnMxFailure: behavior,
    byodkim,
    configurationSetName,
    eventTopicArn,
    alarms,
    tags,
  };
}

/** The base64 body of a PEM document, without armour or line breaks. */
export function pemBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, "").replace(/\s+/g, "");
}

/**
 * SES sending for one domain: a domain identity with 2048-bit DKIM (Easy DKIM or BYODKIM), a
 * custom MAIL FROM domain, a configuration set that requires TLS and is the identity's default,
 * bounce/complaint/reject/delivery-delay events to a KMS-encrypted SNS topic, and CloudWatch alarms
 * on the account's reputation. It publishes no DNS: {@link SesSender.dnsRecords} lists the records
 * (see CloudflareMailRecords).
 *
 * Region: `region` when given (set as each resource's `region` input), else the provider's.
 */
export class SesSender extends pulumi.ComponentResource {
  /** The normalized domain (lower-case, punycode). */
  readonly domain: string;
  /** The custom MAIL FROM domain. */
  readonly mailFromDomain: string;
  /** The SES region. */
  readonly region: pulumi.Output<string>;
  /** The region's SES facts: SMTP and FIPS hosts, DKIM domain, feedback host, partition. */
  readonly regionFacts: pulumi.Output<ResolvedSesRegion>;
  /** ARN of the SES domain identity. */
  readonly identityArn: pulumi.Output<string>;
  /** Name of the configuration set (the identity's default). */
  readonly configurationSetName: pulumi.Output<string>;
  /** ARN of the configuration set. */
  readonly configurationSetArn: pulumi.Output<string>;
  /** ARN of the SNS topic receiving SES events (created, or the one given). */
  readonly eventTopicArn: pulumi.Output<string>;
  /** DKIM selectors: the three Easy DKIM tokens, or the BYODKIM selector. */
  readonly dkimSelectors: pulumi.Output<string[]>;
  /**
   * The records the domain needs, in order: DKIM (three CNAMEs at indices 0..2 to
   * `<token>.<the region's DKIM domain>`, or one TXT), the MAIL FROM MX
   * (`10 feedback-smtp.<region>.amazonses.com`) and the MAIL FROM SPF TXT.
   */
  readonly dnsRecords: MailDnsRecord[];
  /** Names of the reputation alarms (empty when turned off). */
  readonly alarmNames: pulumi.Output<string[]>;
  /** What the SES sandbox means for a new account. */
  readonly sandbox: string = SES_SANDBOX_NOTE;

  constructor(name: string, args: SesSenderArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${TOKEN_PREFIX}SesSender`, name, {}, opts);
    const a = validateFor("SesSender", name, this, () => validateSesSenderArgs(args));
    const parent = { parent: this };
    const regional = a.region !== undefined ? { region: a.region } : {};

    this.domain = a.domain;
    this.mailFromDomain = a.mailFromDomain;
    // A provider always reports its region; minimal test mocks do not (see unreportedRegionFacts).
    this.region =
      a.region !== undefined
        ? pulumi.output(a.region)
        : aws.getRegionOutput({}, parent).region.apply((r) => orPlaceholder(r, "aws-region"));
    // The DKIM domain and feedback host of the region (docs/regions.md): known now for an explicit
    // region, checked when the provider's region resolves otherwise.
    const facts: pulumi.Output<ResolvedSesRegion> =
      a.regionFacts !== undefined
        ? pulumi.output(a.regionFacts)
        : this.region.apply((r) =>
            validateFor("SesSender", name, this, () => deployedRegionFacts(r, a)),
          );
    this.regionFacts = facts;

    const configurationSet = new aws.sesv2.ConfigurationSet(
      `${name}-configuration-set`,
      {
        ...regional,
        configurationSetName: a.configurationSetName,
        deliveryOptions: { tlsPolicy: "REQUIRE" },
        suppressionOptions: { suppressedReasons: ["BOUNCE", "COMPLAINT"] },
        reputationOptions: { reputationMetricsEnabled: true },
        tags: a.tags,
      },
      parent,
    );

    let dkimKey: tls.PrivateKey | undefined;
    if (a.byodkim) {
      dkimKey = new tls.PrivateKey(`${name}-dkim-key`, { algorithm: "RSA", rsaBits: 2048 }, parent);
    }
    const identity = new aws.sesv2.EmailIdentity(
      `${name}-identity`,
      {
        ...regional,
        emailIdentity: a.domain,
        configurationSetName: configurationSet.configurationSetName,
        dkimSigningAttributes:
          dkimKey && a.byodkim
            ? {
                domainSigningSelector: a.byodkim.selector,
                domainSigningPrivateKey: dkimKey.privateKeyPem.apply((pem) =>
                  typeof pem === "string" && pem !== ""
                    ? pemBody(pem)
                    : placeholder("dkim-private-key"),
                ),
              }
            : { nextSigningKeyLength: "RSA_2048_BIT" },
        tags: a.tags,
      },
      parent,
    );
    new aws.sesv2.EmailIdentityMailFromAttributes(
      `${name}-mail-from`,
      {
        ...regional,
        emailIdentity: identity.emailIdentity,
        mailFromDomain: a.mailFromDomain,
        behaviorOnMxFailure: a.behaviorOnMxFailure,
      },
      parent,
    );

    let eventTopicArn: pulumi.Output<string>;
    let topicPolicy: aws.sns.TopicPolicy | undefined;
    if (a.eventTopicArn !== undefined) {
      eventTopicArn = pulumi.output(a.eventTopicArn);
    } else {
      const account = aws
        .getCallerIdentityOutput({}, parent)
        .accountId.apply((id) => orPlaceholder(id, "aws-account-id"));
      const partition = aws
        .getPartitionOutput({}, parent)
        .partition.apply((p) => orPlaceholder(p, "aws-partition"));
      const configurationSetArn = pulumi.interpolate`arn:${partition}:ses:${this.region}:${account}:configuration-set/${a.configurationSetName}`;
      const key = new aws.kms.Key(
        `${name}-events-key`,
        {
          ...regional,
          description: `Encrypts SES events of ${a.domain} (mailguard)`,
          enableKeyRotation: true,
          policy: eventsKeyPolicy(partition, account, configurationSetArn),
          tags: a.tags,
        },
        parent,
      );
      const topic = new aws.sns.Topic(
        `${name}-events`,
        { ...regional, kmsMasterKeyId: key.arn, tags: a.tags },
        parent,
      );
      topicPolicy = new aws.sns.TopicPolicy(
        `${name}-events-policy`,
        {
          ...regional,
          arn: topic.arn,
          policy: eventsTopicPolicy(topic.arn, account, configurationSetArn),
        },
        parent,
      );
      eventTopicArn = topic.arn;
    }
    new aws.sesv2.ConfigurationSetEventDestination(
      `${name}-events-destination`,
      {
        ...regional,
        configurationSetName: configurationSet.configurationSetName,
        eventDestinationName: "mailguard-events",
        eventDestination: {
          enabled: true,
          matchingEventTypes: SES_EVENT_TYPES,
          snsDestination: { topicArn: eventTopicArn },
        },
      },
      // SES checks that it may publish when the destination is created.
      { parent: this, dependsOn: topicPolicy ? [topicPolicy] : [] },
    );

    const alarms: aws.cloudwatch.MetricAlarm[] = [];
    if (a.alarms) {
      const metrics = [
        {
          key: "bounce-rate",
          metric: "Reputation.BounceRate",
          threshold: a.alarms.bounceRate,
          review: SES_BOUNCE_REVIEW_RATE,
        },
        {
          key: "complaint-rate",
          metric: "Reputation.ComplaintRate",
          threshold: a.alarms.complaintRate,
          review: SES_COMPLAINT_REVIEW_RATE,
        },
      ];
      for (const m of metrics) {
        alarms.push(
          new aws.cloudwatch.MetricAlarm(
            `${name}-${m.key}`,
            {
              ...regional,
              alarmDescription: `SES ${m.metric} of the account reached ${m.threshold}; AWS reviews the account at ${m.review}. (mailguard, ${a.domain})`,
              namespace: "AWS/SES",
              metricName: m.metric,
              statistic: "Maximum",
              period: 3600,
              evaluationPeriods: 1,
              comparisonOperator: "GreaterThanOrEqualToThreshold",
              threshold: m.threshold,
              treatMissingData: "notBreaching",
              alarmActions: a.alarms.actions,
              okActions: a.alarms.actions,
              tags: a.tags,
            },
            parent,
          ),
        );
      }
    }

    // SES always returns three tokens; where one is missing (minimal test mocks) a placeholder
    // `<dkim-token-N>` stands in, and the pack and the live check judge what is published.
    const tokens = [0, 1, 2].map((i) =>
      identity.dkimSigningAttributes.apply((d) =>
        orPlaceholder(Array.isArray(d?.tokens) ? d.tokens[i] : undefined, `dkim-token-${i}`),
      ),
    );
    const records: MailDnsRecord[] = [];
    if (dkimKey && a.byodkim) {
      records.push({
        key: "dkim",
        name: `${a.byodkim.selector}._domainkey.${a.domain}`,
        type: "TXT",
        content: dkimKey.publicKeyPem.apply((pem) =>
          typeof pem === "string" && pem !== ""
            ? buildDkimKeyRecord(pemBody(pem))
            : `v=DKIM1; k=rsa; p=${placeholder("dkim-public-key")}`,
        ),
        ttl: DEFAULT_RECORD_TTL,
        purpose: "DKIM public key (BYODKIM)",
      });
    } else {
      // Three records at fixed indices, so preview lists them while the tokens are unknown.
      tokens.forEach((token, i) => {
        records.push({
          key: `dkim-${i}`,
          name: pulumi.interpolate`${token}._domainkey.${a.domain}`,
          type: "CNAME",
          content: pulumi.interpolate`${token}.${facts.apply((f) => f.dkimDomain ?? "")}`,
          ttl: DEFAULT_RECORD_TTL,
          purpose: "DKIM (SES Easy DKIM)",
        });
      });
    }
    records.push({
      key: "mail-from-mx",
      name: a.mailFromDomain,
      type: "MX",
      content: facts.apply((f) => f.feedbackHost),
      priority: SES_FEEDBACK_MX_PRIORITY,
      ttl: DEFAULT_RECORD_TTL,
      purpose: "MAIL FROM bounces to SES",
    });
    records.push({
      key: "mail-from-spf",
      name: a.mailFromDomain,
      type: "TXT",
      content: buildSpf({ includes: [SES_SPF_INCLUDE] }),
      ttl: DEFAULT_RECORD_TTL,
      purpose: "MAIL FROM SPF",
    });

    this.identityArn = identity.arn;
    this.configurationSetName = configurationSet.configurationSetName;
    this.configurationSetArn = configurationSet.arn;
    this.eventTopicArn = eventTopicArn;
    this.dkimSelectors = a.byodkim ? pulumi.output([a.byodkim.selector]) : pulumi.all(tokens);
    this.dnsRecords = records;
    this.alarmNames = pulumi.all(alarms.map((al) => al.name));
    this.registerOutputs({
      domain: this.domain,
      mailFromDomain: this.mailFromDomain,
      region: this.region,
      identityArn: this.identityArn,
      configurationSetName: this.configurationSetName,
      configurationSetArn: this.configurationSetArn,
      eventTopicArn: this.eventTopicArn,
      dkimSelectors: this.dkimSelectors,
      dnsRecords: this.dnsRecords,
      alarmNames: this.alarmNames,
      sandbox: this.sandbox,
    });
  }
}

/**
 * Key policy of the events topic's KMS key: the account administers it; SES, the publisher, may
 * generate data keys and decrypt with it, only for this account's configuration set. SNS itself
 * needs no grant: with server-side encryption the publisher's permissions on the key are what
 * count, and subscribers receive messages decrypted.
 */
export function eventsKeyPolicy(
  partition: pulumi.Input<string>,
  account: pulumi.Input<string>,
  configurationSetArn: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.all([partition, account, configurationSetArn]).apply(([p, acct, setArn]) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AccountAdministersKey",
          Effect: "Allow",
          Principal: { AWS: `arn:${p}:iam::${acct}:root` },
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
            StringEquals: { "aws:SourceAccount": acct },
            ArnLike: { "aws:SourceArn": setArn },
          },
        },
      ],
    }),
  );
}

/**
 * Topic policy: SES may publish for this account's configuration set, and nobody else may publish
 * at all. The Allow alone would not stop IAM users and roles of the account whose own policies
 * grant sns:Publish; the explicit Deny does.
 */
export function eventsTopicPolicy(
  topicArn: pulumi.Input<string>,
  account: pulumi.Input<string>,
  configurationSetArn: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.all([topicArn, account, configurationSetArn]).apply(([arn, acct, setArn]) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "OnlySesOfThisAccountPublishes",
          Effect: "Allow",
          Principal: { Service: "ses.amazonaws.com" },
          Action: "SNS:Publish",
          Resource: arn,
          Condition: {
            StringEquals: { "AWS:SourceAccount": acct },
            ArnLike: { "AWS:SourceArn": setArn },
          },
        },
        {
          // aws:PrincipalServiceName is in the request only when a service principal calls: for
          // SES it is ses.amazonaws.com, so the condition is false and SES is not denied. For IAM
          // users, roles and the root user it is absent, and ...IfExists makes an absent key
          // match, so they are denied, as is any other service.
          Sid: "NoOtherPrincipalPublishes",
          Effect: "Deny",
          Principal: "*",
          Action: "SNS:Publish",
          Resource: arn,
          Condition: {
            StringNotEqualsIfExists: { "aws:PrincipalServiceName": "ses.amazonaws.com" },
          },
        },
      ],
    }),
  );
}
