import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { analyzeDmarcRecordSet, errorsOf } from "../core";
import { VALUE_FIELDS, deferUnknown, recordFor } from "../lib/record-policy";
import { StackRecord, isDmarcName, stackRecordsOf } from "../lib/dns";
import { DNS_RECORD_TYPES, DNS_ZONE_TYPES } from "../lib/types";
import { StackItem, messageFor, reportFinding, stackItems } from "../lib/report";

const STACK_TYPES: ReadonlySet<string> = new Set([...DNS_RECORD_TYPES, ...DNS_ZONE_TYPES]);

/**
 * Every TXT record set at `_dmarc.<domain>` holds exactly one record that RFC 7489 and RFC 9989
 * receivers both accept: within one resource (a Route53 record set, a Cloudflare record) and, at
 * stack level, across the resources that share a name.
 */
export const dmarcRecordValid: ResourceValidationPolicy & StackValidationPolicy = {
  name: "dmarc-record-valid",
  description: "Each _dmarc name holds exactly one DMARC record that receivers accept.",
  enforcementLevel: "mandatory",
  configSchema: { properties: {} },
  validateResource: (args, reportViolation) => {
    const view = recordFor(args, ["TXT"]);
    if (view === undefined) {
      return;
    }
    if (view.name === undefined) {
      deferUnknown(args, view, ["name"]);
      return;
    }
    if (!isDmarcName(view.name)) {
      return;
    }
    if (view.values.length > 0) {
      for (const f of errorsOf(analyzeDmarcRecordSet(view.values).findings)) {
        reportFinding(reportViolation, args.type, args.name, f);
      }
    }
    deferUnknown(args, view, VALUE_FIELDS);
  },
  validateStack: (args, reportViolation) => {
    const byName = new Map<string, StackRecord<StackItem>[]>();
    for (const r of stackRecordsOf(stackItems(args.resources, STACK_TYPES))) {
      if (r.view.type !== "TXT" || r.fqdn === undefined || !isDmarcName(r.fqdn)) {
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
      for (const f of errorsOf(
        analyzeDmarcRecordSet(group.flatMap((r) => r.view.values)).findings,
      )) {
        reportViolation(
          messageFor(
            first.item.type,
            first.item.name,
            `${group.length} resources (${names}) publish TXT records at ${name}. ${f.message} Fix: ${f.fix}`,
          ),
          first.item.urn,
        );
      }
    }
  },
};
