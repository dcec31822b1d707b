import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { checkSpfRecordSet, isSpfRecord } from "../core";
import { sharedRecordSetCheck, spfAnalysesOf, txtValuesCheck } from "../lib/record-policy";

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
  validateResource: txtValuesCheck((values) => [
    ...spfAnalysesOf(values).flatMap((a) => a.permerrors),
    ...checkSpfRecordSet(values),
  ]),
  validateStack: sharedRecordSetCheck(
    (_fqdn, values) => values.some(isSpfRecord),
    checkSpfRecordSet,
    "SPF records",
  ),
};
