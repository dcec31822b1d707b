import type {
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { Finding, SpfAnalysis, analyzeSpf, describe, isSpfRecord } from "../core";
import { DnsRecordView, StackRecord, dnsRecordOf, fieldPath, stackRecordsOf } from "./dns";
import { DNS_RECORD_TYPES, DNS_ZONE_TYPES } from "./types";
import { StackItem, messageFor, propsOf, reportFinding, stackItems } from "./report";
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

/**
 * A resource check over the values of a TXT record: `judge` sees every (joined) value of the record
 * set and returns the findings to report; an unknown value is then handed to the SDK.
 */
export function txtValuesCheck(
  judge: (values: string[]) => Finding[],
): NonNullable<ResourceValidationPolicy["validateResource"]> {
  return (args, reportViolation) => {
    const view = recordFor(args, ["TXT"]);
    if (view === undefined) {
      return;
    }
    for (const f of judge(view.values)) {
      reportFinding(reportViolation, args.type, args.name, f);
    }
    deferUnknown(args, view, VALUE_FIELDS);
  };
}

/** The core's analysis of each SPF record among TXT values, for the SPF policies. */
export function spfAnalysesOf(values: readonly string[]): SpfAnalysis[] {
  return values.filter(isSpfRecord).map(analyzeSpf);
}

/**
 * The stack half of the record-set policies: the TXT records that several resources publish at one
 * name (a resource's own record set is judged by its resource check), judged together by `judge`.
 * One pass over the stack, so the check stays linear in its size.
 */
export function sharedRecordSetCheck(
  belongs: (fqdn: string, values: readonly string[]) => boolean,
  judge: (values: string[]) => Finding[],
  what: string,
): NonNullable<StackValidationPolicy["validateStack"]> {
  return (args, reportViolation) => {
    const byName = new Map<string, StackRecord<StackItem>[]>();
    for (const r of stackRecordsOf(stackItems(args.resources, RECORD_SET_STACK_TYPES))) {
      if (r.view.type !== "TXT" || r.fqdn === undefined || !belongs(r.fqdn, r.view.values)) {
        continue;
      }
      const group = byName.get(r.fqdn);
      if (group === undefined) {
        byName.set(r.fqdn, [r]);
      } else {
        group.push(r);
      }
    }
    for (const [name, group] of byName) {
      if (group.length < 2) {
        continue;
      }
      const names = group.map((r) => `"${r.item.name}"`).join(", ");
      const first = group[0];
      for (const f of judge(group.flatMap((r) => r.view.values))) {
        reportViolation(
          messageFor(
            first.item.type,
            first.item.name,
            `${group.length} resources (${names}) publish ${what} at ${name}. ${describe(f)}`,
          ),
          first.item.urn,
        );
      }
    }
  };
}

const RECORD_SET_STACK_TYPES: ReadonlySet<string> = new Set([
  ...DNS_RECORD_TYPES,
  ...DNS_ZONE_TYPES,
]);
