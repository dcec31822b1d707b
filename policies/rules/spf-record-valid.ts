import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { analyzeSpf, checkSpfRecordSet, isSpfRecord } from "../core";
import { VALUE_FIELDS, deferUnknown, recordFor } from "../lib/record-policy";
import { StackRecord, stackRecordsOf } from "../lib/dns";
import { DNS_RECORD_TYPES, DNS_ZONE_TYPES } from "../lib/types";
import { StackItem, messageFor, reportFinding, stackItems } from "../lib/report";

const STACK_TYPES: ReadonlySet<string> = new Set([...DNS_RECORD_TYPES, ...DNS_ZONE_TYPES]);

/**
 * Every SPF TXT record (Cloudflare `Record`/`DnsRecord`, Route53 `Record`), joined from its strings,
 * parses without what receivers treat as permerror; one name holds at most one SPF record, within a
 * Route53 record set or (stack) across Cloudflare records at the same name.
 */
export const spfRecordValid: ResourceValidationPolicy & StackValidationPolicy = {
  name: "spf-record-valid",
  description: "SPF records parse without permerror, and each name holds at most one of them.",
  enforcementLevel: "mandatory",
  configSchema: { properties: {} },
  validateResource: (args, reportViolation) => {
    const view = recordFor(args, ["TXT"]);
    if (view === undefined) {
      return;
    }
    for (const value of view.values) {
      if (isSpfRecord(value)) {
        for (const f of analyzeSpf(value).permerrors) {
          reportFinding(reportViolation, args.type, args.name, f);
        }
      }
    }
    for (const f of checkSpfRecordSet(view.values)) {
      reportFinding(reportViolation, args.type, args.name, f);
    }
    deferUnknown(args, view, VALUE_FIELDS);
  },
  validateStack: (args, reportViolation) => {
    const byName = new Map<string, StackRecord<StackItem>[]>();
    for (const r of stackRecordsOf(stackItems(args.resources, STACK_TYPES))) {
      if (r.view.type !== "TXT" || r.fqdn === undefined || !r.view.values.some(isSpfRecord)) {
        continue;
      }
      const group = byName.get(r.fqdn);
      if (group === undefined) {
        byName.set(r.fqdn, [r]);
      } else {
        group.push(r);
      }
    }
    // One resource's own record set is judged by the resource check; here only names that several
    // resources share.
    for (const [name, group] of byName) {
      if (group.length < 2) {
        continue;
      }
      const findings = checkSpfRecordSet(group.flatMap((r) => r.view.values));
      const names = group.map((r) => `"${r.item.name}"`).join(", ");
      const first = group[0];
      for (const f of findings) {
        reportViolation(
          messageFor(
            first.item.type,
            first.item.name,
            `${group.length} resources (${names}) publish SPF records at ${name}. ${f.message} Fix: ${f.fix}`,
          ),
          first.item.urn,
        );
      }
    }
  },
};
