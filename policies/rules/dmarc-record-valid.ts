import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { analyzeDmarcRecordSet, errorsOf } from "../core";
import { VALUE_FIELDS, deferUnknown, recordFor, sharedRecordSetCheck } from "../lib/record-policy";
import { isDmarcName } from "../lib/dns";
import { reportFinding } from "../lib/report";

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
  validateStack: sharedRecordSetCheck(
    (fqdn) => isDmarcName(fqdn),
    (values) => errorsOf(analyzeDmarcRecordSet(values).findings),
    "TXT records",
  ),
};
