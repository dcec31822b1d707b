/**
 * The example program: mail for one domain (SES in the configured region, SMTP credentials on
 * 587, records on Cloudflare or Route53) and, when a VPC is configured, a security group without
 * port 25. Configuration: Pulumi.yaml declares every key with its type, description and default;
 * Pulumi.dev.yaml is a sample stack on Cloudflare, Pulumi.route53.yaml one on Route53.
 */
import * as pulumi from "@pulumi/pulumi";
import { DmarcPolicy } from "./policies/core/dmarc";
import {
  EgressAllowance,
  MailDomain,
  MailDomainArgs,
  MailDomainDns,
  NoSmtpEgressSecurityGroup,
} from "./components";

const config = new pulumi.Config();

/** A string setting, undefined when empty (the project default for optional settings). */
function optional(key: string): string | undefined {
  const value = config.get(key);
  return value === undefined || value === "" ? undefined : value;
}

/** A list setting, undefined when empty. */
function list<T>(key: string): T[] | undefined {
  const value = config.getObject<T[]>(key);
  return value === undefined || value.length === 0 ? undefined : value;
}

const domain = config.require("domain");
const region = optional("sesRegion");
const apexSpfExisting = optional("apexSpfExisting");
const apexSpfIncludes = list<string>("apexSpfIncludes");
// Route53 keeps every TXT value of the apex in one record set: the others are listed to be kept.
const apexTxtOtherValues = list<string>("apexTxtOtherValues");

const dnsProvider = optional("dnsProvider") ?? "cloudflare";
let dns: MailDomainDns;
let adopt: MailDomainArgs["adopt"];
if (dnsProvider === "route53") {
  dns = { route53: { zoneId: optional("route53ZoneId"), zoneName: optional("route53ZoneName") } };
  adopt = {
    spf: config.getBoolean("route53AdoptApexTxt") ?? false,
    dmarc: config.getBoolean("route53AdoptDmarc") ?? false,
  };
} else if (dnsProvider === "cloudflare") {
  const zoneId = optional("cloudflareZoneId");
  if (zoneId === undefined) {
    throw new Error(
      "mailguard:cloudflareZoneId is not set: give the Cloudflare zone id, or set mailguard:dnsProvider to route53 with mailguard:route53ZoneId or mailguard:route53ZoneName.",
    );
  }
  dns = { cloudflare: { zoneId, zoneName: optional("cloudflareZoneName") } };
  adopt = {
    spf: optional("cloudflareApexSpfRecordId"),
    dmarc: optional("cloudflareDmarcRecordId"),
  };
} else {
  throw new Error(
    `mailguard:dnsProvider is "${dnsProvider}": it must be cloudflare or route53 (Pulumi.yaml).`,
  );
}

const mail = new MailDomain("mail", {
  domain,
  dns,
  region,
  fips: config.getBoolean("smtpFips") ?? false,
  dmarc: {
    p: (optional("dmarcPolicy") ?? "quarantine") as DmarcPolicy,
    // Empty (the project default): undefined, so reports go to mailto:dmarc-reports@<domain>.
    rua: list<string>("dmarcRua"),
    adkim: (optional("dmarcAdkim") ?? "r") as "r" | "s",
    aspf: (optional("dmarcAspf") ?? "r") as "r" | "s",
  },
  // What the stack's policy configuration gives dmarc-policy-enforced (p=none needs "none").
  dmarcPolicyEnforced: {
    minimumPolicy: (optional("dmarcMinimumPolicy") ?? "quarantine") as DmarcPolicy,
  },
  apexSpf:
    config.getBoolean("publishApexSpf") === true
      ? {
          existing:
            apexTxtOtherValues === undefined
              ? apexSpfExisting
              : [
                  ...(apexSpfExisting !== undefined ? [apexSpfExisting] : []),
                  ...apexTxtOtherValues,
                ],
          add: { includes: apexSpfIncludes },
        }
      : undefined,
  adopt,
  allowedFromAddresses: list<string>("allowedFromAddresses"),
  credentialsVersion: config.getNumber("credentialsVersion") ?? 1,
  retainPreviousCredentials: config.getBoolean("retainPreviousCredentials") ?? false,
});

const vpcId = optional("vpcId");
let securityGroup: NoSmtpEgressSecurityGroup | undefined;
if (vpcId !== undefined) {
  const tcp = list<number>("egressTcpPorts") ?? [];
  const udp = list<number>("egressUdpPorts") ?? [];
  const allowlist: EgressAllowance[] = [
    ...tcp.map((port) => ({ protocol: "tcp", fromPort: port })),
    ...udp.map((port) => ({ protocol: "udp", fromPort: port })),
  ];
  securityGroup = new NoSmtpEgressSecurityGroup("app", {
    vpcId,
    egress: allowlist.length > 0 ? allowlist : undefined,
    networkAclIds: list<string>("networkAclIds"),
  });
}

/**
 * SMTP connection bundle (secret): host, port 587 with STARTTLS, 465, username, password, region,
 * credentialsVersion.
 */
export const smtp = mail.smtp;
/** Secrets Manager secret holding the bundle as JSON, for applications to read at start. */
export const smtpSecretArn = mail.secretArn;
/** The records published, on Cloudflare or Route53 alike. */
export const dnsRecords = mail.records;
/** Records that outside DMARC report destinations must publish in their own zones. */
export const dmarcReportAuthorizations = mail.reportAuthorizations;
export const sesIdentityArn = mail.identityArn;
export const sesRegion = mail.region;
export const sesConfigurationSet = mail.configurationSetName;
export const sesEventTopicArn = mail.eventTopicArn;
export const smtpUserName = mail.userName;
/** Leaving the SES sandbox is a request to AWS; see the docs. */
export const sesSandbox = mail.sandbox;
export const securityGroupId = securityGroup?.securityGroupId;
