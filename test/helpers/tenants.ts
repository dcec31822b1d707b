/**
 * The multi-tenant shape: tenant K has a DNS zone the stack does not declare (its id comes from
 * config), an SES identity `tenantK.example.com`, and in its zone a DMARC record whose name is
 * relative to the zone, beside whatever records with full names the case asks for.
 */
import { CF_DNS_RECORD } from "./dns-fixtures";
import type { Resource } from "./policy-support";

export const TENANT_IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity";
export const DKIM_TOKEN = "xtk53kxcy4p3t6ztbrffs6d54rsrrhh6";

/** A Cloudflare record in tenant `k`'s zone. */
export function tenantRecord(
  k: number,
  name: string,
  type: string,
  content: string,
  extra: Record<string, unknown> = {},
): Resource {
  return {
    type: CF_DNS_RECORD,
    name: `t${k}-${type.toLowerCase()}-${name.split(".")[0]}`,
    props: { zoneId: `tenant-zone-${k}`, name, type, content, ttl: 1, proxied: false, ...extra },
  };
}

/** The records with full names that tell which domain a tenant's zone holds. */
export const ANCHORS = {
  none: (): Resource[] => [],
  "the MAIL FROM MX": (k: number) => [
    tenantRecord(k, `mail.tenant${k}.example.com`, "MX", "feedback-smtp.us-east-1.amazonses.com", {
      priority: 10,
    }),
  ],
  "an Easy DKIM CNAME": (k: number) => [
    tenantRecord(
      k,
      `${DKIM_TOKEN}._domainkey.tenant${k}.example.com`,
      "CNAME",
      `${DKIM_TOKEN}.dkim.amazonses.com`,
    ),
  ],
} satisfies Record<string, (k: number) => Resource[]>;

/** `count` tenants, each with its identity, its relative `_dmarc` and `anchor`'s records. */
export function tenants(count: number, anchor: (k: number) => Resource[]): Resource[] {
  const out: Resource[] = [];
  for (let k = 0; k < count; k++) {
    out.push({
      type: TENANT_IDENTITY,
      name: `t${k}-identity`,
      props: { emailIdentity: `tenant${k}.example.com` },
    });
    out.push(tenantRecord(k, "_dmarc", "TXT", "v=DMARC1; p=reject"));
    out.push(...anchor(k));
  }
  return out;
}
