import * as pulumi from "@pulumi/pulumi";
import { ReportAuthorization } from "../policies/core/dmarc";
import {
  CloudflareMailRecords,
  CloudflareMailRecordsArgs,
  validateCloudflareMailRecordsArgs,
} from "./cloudflareMailRecords";
import {
  ArgumentError,
  argsArg,
  PublishedDnsRecord,
  renamedArgument,
  TOKEN_PREFIX,
  validateFor,
} from "./common";
import { SES_SENDER_ARGUMENTS, SesSender, SesSenderArgs, validateSesSenderArgs } from "./sesSender";
import {
  SmtpBundle,
  SmtpCredentials,
  SmtpCredentialsArgs,
  validateSmtpCredentialsOptions,
} from "./smtpCredentials";

/** The CloudflareMailRecords arguments MailDomain passes through under their own names. */
const DNS_OPTIONS = ["dmarc", "dmarcPolicyEnforced", "apexSpf", "ttl"] as const;
/** The SmtpCredentials arguments MailDomain passes through under their own names. */
const SMTP_OPTIONS = [
  "allowedFromAddresses",
  "credentialsVersion",
  "retainPreviousCredentials",
  "secretKmsKeyId",
  "fips",
  "vpcEndpoint",
] as const;

/**
 * The arguments of the three components MailDomain composes, documented there: every SesSender
 * argument, the DMARC, apex SPF and TTL of CloudflareMailRecords, and the SmtpCredentials options.
 */
export interface MailDomainArgs
  extends
    SesSenderArgs,
    Pick<CloudflareMailRecordsArgs, (typeof DNS_OPTIONS)[number]>,
    Pick<SmtpCredentialsArgs, (typeof SMTP_OPTIONS)[number]> {
  /** The domain to send from: the Cloudflare zone's apex or a subdomain of it; not a public suffix. */
  domain: string;
  /** The Cloudflare zone id the records go into (a string or an Output). */
  cloudflareZoneId: pulumi.Input<string>;
  /** The Cloudflare zone's name, to check the domain lies in it. Default: not checked. */
  cloudflareZoneName?: string;
}

/** Every argument MailDomain takes; any other key is refused. */
export const MAIL_DOMAIN_ARGUMENTS: readonly (keyof MailDomainArgs)[] = [
  ...SES_SENDER_ARGUMENTS,
  ...DNS_OPTIONS,
  ...SMTP_OPTIONS,
  "cloudflareZoneId",
  "cloudflareZoneName",
];

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
  const dns: CloudflareMailRecordsArgs = {
    zoneId: args.cloudflareZoneId,
    zoneName: args.cloudflareZoneName,
    domain: args.domain,
    dmarc: args.dmarc,
    dmarcPolicyEnforced: args.dmarcPolicyEnforced,
    apexSpf: args.apexSpf,
    ttl: args.ttl,
  };
  return { ses, smtp, dns };
}

/** CloudflareMailRecords' names for the two arguments MailDomain names after Cloudflare. */
const DNS_NAMES: Record<string, string> = {
  zoneId: "cloudflareZoneId",
  zoneName: "cloudflareZoneName",
};

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
    validateCloudflareMailRecordsArgs(dns);
  } catch (e) {
    throw e instanceof ArgumentError ? renamedArgument(e, DNS_NAMES) : e;
  }
  return args;
}

/**
 * Everything to send mail from a domain: SES (SesSender), SMTP credentials on port 587
 * (SmtpCredentials) and the DNS records on Cloudflare (CloudflareMailRecords). All arguments are
 * checked before any child resource is registered.
 */
export class MailDomain extends pulumi.ComponentResource {
  /**
   * The SMTP connection bundle (secret): host, port 587 STARTTLS, 465, username, password, region,
   * credentialsVersion.
   */
  readonly smtp: pulumi.Output<SmtpBundle>;
  /** ARN of the Secrets Manager secret holding the bundle as JSON. */
  readonly secretArn: pulumi.Output<string>;
  /** The records published on Cloudflare. */
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
  readonly dns: CloudflareMailRecords;

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
    this.dns = new CloudflareMailRecords(
      `${name}-dns`,
      { ...child.dns, domain: this.ses.domain, records: this.ses.dnsRecords },
      parent,
    );

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
