/**
 * Small DNS stacks for the SPF stack check: one description becomes Cloudflare or Route53 record
 * resources (with or without their zone declared), the records a receiver's resolver serves (for
 * pyspf and mailauth in the differential test), and the analyzer's shape for the protocol tests.
 */
import type { PolicyResource } from "@pulumi/policy";
import type { StackItem } from "../../policies/lib/report";
import { CF_ZONE, R53_ZONE, cfRecord, r53Record, route53Txt } from "./dns-fixtures";
import { Resource, urnOf } from "./policy-support";

export type Dns = "cloudflare" | "route53";
export const DNS: readonly Dns[] = ["cloudflare", "route53"];

export type RecordType = "TXT" | "A" | "AAAA" | "MX" | "CNAME" | "NS";

export interface ZoneRecord {
  /** The full name (lower case). */
  name: string;
  type: RecordType;
  /** TXT: the record as receivers join it; MX: the exchange host (priority 10). */
  value: string;
  /** The resource's logical name; default `<type>-<name>`. */
  resource?: string;
}

export interface SpfStack {
  /** The zone every record sits in. */
  zone: string;
  /** Whether the stack declares the zone (a Cloudflare or Route53 `Zone` resource). */
  declared: boolean;
  records: ZoneRecord[];
}

export function rec(name: string, type: RecordType, value: string, resource?: string): ZoneRecord {
  return { name, type, value, resource };
}

/** A stack of records in `example.com`, declared unless said otherwise. */
export function stackOf(records: ZoneRecord[], declared = true, zone = "example.com"): SpfStack {
  return { zone, declared, records };
}

export function resourceNameOf(r: ZoneRecord): string {
  return r.resource ?? `${r.type.toLowerCase()}-${r.name}`;
}

/** How a message names the resource of a record: `<type token> "<logical name>"`. */
export function labelOf(dns: Dns, r: ZoneRecord): string {
  const token =
    dns === "cloudflare" ? "cloudflare:index/dnsRecord:DnsRecord" : "aws:route53/record:Record";
  return `${token} "${resourceNameOf(r)}"`;
}

export function urnOfRecord(dns: Dns, r: ZoneRecord): string {
  const token =
    dns === "cloudflare" ? "cloudflare:index/dnsRecord:DnsRecord" : "aws:route53/record:Record";
  return urnOf(token, resourceNameOf(r));
}

/** The resources of the stack, as its outputs hold them. */
export function stackResources(dns: Dns, stack: SpfStack): Resource[] {
  const out: Resource[] = [];
  if (stack.declared) {
    out.push(
      dns === "cloudflare"
        ? { type: CF_ZONE, name: "zone", props: { id: "zone-1", name: stack.zone } }
        : { type: R53_ZONE, name: "zone", props: { zoneId: "Z123", name: stack.zone } },
    );
  }
  for (const r of stack.records) {
    const base =
      dns === "cloudflare"
        ? cfRecord(r.name, r.type, r.value, r.type === "MX" ? { priority: 10 } : {})
        : r53Record(r.name, r.type, [
            r.type === "TXT" ? route53Txt(r.value) : r.type === "MX" ? `10 ${r.value}` : r.value,
          ]);
    out.push({ ...base, name: resourceNameOf(r) });
  }
  return out;
}

/** Stack items as a stack policy reads them, for tests of policies/lib. */
export function itemsOf(resources: Resource[]): StackItem[] {
  return resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: r.urn ?? urnOf(r.type, r.name),
    props: r.props,
    resource: { props: r.props, propertyDependencies: {} } as unknown as PolicyResource,
  }));
}

/** What a receiver's resolver serves for each name: TXT strings joined, MX hosts at priority 10. */
export interface ZoneData {
  [name: string]: { TXT?: string[]; A?: string[]; AAAA?: string[]; MX?: string[] };
}

/** The records a resolver serves for the stack (names outside it do not exist). */
export function zoneDataOf(stack: SpfStack): ZoneData {
  const data: ZoneData = {};
  for (const r of stack.records) {
    if (r.type === "CNAME" || r.type === "NS") {
      throw new Error(`zoneDataOf serves no ${r.type} records (${r.name})`);
    }
    const entry = (data[r.name] ??= {});
    (entry[r.type] ??= []).push(r.value);
  }
  return data;
}
