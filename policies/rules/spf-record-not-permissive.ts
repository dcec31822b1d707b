import type { ResourceValidationPolicy } from "@pulumi/policy";
import { analyzeSpf, errorsOf, isSpfRecord } from "../core";
import { VALUE_FIELDS, deferUnknown, recordFor } from "../lib/record-policy";
import { reportFinding } from "../lib/report";

/**
 * SPF records must not authorize the world: `+all` (or a bare `all`), and ranges such as `ip4:0.0.0.0/0`
 * or `a/0` that cover much of the internet.
 */
export const spfRecordNotPermissive: ResourceValidationPolicy = {
  name: "spf-record-not-permissive",
  description: "SPF records do not authorize the whole internet with +all or very wide ranges.",
  enforcementLevel: "mandatory",
  configSchema: { properties: {} },
  validateResource: (args, reportViolation) => {
    const view = recordFor(args, ["TXT"]);
    if (view === undefined) {
      return;
    }
    for (const value of view.values) {
      if (isSpfRecord(value)) {
        for (const f of errorsOf(analyzeSpf(value).advice)) {
          reportFinding(reportViolation, args.type, args.name, f);
        }
      }
    }
    deferUnknown(args, view, VALUE_FIELDS);
  },
};
