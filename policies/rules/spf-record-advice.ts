import type { ResourceValidationPolicy } from "@pulumi/policy";
import { warningsOf } from "../core";
import { spfAnalysesOf, txtValuesCheck } from "../lib/record-policy";

/** Publisher advice on SPF records: `?all`, no terminal `all` or `redirect`, `ptr`, lookups near 10. */
export const spfRecordAdvice: ResourceValidationPolicy = {
  name: "spf-record-advice",
  description:
    "SPF records follow publisher advice: a terminal -all or ~all, no ptr, lookups well under 10.",
  enforcementLevel: "advisory",
  configSchema: { properties: {} },
  validateResource: txtValuesCheck((values) =>
    spfAnalysesOf(values).flatMap((a) => warningsOf(a.advice)),
  ),
};
