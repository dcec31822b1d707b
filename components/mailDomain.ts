import * as pulumi from "@pulumi/pulumi";
import { ReportAuthorization } from "../policies/core/dmarc";
import {
  CloudflareAdoptArgs,
  CloudflareMailRecords,
  CloudflareMailRecordsArgs,
  validateCloudflareMailRecordsArgs,
} from "./cloudflareMailRecords";
import {
  ArgumentError,
  argsArg,
  objectArg,
  PublishedDnsRecord,
  renamedArgument,
  TOKEN_PREFIX,
  validateFor,
} from "./common";
import { ApexSpfArgs } from "./mailRecords";
import {
  Route53AdoptArgs,
  Route53ApexSpfArgs,
  Route53MailRecords,
  Route53MailRecordsArgs,
  validateRoute53MailRecordsArgs,
} from "./route53MailRecords";
import { SES_SENDER_ARGUMENTS, SesSender, SesSenderArgs, validateSesSenderArgs } from "./sesSender";
import {
  SmtpBundle,
  SmtpCredentials,
  SmtpCredentialsArgs,
  validateSmtpCredentialsOptions,
} from "./smtpCredentials";

/** The DNS backends' arguments MailDomain passes through under their own names. */
const DNS_OPTIONS = ["dmarc", "dmarcPolicyEnforced", "ttl"] as const;
/** The SmtpCredentials arguments MailDomain passes through under their own names. */
const SMTP_OPTIONS = [
  "allowedFromAddresses",
  "credentialsVersion",
  "retainPreviousCredentials",
  "secretKmsKeyId",
  "fips",
  "vpcEndpoint",
] as const;

/** The Cloudflare zone MailDomain publishes the records in (CloudflareMailRecords). */
export interface MailDomainCloudflareZone {
  /** The zone id (a string or an Output; a plain string to adopt live records). */
  zoneId: pulumi.Input<string>;
  /** The zone's name, to check the domain lies in it. Default: not checked. */
  zoneName?: string;
}

/** The Route53 hosted zone MailDomain publishes the records in (Route53MailRecords). */
export interface MailDomainRoute53Zone {
  /** The hosted zone id (a string or an Output; a plain string to adopt live record sets). */
  zoneId?: pulumi.Input<string>;
  /** The zone's name: checked, and looked up among public zones when `zoneId` is left out. */
  zoneName?: string;
}

/** Where MailDomain publishes the records: exactly one backend. */
export type MailDomainDns =
  { cloudflare: MailDomainCloudflareZone } | { route53: MailDomainRoute53Zone };

/**
 * The arguments of the components MailDomain composes, documented there: every SesSender
 * argument, the DMARC, apex SPF, adoption and TTL of the DNS backend, and the SmtpCredentials
 * options.
 */
export interface MailDomainArgs
  extends
    SesSenderArgs,
    Pick<CloudflareMailRecordsArgs, (typeof DNS_OPTIONS)[number]>,
    Pick<SmtpCredentialsArgs, (typeof SMTP_OPTIONS)[number]> {
  /** The domain to send from: the zone's apex or a subdomain of it; not a public suffix. */
  domain: string;
  /**
   * The DNS zone the records go into: `{ cloudflare: { zoneId, zoneName? } }` or
   * `{ route53: { zoneId } }` / `{ route53: { zoneName } }` (looked up among public zones).
   * Required unless `cloudflareZoneId`, the short form of the first, is given.
   */
  dns?: MailDomainDns;
  /** Short form of `dns: { cloudflare: { zoneId } }`: the Cloudflare zone id. */
  cloudflareZoneId?: pulumi.Input<string>;
  /** With `cloudflareZoneId`: the Cloudflare zone's name, to check the domain lies in it. */
  cloudflareZoneName?: string;
  /**
   * An SPF record at the domain, merged with the existing one (see the backend's `apexSpf`; on
   * Route53, `existing` may list every value of the live record set). Default: none.
   */
  apexSpf?: ApexSpfArgs | Route53ApexSpfArgs | string;
  /**
   * The live apex SPF and `_dmarc` records to take over (see the backend's `adopt`): on
   * Cloudflare their DNS record ids, on Route53 `true`. Default: none.
   */
  adopt?: CloudflareAdoptArgs | Route53AdoptArgs;
}

/** Every argument MailDomain takes; any other key is refused. */
export const MAIL_DOMAIN_ARGUMENTS: readonly (keyof MailDomainArgs)[] = [
  ...SES_SENDER_ARGUMENTS,
  ...DNS_OPTIONS,
  "apexSpf",
  "adopt",
  ...SMTP_OPTIONS,
  "dns",
  "cloudflareZoneId",
  "cloudflareZoneName",
];

/** Which backend and zone MailDomain's arguments name, or an ArgumentError. */
type DnsChoice =
  | { backend: "cloudflare"; zone: MailDomainCloudflareZone; names: Record<string, string> }
  | { backend: "route53"; zone: MailDomainRoute53Zone; names: Record<string, string> };

const DNS_FIX =
  'Give dns: { cloudflare: { zoneId: "<zone id>" } }, dns: { route53: { zoneId: "<hosted zone id>" } } or dns: { route53: { zoneName: "example.com" } }; cloudflareZoneId: "<zone id>" is the short form of the first.';

function dnsChoice(args: MailDomainArgs): DnsChoice {
  const short = args.cloudflareZoneId !== undefined || args.cloudflareZoneName !== undefined;
  if (args.dns === undefined) {
    if (args.cloudflareZoneId === undefined) {
      throw new ArgumentError(
        "dns",
        args.dns,
        `MailDomain needs the DNS zone the records go into${args.cloudflareZoneName !== undefined ? " (cloudflareZoneName only checks the domain against it)" : ""}. Fix: ${DNS_FIX}`,
      );
    }
    return {
      backend: "cloudflare",
      zone: { zoneId: args.cloudflareZoneId, zoneName: args.cloudflareZoneName },
      names: { zoneId: "cloudflareZoneId", zoneName: "cloudflareZoneName" },
    };
  }
  const dns = objectArg(
    "dns",
    args.dns,
    ["cloudflare", "route53"],
    "the DNS zone, { cloudflare: { zoneId } } or { route53: { zoneId } }",
    DNS_FIX,
  );
  const given = Object.keys(dns).filter((k) => dns[k] !== undefined);
  if (given.length !== 1) {
    throw new ArgumentError(
      "dns",
      args.dns,
      `it must name exactly one DNS backend, cloudflare or route53${given.length > 1 ? ": the records go into one zone" : ""}. Fix: ${DNS_FIX}`,
    );
  }
  if (short) {
    const argument =
      args.cloudflareZoneId !== undefined ? "cloudflareZoneId" : "cloudflareZoneName";
    throw new ArgumentError(
      argument,
      args[argument],
      `${argument} belongs to the short form of dns: { cloudflare: { zoneId, zoneName } }, and dns names the zone too; the records go into one zone. Fix: Give the zone once: in dns, or as cloudflareZoneId (with cloudflareZoneName) alone.`,
    );
  }
  const backend = given[0] as "cloudflare" | "route53";
  const zone = objectArg(
    `dns.${backend}`,
    dns[backend],
    ["zoneId", "zoneName"],
    backend === "cloudflare"
      ? "the Cloudflare zone, { zoneId, zoneName? }"
      : "the Route53 hosted zone, { zoneId } or { zoneName }",
    backend === "cloudflare"
      ? 'Pass { zoneId: "<zone id>" }, with zoneName to check the domain lies in the zone.'
      : 'Pass { zoneId: "<hosted zone id>" }, or { zoneName: "example.com" } to look the public zone up.',
  );
  const names = { zoneId: `dns.${backend}.zoneId`, zoneName: `dns.${backend}.zoneName` };
  return backend === "cloudflare"
    ? { backend, zone: zone as unknown as MailDomainCloudflareZone, names }
    : { backend, zone, names };
}

/** What each child receives of MailDomain's arguments (before SesSender exists). */
function childArgs(args: MailDomainArgs) {
  const ses: SesSenderArgs = {
    domain: args.domain,
    region: args.region,
    newRegion: args.newRegion,
    dkimDomain: args.dkimDomain,
    mailFromDomain: args.mailFromDomain,
    behaviorOnMxFailure: args.behaviorOnMxFailure,
    byodkim: args.byodkim,
    configurationSetName: args.configurationSetName,
    eventTopicArn: args.eventTopicArn,
    alarms: args.alarms,
    tags: args.tags,
  };
  const smtp = {
    domain: args.domain,
    region: args.region,
    newRegion: args.newRegion,
    tags: args.tags,
    allowedFromAddresses: args.allowedFromAddresses,
    credentialsVersion: args.credentialsVersion,
    retainPreviousCredentials: args.retainPreviousCredentials,
    secretKmsKeyId: args.secretKmsKeyId,
    fips: args.fips,
    vpcEndpoint: args.vpcEndpoint,
  };
  const choice = dnsChoice(args);
  const common = {
    zoneId: choice.zone.zoneId,
    zoneName: choice.zone.zoneName,
    domain: args.domain,
    dmarc: args.dmarc,
    dmarcPolicyEnforced: args.dmarcPolicyEnforced,
    ttl: args.ttl,
  };
  const dns =
    choice.backend === "cloudflare"
      ? {
          backend: choice.backend,
          names: choice.names,
          args: {
            ...common,
            zoneId: choice.zone.zoneId,
            apexSpf: args.apexSpf as CloudflareMailRecordsArgs["apexSpf"],
            adopt: args.adopt as CloudflareAdoptArgs,
          } satisfies CloudflareMailRecordsArgs,
        }
      : {
          backend: choice.backend,
          names: choice.names,
          args: {
            ...common,
            apexSpf: args.apexSpf,
            adopt: args.adopt as Route53AdoptArgs,
          } satisfies Route53MailRecordsArgs,
        };
  return { ses, smtp, dns };
}

/**
 * Checks every MailDomain argument with the validators of the children it goes to, so a bad
 * value is refused before the first child is registered; throws ArgumentError named after
 * MailDomain's argument.
 */
export function validateMailDomainArgs(args: MailDomainArgs): MailDomainArgs {
  argsArg("MailDomain", args, MAIL_DOMAIN_ARGUMENTS);
  const { ses, smtp, dns } = childArgs(args);
  validateSesSenderArgs(ses);
  validateSmtpCredentialsOptions(smtp);
  try {
    if (dns.backend === "cloudflare") validateCloudflareMailRecordsArgs(dns.args);
    else validateRoute53MailRecordsArgs(dns.args);
  } catch (e) {
    throw e instanceof ArgumentError ? renamedArgument(e, dns.names) : e;
  }
  return args;
}

/**
 * Everything to send mail from a domain: SES (SesSender), SMTP credentials on port 587
 * (SmtpCredentials) and the DNS records on Cloudflare (CloudflareMailRecords) or Route53
 * (Route53MailRecords), as `dns` chooses. All arguments are checked before any child resource is
 * registered.
 */
export class MailDomain extends pulumi.ComponentResource {
  /**
   * The SMTP connection bundle (secret): host, port 587 STARTTLS, 465, username, password, region,
   * credentialsVersion.
   */
  readonly smtp: pulumi.Output<SmtpBundle>;
  /** ARN of the Secrets Manager secret holding the bundle as JSON. */
  readonly secretArn: pulumi.Output<string>;
  /** The records published, in the same shape on either backend. */
  readonly records: pulumi.Output<PublishedDnsRecord[]>;
  /** Records report destinations outside the domain must publish (not created here). */
  readonly reportAuthorizations: ReportAuthorization[];
  /** ARN of the SES identity. */
  readonly identityArn: pulumi.Output<string>;
  /** Name of the configuration set. */
  readonly configurationSetName: pulumi.Output<string>;
  /** The SES region. */
  readonly region: pulumi.Output<string>;
  /** Name of the IAM user behind the SMTP credentials. */
  readonly userName: pulumi.Output<string>;
  /** ARN of the SNS topic receiving bounce, complaint, reject and delivery-delay events. */
  readonly eventTopicArn: pulumi.Output<string>;
  /** What the SES sandbox means for a new account. */
  readonly sandbox: string;
  /** The children, for callers who need more. */
  readonly ses: SesSender;
  readonly credentials: SmtpCredentials;
  readonly dns: CloudflareMailRecords | Route53MailRecords;

  constructor(name: string, args: MailDomainArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${TOKEN_PREFIX}MailDomain`, name, {}, opts);
    // Every child's arguments, checked before the first child is registered.
    validateFor("MailDomain", name, this, () => validateMailDomainArgs(args));
    const child = childArgs(args);

    const parent = { parent: this };
    this.ses = new SesSender(`${name}-ses`, child.ses, parent);
    this.credentials = new SmtpCredentials(
      `${name}-smtp`,
      {
        ...child.smtp,
        domain: this.ses.domain,
        identityArn: this.ses.identityArn,
        configurationSetArn: this.ses.configurationSetArn,
        // The region SesSender resolved, so the bundle's host and password always match SES.
        region: this.ses.region,
      },
      parent,
    );
    const records = { domain: this.ses.domain, records: this.ses.dnsRecords };
    this.dns =
      child.dns.backend === "cloudflare"
        ? new CloudflareMailRecords(`${name}-dns`, { ...child.dns.args, ...records }, parent)
        : new Route53MailRecords(`${name}-dns`, { ...child.dns.args, ...records }, parent);

    this.smtp = this.credentials.bundle;
    this.secretArn = this.credentials.secretArn;
    this.records = this.dns.records;
    this.reportAuthorizations = this.dns.reportAuthorizations;
    this.identityArn = this.ses.identityArn;
    this.configurationSetName = this.ses.configurationSetName;
    this.region = this.ses.region;
    this.userName = this.credentials.userName;
    this.eventTopicArn = this.ses.eventTopicArn;
    this.sandbox = this.ses.sandbox;
    this.registerOutputs({
      smtp: this.smtp,
      secretArn: this.secretArn,
      records: this.records,
      reportAuthorizations: this.reportAuthorizations,
      identityArn: this.identityArn,
      configurationSetName: this.configurationSetName,
      region: this.region,
      userName: this.userName,
      eventTopicArn: this.eventTopicArn,
      sandbox: this.sandbox,
    });
  }
}
