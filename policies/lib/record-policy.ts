import type { ResourceValidationArgs } from "@pulumi/policy";
import { DnsRecordView, dnsRecordOf, fieldPath } from "./dns";
import { DNS_RECORD_TYPES } from "./types";
import { propsOf } from "./report";
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
