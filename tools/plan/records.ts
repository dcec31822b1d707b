/**
 * The DNS records a plan publishes, read from the DNS resources it registers, in one shape for the
 * table, the zone file and the in-memory resolver of the deliverability verdict.
 */
import { joinTxt } from "../../policies/core/txt";
import type { PlannedResource } from "./program";

/** One DNS record the plan would publish. */
export interface PlannedRecord {
  /** Fully qualified, lower-case, no trailing dot. */
  name: string;
  /** Upper-case record type: `TXT`, `CNAME`, `MX`, ... */
  type: string;
  /** The value as the provider receives it (TXT in quoted form when the program quoted it). */
  content: string;
  /** What a resolver answers: for TXT the joined text, for CNAME and MX the host without a dot. */
  value: string;
  priority?: number;
  /** Seconds; 1 is Cloudflare's "automatic". */
  ttl?: number;
  proxied: boolean;
  /** Logical name of the resource that publishes it. */
  resource: string;
  /** The resource type token. */
  resourceType: string;
}

const CLOUDFLARE_TYPES = new Set([
  "cloudflare:index/dnsRecord:DnsRecord",
  "cloudflare:index/record:Record",
]);
const ROUTE53_TYPE = "aws:route53/record:Record";

function text(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  return undefined;
}

function normalizeName(name: string, zoneName: string | undefined): string {
  const trimmed = name.trim().replace(/\.$/, "").toLowerCase();
  if (zoneName === undefined) return trimmed;
  const zone = zoneName.replace(/\.$/, "").toLowerCase();
  if (trimmed === "@" || trimmed === "") return zone;
  if (trimmed === zone || trimmed.endsWith(`.${zone}`)) return trimmed;
  return `${trimmed}.${zone}`;
}

function hostValue(v: string): string {
  return v.trim().replace(/\.$/, "").toLowerCase();
}

/**
 * The records of every Cloudflare and Route 53 record resource in the plan. Cloudflare names that
 * are not fully qualified are completed with `zoneNames[zoneId]` when that is known (Cloudflare
 * treats a name outside the zone as relative to it).
 */
export function plannedRecords(
  resources: readonly PlannedResource[],
  zoneNames: Record<string, string> = {},
): PlannedRecord[] {
  const records: PlannedRecord[] = [];
  for (const r of resources) {
    if (CLOUDFLARE_TYPES.has(r.type)) {
      const props = { ...r.inputs, ...r.outputs };
      const name = text(r.inputs.name) ?? text(r.outputs.name);
      const type = text(props.type)?.toUpperCase();
      const content = text(r.inputs.content) ?? text(r.inputs.value) ?? text(props.content);
      if (name === undefined || type === undefined || content === undefined) continue;
      const zoneId = text(props.zoneId);
      const fqdn = normalizeName(name, zoneId === undefined ? undefined : zoneNames[zoneId]);
      records.push(
        makeRecord(fqdn, type, content, {
          priority: numberOf(props.priority),
          ttl: numberOf(props.ttl),
          proxied: props.proxied === true || props.proxied === "true",
          resource: r.name,
          resourceType: r.type,
        }),
      );
    } else if (r.type === ROUTE53_TYPE) {
      const props = { ...r.inputs, ...r.outputs };
      const name = text(props.name);
      const type = text(props.type)?.toUpperCase();
      const values = Array.isArray(props.records) ? props.records.map(text) : [];
      if (name === undefined || type === undefined) continue;
      for (const v of values) {
        if (v === undefined) continue;
        let content = v;
        let priority: number | undefined;
        if (type === "MX") {
          const m = /^\s*(\d+)\s+(\S+)\s*$/.exec(v);
          if (m) {
            priority = Number(m[1]);
            content = m[2];
          }
        }
        records.push(
          makeRecord(normalizeName(name, undefined), type, content, {
            priority,
            ttl: numberOf(props.ttl),
            proxied: false,
            resource: r.name,
            resourceType: r.type,
          }),
        );
      }
    }
  }
  return records;
}

/** Zone id to zone name for every `cloudflare.Zone` the plan creates (v6 `name`, v4 `zone`). */
export function cloudflareZoneNames(resources: readonly PlannedResource[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const r of resources) {
    if (r.type !== "cloudflare:index/zone:Zone") continue;
    const name = text(r.inputs.name) ?? text(r.inputs.zone);
    if (r.id !== undefined && name !== undefined) names[r.id] = name;
  }
  return names;
}

function numberOf(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

/** Builds a record, deriving the resolver value from the content. */
export function makeRecord(
  name: string,
  type: string,
  content: string,
  rest: Omit<PlannedRecord, "name" | "type" | "content" | "value">,
): PlannedRecord {
  const upper = type.toUpperCase();
  let value = content;
  if (upper === "TXT") value = joinTxt(content);
  else if (upper === "CNAME" || upper === "MX" || upper === "NS") value = hostValue(content);
  return { name: name.replace(/\.$/, "").toLowerCase(), type: upper, content, value, ...rest };
}
