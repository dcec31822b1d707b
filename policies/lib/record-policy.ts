import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { Finding, SpfAnalysis, analyzeSpf, describe, isDmarcRecord, isSpfRecord } from "../core";
import {
  DnsRecordView,
  StackRecord,
  dnsRecordOf,
  fieldPath,
  isDmarcName,
  isDomainKeyName,
  stackRecordsOf,
} from "./dns";
import { DNS_RECORD_TYPES, DNS_ZONE_TYPES } from "./types";
import {
  StackItem,
  cappedList,
  dependencyUrns,
  messageFor,
  propsOf,
  reportFinding,
  stackItems,
} from "./report";
import { readThroughProxy } from "./props";

/**
 * The DNS record a resource policy judges, or undefined when the resource is not a DNS record or
 * not of one of `types` (a type unknown during preview is kept: it may be any).
 */
export function recordFor(
  args: ResourceValidationArgs,
  types: readonly string[],
): DnsRecordView | undefined {
  if (!DNS_RECORD_TYPES.has(args.type)) {
    return undefined;
  }
  const view = dnsRecordOf(args.type, propsOf(args));
  if (view === undefined || (view.type !== undefined && !types.includes(view.type))) {
    return undefined;
  }
  return view;
}

/**
 * After a policy has judged every known value of a record, hands the first unknown field among
 * `fields` to @pulumi/policy, which reports that the check could not run during preview and names
 * the field.
 */
export function deferUnknown(
  args: ResourceValidationArgs,
  view: DnsRecordView,
  fields: readonly string[],
): void {
  const relevant = view.unknownFields.find((f) =>
    fields.some((g) => f === g || f.startsWith(`${g}[`)),
  );
  if (relevant !== undefined) {
    readThroughProxy(args.props, fieldPath(relevant));
  }
}

/** The fields that hold a record's value, for {@link deferUnknown}. */
export const VALUE_FIELDS: readonly string[] = ["type", "content", "value", "records"];

/** Whether the type or a value of the record is unknown during preview. */
export function valuesUnknown(view: DnsRecordView): boolean {
  return view.unknownFields.some(isValueField);
}

/**
 * A resource check over the values of a TXT record: `judge` sees every (joined) value of the record
 * set and returns the findings to report; an unknown value is then handed to the SDK.
 */
export function txtValuesCheck(
  judge: (values: string[], view: DnsRecordView) => Finding[],
): NonNullable<ResourceValidationPolicy["validateResource"]> {
  return (args, reportViolation) => {
    const view = recordFor(args, ["TXT"]);
    if (view === undefined) {
      return;
    }
    for (const f of judge(view.values, view)) {
      reportFinding(reportViolation, args.type, args.name, f);
    }
    deferUnknown(args, view, VALUE_FIELDS);
  };
}

/** Which validity policy reports a TXT value that cannot be published as written. */
export type TxtKind = "spf" | "dmarc" | "dkim";

/**
 * The kind of record a TXT value was meant to be: by its name at `_dmarc` and DKIM key names, else
 * SPF when it begins with `v=spf1` once a stray leading quote is set aside.
 */
export function txtKindOf(view: DnsRecordView, value: string): TxtKind | undefined {
  if (view.name !== undefined && isDmarcName(view.name)) {
    return "dmarc";
  }
  if (view.name !== undefined && isDomainKeyName(view.name)) {
    return "dkim";
  }
  return isSpfRecord(value.replace(/^\s*"/, "")) ? "spf" : undefined;
}

/** The findings for TXT values of `kind` that no DNS server could serve as written. */
export function txtProblemsOf(view: DnsRecordView, kind: TxtKind): Finding[] {
  return view.txtProblems.filter((p) => txtKindOf(view, p.value) === kind).map((p) => p.finding);
}

/** Whether a value could not be read as quoted strings, so that its text is not the record's. */
export function isBadlyQuoted(view: DnsRecordView, value: string): boolean {
  return view.txtProblems.some((p) => p.value === value && p.finding.code === "txt-bad-quoting");
}

/** The core's analysis of each SPF record among TXT values, for the SPF policies. */
export function spfAnalysesOf(values: readonly string[]): SpfAnalysis[] {
  return values.filter(isSpfRecord).map(analyzeSpf);
}

/** What a record-set judge knows about the resources that publish one name. */
export interface RecordSetGroup {
  /** `cloudflare` (one value per resource) or `route53` (a whole record set per resource). */
  provider: DnsRecordView["provider"];
  /** How many resources publish at the name. */
  resources: number;
  /** False when a value of one of them is unknown during preview. */
  complete: boolean;
}

/** The TXT records that the resources of the stack publish at one name in one zone of one provider. */
export interface RecordSet {
  /** The full name, or `@` for the apex of a zone the stack does not declare. */
  name: string;
  /** How messages name it: the full name, or the apex of zone `<id>`. */
  label: string;
  records: StackRecord<StackItem>[];
}

/**
 * The zone a record set belongs to: its zone id; during preview, when the id is unknown, the zone
 * resource the id comes from (records of one new zone are one set), else any unknown zone.
 */
function zoneKeyOf(r: StackRecord<StackItem>): string {
  if (r.view.zoneId !== undefined) {
    return r.view.zoneId;
  }
  const from = dependencyUrns(r.item.resource, "zoneId");
  return from.length > 0 ? `(zone of ${from.join(", ")})` : "(unknown zone)";
}

/**
 * The record sets of TXT records for which `belongs` holds, in one pass. One record set is the
 * same name in the same zone of the same provider: names normalize (case, a trailing dot, `@` and
 * the zone's name when the stack declares the zone; `@` and an empty name otherwise). The same name
 * in two zones (a Route53 zone and a Cloudflare zone during a migration) is two record sets.
 */
export function recordSetsOf(
  records: readonly StackRecord<StackItem>[],
  belongs: (name: string, values: readonly string[]) => boolean,
): RecordSet[] {
  const sets = new Map<string, RecordSet>();
  for (const r of records) {
    const apex = r.view.name === "@" || r.view.name === "";
    const name = r.zoneKnown || !apex ? r.fqdn : "@";
    if (r.view.type !== "TXT" || name === undefined || !belongs(name, r.view.values)) {
      continue;
    }
    const zone = zoneKeyOf(r);
    const key = `${r.view.provider} ${zone} ${name}`;
    const set = sets.get(key);
    if (set === undefined) {
      const label = name === "@" ? `the apex ("@") of zone ${zone}` : name;
      sets.set(key, { name, label, records: [r] });
    } else {
      set.records.push(r);
    }
  }
  return [...sets.values()];
}

/**
 * The stack half of the record-set policies: each record set (from {@link recordSetsOf}) judged
 * together by `judge`, which returns set-level findings only (what no single value shows, such as
 * several records or none at a name); each value is judged by the resource check. A Cloudflare
 * record holds one value, so every Cloudflare name is judged here, even one published by a single
 * record; a Route53 resource holds its whole record set, which its resource check judges, so a
 * Route53 name is judged here only when several resources publish it. One pass over the stack, so
 * the check stays linear in its size.
 */
export function judgeRecordSets(
  sets: readonly RecordSet[],
  judge: (values: string[], group: RecordSetGroup) => Finding[],
  what: string,
  reportViolation: ReportViolation,
): void {
  for (const { label, records: group } of sets) {
    const first = group[0];
    if (group.length < 2 && first.view.provider === "route53") {
      continue;
    }
    const findings = judge(
      group.flatMap((r) => r.view.values),
      {
        provider: first.view.provider,
        resources: group.length,
        complete: group.every((r) => !r.view.unknownFields.some(isValueField)),
      },
    );
    const publishers =
      group.length === 1
        ? `it is the only resource that publishes ${what} at ${label}.`
        : `${group.length} resources (${cappedList(
            group.slice(0, PUBLISHERS_SHOWN).map((r) => `"${r.item.name}"`),
            group.length - PUBLISHERS_SHOWN,
          )}) publish ${what} at ${label}.`;
    for (const f of findings) {
      reportViolation(
        messageFor(first.item.type, first.item.name, `${publishers} ${describe(f)}`),
        first.item.urn,
      );
    }
  }
}

/** {@link judgeRecordSets} as a stack policy's `validateStack`. */
export function sharedRecordSetCheck(
  belongs: (name: string, values: readonly string[]) => boolean,
  judge: (values: string[], group: RecordSetGroup) => Finding[],
  what: string,
): NonNullable<StackValidationPolicy["validateStack"]> {
  return (args, reportViolation) => {
    const records = stackRecordsOf(stackItems(args.resources, RECORD_SET_STACK_TYPES));
    judgeRecordSets(recordSetsOf(records, belongs), judge, what, reportViolation);
  };
}

/** How many of the resources that share a name a message names at most. */
const PUBLISHERS_SHOWN = 5;

function isValueField(field: string): boolean {
  return VALUE_FIELDS.some((g) => field === g || field.startsWith(`${g}[`));
}

/** The resources a record-set check reads: DNS records and the zones that name them. */
export const RECORD_SET_STACK_TYPES: ReadonlySet<string> = new Set([
  ...DNS_RECORD_TYPES,
  ...DNS_ZONE_TYPES,
]);

/**
 * The TXT record a DMARC resource policy judges: one at a `_dmarc` name. When the name is unknown
 * during preview and the value is (or may be) a DMARC record, the SDK is told which field is
 * unknown and undefined is returned.
 */
export function dmarcRecordFor(args: ResourceValidationArgs): DnsRecordView | undefined {
  const view = recordFor(args, ["TXT"]);
  if (view === undefined) {
    return undefined;
  }
  if (view.name === undefined) {
    // Whether a DMARC value is published at _dmarc hangs on the name.
    if (valuesUnknown(view) || view.values.some(isDmarcRecord)) {
      deferUnknown(args, view, ["name"]);
    }
    return undefined;
  }
  return isDmarcName(view.name) ? view : undefined;
}
