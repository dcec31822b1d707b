import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { checkSpfRecordSet, isSpfRecord } from "../core";
import {
  sharedRecordSetCheck,
  spfAnalysesOf,
  txtProblemsOf,
  txtValuesCheck,
} from "../lib/record-policy";

/**
 * Every SPF TXT record (Cloudflare `Record`/`DnsRecord`, Route53 `Record`), joined from its strings,
 * parses without what receivers treat as permerror; one name holds at most one SPF record, within a
 * Route53 record set or (stack) across Cloudflare records at the same name. SPF values written so
 * that no DNS server can serve them (an unterminated quote, a string over 255 octets) are reported
 * here too.
 */
export const spfRecordValid: ResourceValidationPolicy & StackValidationPolicy = {
  name: "spf-record-valid",
  description: "SPF records parse without permerror, and each name holds at most one of them.",
  enforcementLevel: "mandatory",
  configSchema: { properties: {} },
  validateResource: txtValuesCheck((values, view) => [
    ...txtProblemsOf(view, "spf"),
    ...spfAnalysesOf(values).flatMap((a) => a.permerrors),
    ...checkSpfRecordSet(values),
  ]),
  validateStack: sharedRecordSetCheck(
    (_fqdn, values) => values.some(isSpfRecord),
    checkSpfRecordSet,
    "SPF records",
  ),
};
