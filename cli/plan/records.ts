/**
 * The DNS records a plan publishes, read from the DNS resources it registers, in one shape for the
 * table, the zone file and the in-memory resolver of the deliverability verdict.
 */
import { organizationalDomain } from "../../policies/core/dmarc";
import { joinRoute53Txt, joinTxt } from "../../policies/core/txt";
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
  /** The provider's zone id, when the resource names one. */
  zoneId?: string;
  /** Why the value is the simulator's rather than what a deployment would publish, when it is. */
  simulated?: string;
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
          zoneId,
        }),
      );
    } else if (r.type === ROUTE53_TYPE) {
      const props = { ...r.inputs, ...r.outputs };
      const name = text(props.name);
      const type = text(props.type)?.toUpperCase();
      const values = Array.isArray(props.records) ? props.records.map(text) : [];
      const zoneId = text(props.zoneId);
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
        const record = makeRecord(normalizeName(name, undefined), type, content, {
          priority,
          ttl: numberOf(props.ttl),
          proxied: false,
          resource: r.name,
          resourceType: r.type,
          zoneId,
        });
        // Route53 takes a TXT value with "" between its strings (policies/core/txt.ts).
        if (type === "TXT") record.value = joinRoute53Txt(v);
        records.push(record);
      }
    }
  }
  return records;
}

/** A zone the plan publishes records in, with its records. */
export interface PlannedZone {
  /** The zone's name, lower-case, no trailing dot. */
  name: string;
  /** The provider's zone id, when the records name one. */
  zoneId?: string;
  records: PlannedRecord[];
}

function commonSuffix(names: readonly string[]): string {
  let labels = names[0].split(".");
  for (const n of names.slice(1)) {
    const other = n.split(".");
    let k = 0;
    while (
      k < labels.length &&
      k < other.length &&
      labels[labels.length - 1 - k] === other[other.length - 1 - k]
    ) {
      k++;
    }
    labels = labels.slice(labels.length - k);
  }
  return labels.join(".");
}

/**
 * The records grouped by zone: by the zone id each names (its name from `zoneNames` when the plan
 * declares the zone, else the longest name every record of the zone ends in, never shorter than
 * the registrable domain), records without a zone id by their registrable domain.
 */
export function plannedZones(
  records: readonly PlannedRecord[],
  zoneNames: Record<string, string> = {},
): PlannedZone[] {
  const groups = new Map<string, PlannedRecord[]>();
  for (const r of records) {
    const key = r.zoneId !== undefined ? `id:${r.zoneId}` : `org:${organizationalDomain(r.name)}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  const zones: PlannedZone[] = [];
  for (const [key, list] of groups) {
    const zoneId = key.startsWith("id:") ? key.slice(3) : undefined;
    const declared = zoneId !== undefined ? zoneNames[zoneId] : undefined;
    let name = declared?.replace(/\.$/, "").toLowerCase();
    if (name === undefined) {
      const suffix = commonSuffix(list.map((r) => r.name));
      const orgs = new Set(list.map((r) => organizationalDomain(r.name)));
      name = orgs.size === 1 && suffix.endsWith([...orgs][0]) ? suffix : [...orgs][0];
    }
    zones.push({ name, zoneId, records: list });
  }
  return zones.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Zone id to zone name for every zone the plan creates: `cloudflare.Zone` (v6 `name`, v4 `zone`)
 * and `aws.route53.Zone` (its `zoneId` output, or its id).
 */
export function zoneNamesOf(resources: readonly PlannedResource[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const r of resources) {
    if (r.type === "cloudflare:index/zone:Zone") {
      const name = text(r.inputs.name) ?? text(r.inputs.zone);
      if (r.id !== undefined && name !== undefined) names[r.id] = name;
    } else if (r.type === "aws:route53/zone:Zone") {
      const name = text(r.inputs.name);
      for (const id of [r.id, text(r.outputs.zoneId)]) {
        if (id !== undefined && name !== undefined) names[id] = name;
      }
    }
  }
  return names;
}

/**
 * Zone id to zone name for every hosted zone the program looked up by name
 * (`aws.route53.getZone`), from the answers the simulator gave.
 */
export function lookedUpZoneNames(
  calls: readonly { token: string; result: Record<string, unknown> }[],
): Record<string, string> {
  const names: Record<string, string> = {};
  for (const c of calls) {
    if (c.token !== "aws:route53/getZone:getZone") continue;
    const name = text(c.result.name);
    for (const id of [text(c.result.zoneId), text(c.result.id)]) {
      if (id !== undefined && name !== undefined) names[id] = name.replace(/\.$/, "").toLowerCase();
    }
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
