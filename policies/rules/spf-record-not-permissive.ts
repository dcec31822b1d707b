import type { ResourceValidationPolicy } from "@pulumi/policy";
import { errorsOf } from "../core";
import { spfAnalysesOf, txtValuesCheck } from "../lib/record-policy";

/**
 * SPF records must not authorize the world: `+all` (or a bare `all`), and ranges such as `ip4:0.0.0.0/0`
 * or `a/0` that cover much of the internet.
 */
export const spfRecordNotPermissive: ResourceValidationPolicy = {
  name: "spf-record-not-permissive",
  description: "SPF records do not authorize the whole internet with +all or very wide ranges.",
  enforcementLevel: "mandatory",
  configSchema: { properties: {} },
  validateResource: txtValuesCheck((values) =>
    spfAnalysesOf(values).flatMap((a) => errorsOf(a.advice)),
  ),
};
