import type { ResourceValidationPolicy } from "@pulumi/policy";
import { Finding, analyzeDkimKey, warningsOf } from "../core";
import {
  VALUE_FIELDS,
  deferUnknown,
  isBadlyQuoted,
  recordFor,
  valuesUnknown,
} from "../lib/record-policy";
import { isDomainKeyName } from "../lib/dns";
import { reportFinding } from "../lib/report";

/**
 * Warnings other policies report: a weak RSA key is dkim-key-strength's (its minimum is
 * configurable); an empty p= is how a selector is retired, wrong only while an identity still
 * signs with it, which dkim-record-valid's stack check reports.
 */
const REPORTED_ELSEWHERE: ReadonlySet<string> = new Set(["dkim-weak-rsa-key", "dkim-revoked-key"]);

function adviceOf(value: string): Finding[] {
  return warningsOf(analyzeDkimKey(value).findings).filter((f) => !REPORTED_ELSEWHERE.has(f.code));
}

/**
 * The DKIM key record warnings of the core (records verifiers accept that are advised against):
 * a key type not in lower case (`k=RSA`, which dkimpy fails), `t=y` testing mode, unknown or
 * miscased tags, a PKCS#1 key, an RSA key above 2048 bits.
 */
export const dkimRecordAdvice: ResourceValidationPolicy = {
  name: "dkim-record-advice",
  description:
    "DKIM key records follow publisher advice: k= in lower case, no testing flag, only known tags.",
  enforcementLevel: "advisory",
  configSchema: { properties: {} },
  validateResource: (args, reportViolation) => {
    const view = recordFor(args, ["TXT"]);
    if (view === undefined) {
      return;
    }
    if (view.name === undefined) {
      // Advice matters only at a key name, which is not known yet.
      if (valuesUnknown(view) || view.values.some((v) => adviceOf(v).length > 0)) {
        deferUnknown(args, view, ["name"]);
      }
      return;
    }
    if (!isDomainKeyName(view.name)) {
      return;
    }
    for (const value of view.values.filter((v) => !isBadlyQuoted(view, v))) {
      for (const f of adviceOf(value)) {
        reportFinding(reportViolation, args.type, args.name, f);
      }
    }
    deferUnknown(args, view, VALUE_FIELDS);
  },
};
