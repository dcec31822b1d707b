/**
 * SES identities with the DNS records they need, as a stack's outputs hold them, for the tests of
 * `ses-dns-records` in process and over the analyzer protocol. Hosts and DKIM domains are given by
 * the tests, written out from AWS's documentation, never computed from the table under test.
 */
import { UNKNOWN } from "../../policies/core/finding";
import type { AnalyzerResource } from "../../cli/analyzer/policy-pack";
import { CF_ZONE, R53_ZONE, cfRecord, r53Record, route53Txt } from "./dns-fixtures";
import { ProviderFixture, Resource, urnOf } from "./policy-support";

export const V2_ID = "aws:sesv2/emailIdentity:EmailIdentity";
export const V2_MAIL_FROM =
  "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes";
export const V2_SET = "aws:sesv2/configurationSet:ConfigurationSet";
export const V1_ID = "aws:ses/domainIdentity:DomainIdentity";
export const V1_MAIL_FROM = "aws:ses/mailFrom:MailFrom";
export const V1_DKIM = "aws:ses/domainDkim:DomainDkim";
export const NATIVE_ID = "aws-native:ses:EmailIdentity";

/** Three Easy DKIM tokens as SES issues them: 32 characters of [a-z0-9]. */
export const TOKENS = [
  "xtk53kxcy4p3t6ztbrffs6d54rsrrhh6",
  "zxfo5z4dqr44uztwz5io2b4j4mwlrquj",
  "5aws6ez5cxrf4hvt6w2qrip6pr4voupo",
] as const;

export const SES_SPF = "v=spf1 include:amazonses.com -all";

/**
 * Regions with their MAIL FROM feedback host and Easy DKIM domain, written out from the SES
 * Developer Guide ("Feedback endpoints for custom MAIL FROM") and the AWS General Reference
 * ("Amazon SES endpoints and quotas", "DKIM domains"): global and regional DKIM domains, and
 * GovCloud.
 */
export const DOCUMENTED_REGIONS: readonly [
  region: string,
  feedbackHost: string,
  dkimDomain: string,
][] = [
  ["eu-west-1", "feedback-smtp.eu-west-1.amazonses.com", "dkim.amazonses.com"],
  ["us-east-1", "feedback-smtp.us-east-1.amazonses.com", "dkim.amazonses.com"],
  ["sa-east-1", "feedback-smtp.sa-east-1.amazonses.com", "dkim.amazonses.com"],
  ["me-central-1", "feedback-smtp.me-central-1.amazonses.com", "dkim.me-central-1.amazonses.com"],
  [
    "ap-southeast-3",
    "feedback-smtp.ap-southeast-3.amazonses.com",
    "dkim.ap-southeast-3.amazonses.com",
  ],
  ["eu-central-2", "feedback-smtp.eu-central-2.amazonses.com", "dkim.eu-central-2.amazonses.com"],
  [
    "us-gov-east-1",
    "feedback-smtp.us-gov-east-1.amazonses.com",
    "dkim.us-gov-east-1.amazonses.com",
  ],
];

export type Dns = "cloudflare" | "route53";

/** The zone of the example domain on each provider, declared in the stack. */
export function zoneOf(dns: Dns, domain = "example.com"): Resource {
  return dns === "cloudflare"
    ? { type: CF_ZONE, name: "zone", props: { id: "zone-1", name: domain } }
    : { type: R53_ZONE, name: "zone", props: { zoneId: "Z123", name: domain } };
}

/** A record on either provider: Cloudflare keeps an MX priority apart, Route53 writes `10 host`. */
export function dnsRecord(
  dns: Dns,
  name: string,
  type: "MX" | "TXT" | "CNAME",
  value: string,
  priority = 10,
): Resource {
  if (dns === "cloudflare") {
    return cfRecord(name, type, value, type === "MX" ? { priority } : {});
  }
  const records =
    type === "MX" ? [`${priority} ${value}`] : type === "TXT" ? [route53Txt(value)] : [value];
  return r53Record(name, type, records);
}

export interface SesStackOptions {
  dns: Dns;
  /** The identity's own `region` (per-resource region); omitted when undefined. */
  region?: unknown;
  /** The provider of the SES resources, with its `region`. */
  provider?: ProviderFixture;
  /** The host the MAIL FROM MX names. */
  mxHost: string;
  mxPriority?: number;
  /** The Easy DKIM domain the three CNAMEs target. */
  dkimDomain: string;
  spf?: string;
  domain?: string;
  mailFrom?: string;
  /** The identity's tokens output; default {@link TOKENS}. */
  tokens?: unknown;
  /** Leave records out, by their key: `mx`, `spf`, `dkim-0`..`dkim-2`, `dmarc`. */
  without?: string[];
}

/**
 * A complete SES v2 setup in a stack: a TLS-requiring configuration set as the identity's default,
 * the identity with its Easy DKIM tokens, its custom MAIL FROM domain, and the records SES expects
 * (MX and SPF at the MAIL FROM domain, three DKIM CNAMEs, and a DMARC record), so that the whole
 * pack finds nothing when the hosts given are right for the region.
 */
export function sesStack(o: SesStackOptions): Resource[] {
  const domain = o.domain ?? "example.com";
  const mailFrom = o.mailFrom ?? `mail.${domain}`;
  const tokens = o.tokens ?? [...TOKENS];
  const regional = o.region === undefined ? {} : { region: o.region };
  const ses = (r: Resource): Resource =>
    o.provider === undefined ? r : { ...r, provider: o.provider };
  const records: [string, Resource][] = [
    ["mx", dnsRecord(o.dns, mailFrom, "MX", o.mxHost, o.mxPriority)],
    ["spf", dnsRecord(o.dns, mailFrom, "TXT", o.spf ?? SES_SPF)],
    ...TOKENS.map((t, i): [string, Resource] => [
      `dkim-${i}`,
      dnsRecord(o.dns, `${t}._domainkey.${domain}`, "CNAME", `${t}.${o.dkimDomain}`),
    ]),
    [
      "dmarc",
      dnsRecord(o.dns, `_dmarc.${domain}`, "TXT", `v=DMARC1; p=reject; rua=mailto:dmarc@${domain}`),
    ],
  ];
  return [
    zoneOf(o.dns, domain),
    ses({
      type: V2_SET,
      name: "mail",
      props: {
        ...regional,
        configurationSetName: "mail",
        deliveryOptions: { tlsPolicy: "REQUIRE" },
      },
    }),
    ses({
      type: V2_ID,
      name: "id",
      props: {
        ...regional,
        emailIdentity: domain,
        configurationSetName: "mail",
        dkimSigningAttributes: {
          nextSigningKeyLength: "RSA_2048_BIT",
          signingAttributesOrigin: "AWS_SES",
          tokens,
        },
      },
    }),
    ses({
      type: V2_MAIL_FROM,
      name: "mail-from",
      props: {
        ...regional,
        emailIdentity: domain,
        mailFromDomain: mailFrom,
        behaviorOnMxFailure: "USE_DEFAULT_VALUE",
      },
    }),
    ...records.filter(([key]) => !(o.without ?? []).includes(key)).map(([, r]) => r),
  ];
}

/** A resource with some of its properties replaced. */
export function withProps(r: Resource, props: Record<string, unknown>): Resource {
  return { ...r, props: { ...r.props, ...props } };
}

/** The resource of a stack with the given type and name; throws when there is none. */
export function pick(resources: Resource[], type: string, name: string): Resource {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (found === undefined) {
    throw new Error(`no ${type} "${name}" in the fixture`);
  }
  return found;
}

/** The stack with one resource replaced by `replace(resource)`. */
export function replacing(
  resources: Resource[],
  type: string,
  name: string,
  replace: (r: Resource) => Resource | Resource[],
): Resource[] {
  pick(resources, type, name);
  return resources.flatMap((r) => (r.type === type && r.name === name ? replace(r) : [r]));
}

/** A resource as the analyzer protocol carries it. */
export function analyzerResource(r: Resource): AnalyzerResource {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn ?? urnOf(r.type, r.name),
    properties: r.props,
    propertyDependencies: r.propertyDependencies,
    provider:
      r.provider === undefined
        ? undefined
        : {
            type: r.provider.type,
            name: r.provider.name,
            urn: r.provider.urn ?? urnOf(r.provider.type, r.provider.name),
            properties: r.provider.props,
          },
  };
}

export { UNKNOWN };
