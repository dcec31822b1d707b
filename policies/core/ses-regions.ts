import { editDistance, Finding, finding } from "./finding";
import { bareName } from "./domain";

/**
 * SES facts, region by region: where SES runs, its SMTP endpoint (and FIPS endpoint), the domain
 * under which Easy DKIM keys live, and the host a custom MAIL FROM domain's MX must name. Every
 * component, policy, the plan, the simulator and the docs read these facts from here, so a fact
 * fixed is one edit.
 *
 * Sources (checked 2026-12):
 * - Regions, partitions and names: the SES v2 API Reference, `DkimSigningAttributes`
 *   (`DomainSigningAttributesOrigin` lists one `AWS_SES_<REGION>` per commercial region, with its
 *   name), https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_DkimSigningAttributes.html;
 *   the AWS SDK endpoint data for `email` (aws-sdk-go-v2 `service/sesv2/internal/endpoints`); the
 *   GovCloud User Guide, "Amazon SES", for us-gov-west-1 and us-gov-east-1.
 * - SMTP hosts and ports: AWS General Reference, "Amazon Simple Email Service endpoints and
 *   quotas", section "SMTP endpoints", https://docs.aws.amazon.com/general/latest/gr/ses.html;
 *   SES Developer Guide, "Connecting to an Amazon SES SMTP endpoint" (STARTTLS on 25, 587 and
 *   2587; implicit TLS on 465 and 2465). Every SES region has an SMTP endpoint; FIPS SMTP
 *   endpoints exist in us-east-1, us-west-2 and us-gov-west-1 only.
 * - DKIM domains: AWS General Reference, same page, section "DKIM domains": `dkim.amazonses.com`
 *   except in the regions marked `regionalDkim` below, which use `dkim.<region>.amazonses.com`.
 * - Feedback hosts: SES Developer Guide, "Feedback endpoints for custom MAIL FROM" (now in the
 *   General Reference, section "Feedback endpoints"): `feedback-smtp.<region>.amazonses.com`, on
 *   amazonses.com in every region, GovCloud included.
 *
 * AWS opens regions and moves regions onto regional DKIM domains over time. A region missing here
 * is refused by the components with the nearest known regions named; `newRegion` with an explicit
 * `dkimDomain` lets a user go on before this table catches up.
 */

/** The AWS partition a region belongs to, as it appears in ARNs (`arn:<partition>:ses:...`). */
export type AwsPartition = "aws" | "aws-us-gov";

/** What SES offers in one region. */
export interface SesRegion {
  /** Region code, e.g. `eu-west-1`. */
  region: string;
  /** Region name as AWS writes it. */
  name: string;
  partition: AwsPartition;
  /** SMTP submission host (STARTTLS on 587, implicit TLS on 465); undefined where SES has no SMTP endpoint. */
  smtpHost?: string;
  /** FIPS 140 SMTP host, where one exists. */
  fipsSmtpHost?: string;
  /** The zone SES publishes Easy DKIM keys under: CNAME `<token>._domainkey.<domain>` -> `<token>.<dkimDomain>`. */
  dkimDomain: string;
  /** The host the custom MAIL FROM domain's MX must name, with priority 10. */
  feedbackHost: string;
}

/** The Easy DKIM domain of most regions. */
export const GLOBAL_DKIM_DOMAIN = "dkim.amazonses.com";

/**
 * The SPF include that authorizes SES's sending hosts: a MAIL FROM domain publishes
 * `v=spf1 include:amazonses.com -all` (SES Developer Guide, "Setting up a custom MAIL FROM domain").
 */
export const SES_SPF_INCLUDE = "amazonses.com";

/** Ports SES offers for SMTP submission: STARTTLS (RFC 3207) and implicit TLS (RFC 8314). */
export const SES_SMTP_PORTS = {
  /** Submission with STARTTLS (RFC 6409, RFC 3207); also 25 and 2587, which mailguard never hands out. */
  startTls: 587,
  /** Implicit TLS (RFC 8314); also 2465. */
  implicitTls: 465,
} as const;

/** MX preference of the MAIL FROM record SES documents (`10 feedback-smtp.<region>.amazonses.com`). */
export const SES_FEEDBACK_MX_PRIORITY = 10;

/** Where AWS lists the Easy DKIM domain of each region, as messages name it. */
export const SES_DKIM_DOMAINS_SOURCE =
  "AWS General Reference, Amazon SES endpoints and quotas, DKIM domains";

/** Where AWS lists the MX host of a custom MAIL FROM domain, as messages name it. */
export const SES_FEEDBACK_SOURCE = "SES Developer Guide, custom MAIL FROM feedback endpoints";

/** Where AWS gives the SPF record of a custom MAIL FROM domain, as messages name it. */
export const SES_MAIL_FROM_SPF_SOURCE = "SES Developer Guide, setting up a custom MAIL FROM domain";

interface Row {
  region: string;
  name: string;
  partition?: AwsPartition;
  /** Keys under `dkim.<region>.amazonses.com`. */
  regionalDkim?: boolean;
  /** SES offers only its HTTPS API here, no SMTP endpoint (no region today). */
  noSmtp?: boolean;
  fips?: boolean;
}

/* One row per SES region; the hosts are spelled out in SES_REGIONS below. */
const ROWS: readonly Row[] = [
  { region: "us-east-1", name: "US East (N. Virginia)", fips: true },
  { region: "us-east-2", name: "US East (Ohio)" },
  { region: "us-west-1", name: "US West (N. California)" },
  { region: "us-west-2", name: "US West (Oregon)", fips: true },
  { region: "af-south-1", name: "Africa (Cape Town)", regionalDkim: true },
  { region: "ap-south-1", name: "Asia Pacific (Mumbai)" },
  { region: "ap-south-2", name: "Asia Pacific (Hyderabad)", regionalDkim: true },
  { region: "ap-southeast-1", name: "Asia Pacific (Singapore)" },
  { region: "ap-southeast-2", name: "Asia Pacific (Sydney)" },
  { region: "ap-southeast-3", name: "Asia Pacific (Jakarta)", regionalDkim: true },
  { region: "ap-southeast-5", name: "Asia Pacific (Malaysia)", regionalDkim: true },
  { region: "ap-northeast-1", name: "Asia Pacific (Tokyo)" },
  { region: "ap-northeast-2", name: "Asia Pacific (Seoul)" },
  { region: "ap-northeast-3", name: "Asia Pacific (Osaka)", regionalDkim: true },
  { region: "ca-central-1", name: "Canada (Central)" },
  { region: "ca-west-1", name: "Canada West (Calgary)", regionalDkim: true },
  { region: "eu-central-1", name: "Europe (Frankfurt)" },
  { region: "eu-central-2", name: "Europe (Zurich)", regionalDkim: true },
  { region: "eu-west-1", name: "Europe (Ireland)" },
  { region: "eu-west-2", name: "Europe (London)" },
  { region: "eu-west-3", name: "Europe (Paris)" },
  { region: "eu-south-1", name: "Europe (Milan)", regionalDkim: true },
  { region: "eu-north-1", name: "Europe (Stockholm)" },
  { region: "il-central-1", name: "Israel (Tel Aviv)", regionalDkim: true },
  { region: "me-south-1", name: "Middle East (Bahrain)" },
  { region: "me-central-1", name: "Middle East (UAE)", regionalDkim: true },
  { region: "sa-east-1", name: "South America (São Paulo)" },
  { region: "us-gov-west-1", name: "AWS GovCloud (US-West)", partition: "aws-us-gov", fips: true },
  {
    region: "us-gov-east-1",
    name: "AWS GovCloud (US-East)",
    partition: "aws-us-gov",
    regionalDkim: true,
  },
];

/** The host a MAIL FROM MX names in a region (`feedbackHostOf("<region>")` gives the pattern). */
export function feedbackHostOf(region: string): string {
  return `feedback-smtp.${region}.amazonses.com`;
}

/** A regional Easy DKIM domain (`regionalDkimDomainOf("<region>")` gives the pattern). */
export function regionalDkimDomainOf(region: string): string {
  return `dkim.${region}.amazonses.com`;
}

/** Every SES region, in the order of {@link ROWS}. */
export const SES_REGIONS: readonly SesRegion[] = ROWS.map((r) => ({
  region: r.region,
  name: r.name,
  partition: r.partition ?? "aws",
  smtpHost: r.noSmtp ? undefined : `email-smtp.${r.region}.amazonaws.com`,
  fipsSmtpHost: r.fips ? `email-smtp-fips.${r.region}.amazonaws.com` : undefined,
  dkimDomain: r.regionalDkim ? regionalDkimDomainOf(r.region) : GLOBAL_DKIM_DOMAIN,
  feedbackHost: feedbackHostOf(r.region),
}));

const BY_CODE: ReadonlyMap<string, SesRegion> = new Map(SES_REGIONS.map((r) => [r.region, r]));

/** The shape of an AWS region code: `eu-west-1`, `us-gov-east-1`. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** The facts of an SES region, or undefined when SES is not known to run there. */
export function sesRegion(region: string): SesRegion | undefined {
  return BY_CODE.get(region);
}

/** The region of a regional DKIM domain (`dkim.me-central-1.amazonses.com` -> `me-central-1`). */
export function regionOfDkimDomain(domain: string): string | undefined {
  const m = /^dkim\.([a-z0-9-]+)\.amazonses\.com$/.exec(domain);
  return m === null ? undefined : m[1];
}

/**
 * Is this name shaped like an SES Easy DKIM domain: `dkim.amazonses.com` or
 * `dkim.<region>.amazonses.com` for any region code (a region opened after this table included)?
 */
export function isSesDkimDomainShape(domain: string): boolean {
  if (domain === GLOBAL_DKIM_DOMAIN) return true;
  const region = regionOfDkimDomain(domain);
  return region !== undefined && REGION_PATTERN.test(region);
}

/**
 * Does a host lie under an SES Easy DKIM domain (`<token>.dkim.amazonses.com`,
 * `<token>.dkim.<region>.amazonses.com`)? Case-insensitive, a trailing dot tolerated.
 */
export function isUnderSesDkimDomain(host: string): boolean {
  const labels = bareName(host).split(".");
  return labels.some((_, i) => i > 0 && isSesDkimDomainShape(labels.slice(i).join(".")));
}

/** The region of a feedback host (`feedback-smtp.eu-west-1.amazonses.com` -> `eu-west-1`). */
export function regionOfFeedbackHost(host: string): string | undefined {
  const m = /^feedback-smtp\.([a-z0-9-]+)\.amazonses\.com$/.exec(host);
  return m === null || !REGION_PATTERN.test(m[1]) ? undefined : m[1];
}

/** The partition of a region: known regions from the table, else by the `us-gov-` prefix. */
export function partitionOf(region: string): AwsPartition {
  return sesRegion(region)?.partition ?? (region.startsWith("us-gov-") ? "aws-us-gov" : "aws");
}

/**
 * The SES regions closest to a name (by edit distance, ties in table order), for messages about a
 * region SES does not have: `eu-west-9` -> eu-west-1, eu-west-2, eu-west-3. `filter` limits the
 * candidates (for example to regions with an SMTP endpoint).
 */
export function nearestSesRegions(
  region: string,
  count = 3,
  filter: (r: SesRegion) => boolean = () => true,
): string[] {
  return SES_REGIONS.filter(filter)
    .map((r, index) => ({ region: r.region, index, distance: editDistance(region, r.region) }))
    .sort((x, y) => x.distance - y.distance || x.index - y.index)
    .slice(0, count)
    .map((r) => r.region);
}

/** How a caller may go beyond the table. */
export interface SesRegionOptions {
  /**
   * The region is newer than this table: accept any well-formed region code, with SMTP and
   * feedback hosts by AWS's naming patterns. Easy DKIM there needs `dkimDomain`, which no pattern
   * can tell.
   */
  newRegion?: boolean;
  /** The Easy DKIM domain, as the General Reference lists it for the region. Default: the table's. */
  dkimDomain?: string;
}

/**
 * The facts of a region to build with. A region the table lists has them all; a region newer than
 * the table (accepted with `newRegion`) has the hosts AWS's naming patterns give and the DKIM
 * domain only when the caller gave it.
 */
export interface ResolvedSesRegion extends Omit<SesRegion, "dkimDomain"> {
  /** Undefined for a region newer than the table when no `dkimDomain` was given. */
  dkimDomain?: string;
  /** Whether the region is in the table (false: accepted with `newRegion`). */
  listed: boolean;
}

export interface SesRegionResolution {
  facts?: ResolvedSesRegion;
  /** Errors saying why the region cannot be used, naming the nearest known regions. */
  findings: Finding[];
}

const SOURCE = "AWS General Reference, Amazon SES endpoints and quotas";

/**
 * An error when a DKIM domain given for a region is not of the shape SES uses
 * (`dkim.amazonses.com` or `dkim.<region>.amazonses.com`); none when it is left out. `region`,
 * when known, is named in the fix.
 */
export function dkimDomainShapeFindings(dkimDomain: unknown, region?: string): Finding[] {
  if (dkimDomain === undefined) return [];
  if (typeof dkimDomain === "string" && isSesDkimDomainShape(dkimDomain)) return [];
  return [
    finding(
      "error",
      "ses-dkim-domain",
      `${JSON.stringify(dkimDomain) ?? typeof dkimDomain} is not an SES DKIM domain (${GLOBAL_DKIM_DOMAIN} or dkim.<region>.amazonses.com).`,
      `Give the DKIM domain the ${SOURCE} lists for ${region ?? "the SES region"}, or leave dkimDomain out to use mailguard's table.`,
    ),
  ];
}

/**
 * The SES facts to build with for a region: the table's row, or for a region the table does not
 * know yet (with `newRegion`) the facts AWS's naming patterns give, with the DKIM domain given.
 */
export function resolveSesRegion(
  region: string,
  options: SesRegionOptions = {},
): SesRegionResolution {
  if (typeof region !== "string" || !REGION_PATTERN.test(region)) {
    return {
      findings: [
        finding(
          "error",
          "ses-region-name",
          `${JSON.stringify(region)} is not an AWS region code (such as eu-west-1).`,
          "Give the code of a region where SES runs (docs/regions.md lists them), such as eu-west-1 or us-east-1.",
        ),
      ],
    };
  }
  const { dkimDomain } = options;
  const shape = dkimDomainShapeFindings(dkimDomain, region);
  if (shape.length > 0) return { findings: shape };
  const known = sesRegion(region);
  if (known !== undefined) {
    return {
      facts: { ...known, dkimDomain: dkimDomain ?? known.dkimDomain, listed: true },
      findings: [],
    };
  }
  if (options.newRegion !== true) {
    return {
      findings: [
        finding(
          "error",
          "ses-region-unknown",
          `SES does not run in ${region}, as far as mailguard's region table (${SOURCE}) knows.`,
          `Use an SES region such as ${nearestSesRegions(region).join(", ")}; for a region AWS opened after this table, set newRegion: true and give dkimDomain.`,
        ),
      ],
    };
  }
  return {
    facts: {
      region,
      name: region,
      partition: partitionOf(region),
      smtpHost: `email-smtp.${region}.amazonaws.com`,
      dkimDomain,
      feedbackHost: feedbackHostOf(region),
      listed: false,
    },
    findings: [],
  };
}

/** Easy DKIM needs the region's DKIM domain: an error when it is not known (a region newer than the table). */
export function dkimDomainFindings(facts: ResolvedSesRegion): Finding[] {
  if (facts.dkimDomain !== undefined) return [];
  return [
    finding(
      "error",
      "ses-region-dkim-domain-needed",
      `${facts.region} is not in mailguard's region table, so the domain SES keeps its Easy DKIM keys under is not known.`,
      `Give dkimDomain as the ${SOURCE} lists it for ${facts.region} (${GLOBAL_DKIM_DOMAIN} or dkim.${facts.region}.amazonses.com), or use BYODKIM.`,
    ),
  ];
}

/**
 * The SMTP host to hand out for a region: the standard or the FIPS endpoint. Errors name the
 * nearest region that has the endpoint asked for.
 */
export function smtpHostOf(
  facts: Pick<SesRegion, "region" | "smtpHost" | "fipsSmtpHost">,
  fips = false,
): { host?: string; findings: Finding[] } {
  if (facts.smtpHost === undefined) {
    const near = nearestSesRegions(facts.region, 1, (r) => r.smtpHost !== undefined);
    return {
      findings: [
        finding(
          "error",
          "ses-region-no-smtp",
          `SES has no SMTP endpoint in ${facts.region} (${SOURCE}, SMTP endpoints); only its HTTPS API runs there.`,
          `Send through SMTP in the nearest region with an endpoint, ${near.join(", ")} (its own identity and credentials), or use the SES API (SendEmail) in ${facts.region}.`,
        ),
      ],
    };
  }
  if (fips) {
    if (facts.fipsSmtpHost === undefined) {
      const withFips = SES_REGIONS.filter((r) => r.fipsSmtpHost !== undefined).map((r) => r.region);
      return {
        findings: [
          finding(
            "error",
            "ses-region-no-fips-smtp",
            `SES has no FIPS SMTP endpoint in ${facts.region} (${SOURCE}, SMTP endpoints).`,
            `Use a region with one (${withFips.join(", ")}), or leave fips off for ${facts.smtpHost}.`,
          ),
        ],
      };
    }
    return { host: facts.fipsSmtpHost, findings: [] };
  }
  return { host: facts.smtpHost, findings: [] };
}

// ---------------------------------------------------------------------------------------------
// SES SMTP through a VPC endpoint (AWS PrivateLink).
//
// Sources (checked 2026-12):
// - Service name: AWS PrivateLink Guide, "AWS services that integrate with AWS PrivateLink":
//   Amazon SES, `com.amazonaws.<region>.email-smtp`, an interface endpoint. No FIPS service name
//   is listed for SES (other services list a `-fips` one), and SES is not among the "Cross-region
//   enabled AWS services": an endpoint serves the SMTP host of its own region only.
// - Private DNS: AWS PrivateLink Guide, "Private DNS": with private DNS on (and DNS hostnames and
//   DNS resolution on for the VPC), a hidden private hosted zone resolves the service's default
//   DNS name, here `email-smtp.<region>.amazonaws.com`, to the endpoint's network interfaces.
//   "Create a VPC endpoint": one subnet per Availability Zone; with no security group given, the
//   VPC's default security group is associated.
// - Ports and zones: SES Developer Guide, "Setting up VPC endpoints with Amazon SES": the
//   endpoint's security group must allow inbound TCP on the port used, one of 25, 465, 587, 2465
//   and 2587; and SES does not support VPC endpoints in every Availability Zone (the page lists
//   zone ids such as use1-az2). Which zones are offered changes, so mailguard looks them up
//   (`getVpcEndpointService`) and lists none here.
// The name pattern is PrivateLink's for every region; whether a region offers the service (the
// GovCloud regions are not confirmed by the sources above) is what that lookup tells.
// ---------------------------------------------------------------------------------------------

/** Where AWS documents the SES SMTP VPC endpoint, as messages name it. */
export const SES_SMTP_VPC_ENDPOINT_SOURCE =
  "SES Developer Guide, Setting up VPC endpoints with Amazon SES; AWS PrivateLink Guide, AWS services that integrate with AWS PrivateLink";

/** Every TCP port SES's SMTP interface listens on, through a VPC endpoint too. */
export const SES_SMTP_LISTENER_PORTS: readonly number[] = [25, 465, 587, 2465, 2587];

/** The VPC endpoint service of SES SMTP in a region: `com.amazonaws.<region>.email-smtp`. */
export function smtpVpcEndpointServiceOf(region: string): string {
  return `com.amazonaws.${region}.email-smtp`;
}

/** The region of an SES SMTP endpoint service name (`com.amazonaws.eu-west-1.email-smtp`), else undefined. */
export function regionOfSmtpVpcEndpointService(serviceName: string): string | undefined {
  const m = /^com\.amazonaws\.([a-z0-9-]+)\.email-smtp$/.exec(serviceName.trim().toLowerCase());
  return m === null || !REGION_PATTERN.test(m[1]) ? undefined : m[1];
}
