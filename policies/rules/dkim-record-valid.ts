import type { ResourceValidationPolicy } from "@pulumi/policy";
import { analyzeDkimKey, checkEasyDkimCname, errorsOf, isUnderSesDkimDomain } from "../core";
import {
  VALUE_FIELDS,
  deferUnknown,
  isBadlyQuoted,
  recordFor,
  txtProblemsOf,
} from "../lib/record-policy";
import { isDomainKeyName } from "../lib/dns";
import { reportFinding } from "../lib/report";

/**
 * A stand-in zone for names written relative to their zone (`<token>._domainkey`), so that the core
 * judges token and target; it never shows in a message.
 */
const STAND_IN_ZONE = ".zone.invalid";

function judgedName(name: string): string {
  const labels = name.split(".");
  const at = labels.indexOf("_domainkey");
  return at >= 0 && labels.length - at - 1 < 2 ? `${name}${STAND_IN_ZONE}` : name;
}

/**
 * DKIM key TXT records at `<selector>._domainkey.<domain>` parse and hold a usable key (RFC 6376,
 * 8301, 8463); CNAMEs to a host under an SES Easy DKIM domain (global or regional, see
 * core/ses-regions.ts) stand at `<token>._domainkey.<domain>` with the same token, and target a
 * DKIM domain SES uses. Each record is judged alone: whether the DKIM domain is the one of the
 * identity's region is for `ses-dns-records`, which sees the identity.
 */
export const dkimRecordValid: ResourceValidationPolicy = {
  name: "dkim-record-valid",
  description: "DKIM key records hold a usable key, and SES Easy DKIM CNAMEs match their token.",
  enforcementLevel: "mandatory",
  configSchema: { properties: {} },
  validateResource: (args, reportViolation) => {
    const view = recordFor(args, ["TXT", "CNAME"]);
    if (view === undefined) {
      return;
    }
    if (view.type === "CNAME") {
      for (const target of view.values) {
        if (view.name !== undefined && isUnderSesDkimDomain(target)) {
          for (const f of errorsOf(checkEasyDkimCname(judgedName(view.name), target))) {
            const shown = { ...f, message: f.message.split(STAND_IN_ZONE).join("") };
            reportFinding(reportViolation, args.type, args.name, shown);
          }
        }
      }
      deferUnknown(args, view, view.name === undefined ? ["name", ...VALUE_FIELDS] : VALUE_FIELDS);
      return;
    }
    if (view.name === undefined) {
      if (view.type === "TXT") {
        deferUnknown(args, view, ["name"]);
      }
      return;
    }
    if (view.type === "TXT" && isDomainKeyName(view.name)) {
      for (const f of txtProblemsOf(view, "dkim")) {
        reportFinding(reportViolation, args.type, args.name, f);
      }
      for (const value of view.values.filter((v) => !isBadlyQuoted(view, v))) {
        const key = analyzeDkimKey(value);
        // An empty p= is how RFC 6376 3.6.1 retires a selector: deliberate, not broken.
        for (const f of errorsOf(key.findings).filter(
          (f) => !(key.revoked && f.code === "dkim-revoked-key"),
        )) {
          reportFinding(reportViolation, args.type, args.name, f);
        }
      }
    }
    if (view.type !== undefined || isDomainKeyName(view.name)) {
      deferUnknown(args, view, VALUE_FIELDS);
    }
  },
};
