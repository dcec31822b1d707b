import type { ResourceValidationPolicy } from "@pulumi/policy";
import { analyzeSpf, isSpfRecord, warningsOf } from "../core";
import { VALUE_FIELDS, deferUnknown, recordFor } from "../lib/record-policy";
import { reportFinding } from "../lib/report";

/** Publisher advice on SPF records: `?all`, no terminal `all` or `redirect`, `ptr`, lookups near 10. */
export const spfRecordAdvice: ResourceValidationPolicy = {
  name: "spf-record-advice",
  description:
    "SPF records follow publisher advice: a terminal -all or ~all, no ptr, lookups well under 10.",
  enforcementLevel: "advisory",
  configSchema: { properties: {} },
  validateResource: (args, reportViolation) => {
    const view = recordFor(args, ["TXT"]);
    if (view === undefined) {
      return;
    }
    for (const value of view.values) {
      if (isSpfRecord(value)) {
        for (const f of warningsOf(analyzeSpf(value).advice)) {
          reportFinding(reportViolation, args.type, args.name, f);
        }
      }
    }
    deferUnknown(args, view, VALUE_FIELDS);
  },
};
