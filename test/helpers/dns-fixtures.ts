/** DNS record resources as each provider declares them, for the record policies' tests. */
import { UNKNOWN } from "../../policies/core/finding";
import { quoteTxt, splitTxt } from "../../policies/core/txt";
import type { Resource } from "./policy-support";

export const CF_DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord";
export const CF_RECORD = "cloudflare:index/record:Record";
export const R53_RECORD = "aws:route53/record:Record";
export const CF_ZONE = "cloudflare:index/zone:Zone";
export const R53_ZONE = "aws:route53/zone:Zone";

/** A Cloudflare DnsRecord (provider 5/6): TXT content quoted and split as the components write it. */
export function cfRecord(
  name: string,
  type: string,
  content: string,
  extra: Record<string, unknown> = {},
): Resource {
  return {
    type: CF_DNS_RECORD,
    name: `cf-${type.toLowerCase()}-${name}`,
    props: {
      zoneId: "zone-1",
      name,
      type,
      content: type === "TXT" ? quoteTxt(content) : content,
      ttl: 1,
      proxied: false,
      ...extra,
    },
  };
}

/** A Cloudflare TXT record whose name is unknown during preview, holding `content` as written. */
export function cfTxtWithUnknownName(content: string): Resource {
  return {
    ...cfRecord("x", "TXT", "x"),
    props: { zoneId: "zone-1", name: UNKNOWN, type: "TXT", ttl: 1, content },
  };
}

/** A legacy Cloudflare Record (provider 4) with `value`. */
export function cfLegacyRecord(
  name: string,
  type: string,
  value: string,
  extra: Record<string, unknown> = {},
): Resource {
  return {
    type: CF_RECORD,
    name: `cfl-${type.toLowerCase()}-${name}`,
    props: { zoneId: "zone-1", name, type, value, ...extra },
  };
}

/**
 * A TXT value as a Route53 record takes it: strings of at most 255 octets with `""` between them
 * (the provider quotes the value and Route53 reads `""` as the boundary between two strings).
 */
export function route53Txt(value: string): string {
  return splitTxt(value).join('""');
}

/** A Route53 record set holding several values, as written. */
export function r53Record(name: string, type: string, records: string[]): Resource {
  return {
    type: R53_RECORD,
    name: `r53-${type.toLowerCase()}-${name}`,
    props: { zoneId: "Z123", name, type, ttl: 300, records },
  };
}

/** Every provider shape holding one TXT value. */
export function txtShapes(name: string, value: string): Resource[] {
  return [
    cfRecord(name, "TXT", value),
    cfLegacyRecord(name, "TXT", value),
    r53Record(name, "TXT", [route53Txt(value)]),
  ];
}
