import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { Finding, analyzeDmarc, analyzeDmarcRecordSet, errorsOf, isDmarcRecord } from "../core";
import {
  RecordSetGroup,
  VALUE_FIELDS,
  deferUnknown,
  recordFor,
  sharedRecordSetCheck,
  txtProblemsOf,
} from "../lib/record-policy";
import { isDmarcName } from "../lib/dns";
import { reportFinding } from "../lib/report";

/**
 * A value meant as a DMARC record: a `v=DMARC1` tag anywhere, in any case. The resource check judges
 * such values on their own, so that a misplaced or miscased version tag is reported against the
 * record that holds it rather than as a name without a DMARC record.
 */
const MEANT_AS_DMARC = /(?:^|;)[ \t\r\n]*v[ \t]*=[ \t]*dmarc1[ \t]*(?:;|$)/i;

/** Codes that describe a record set rather than one record in it. */
const SET_CODES: ReadonlySet<string> = new Set(["dmarc-no-record", "dmarc-multiple-records"]);

/**
 * The set-level findings for the TXT values published at one `_dmarc` name: several DMARC records,
 * or none. A name is said to have no DMARC record only when every value is known and none even
 * looks like one (a value that does is reported on its own).
 */
export function dmarcRecordSetFindings(values: string[], complete: boolean): Finding[] {
  const candidates = values.filter(isDmarcRecord).length;
  if (candidates === 1) {
    return []; // The record itself is judged on its own.
  }
  if (candidates === 0) {
    const meant = values.some((v) => MEANT_AS_DMARC.test(v.replace(/^[ \t]*"/, "")));
    if (meant || !complete) {
      return [];
    }
  }
  // With no candidate or several, the core reports only the set-level finding.
  return errorsOf(analyzeDmarcRecordSet(values).findings).filter((f) => SET_CODES.has(f.code));
}

/** The stack half: Route53 resources reported their own sets, so only what they add up to. */
function stackFindings(values: string[], group: RecordSetGroup): Finding[] {
  const set = dmarcRecordSetFindings(values, group.complete);
  return group.provider === "route53" ? set.filter((f) => f.code !== "dmarc-no-record") : set;
}

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
    // Each value meant as DMARC is judged on its own. A Route53 resource is the whole record set
    // at its name, so the set is judged here too; a Cloudflare record is one value of a set that
    // sibling records may complete, so its set is judged at stack level.
    const findings = txtProblemsOf(view, "dmarc");
    findings.push(
      ...view.values.filter((v) => MEANT_AS_DMARC.test(v)).flatMap((v) => analyzeDmarc(v).findings),
    );
    if (view.provider === "route53" && view.values.length > 0) {
      findings.push(
        ...dmarcRecordSetFindings(
          view.values,
          !view.unknownFields.some((f) => f.startsWith("records")),
        ),
      );
    }
    for (const f of errorsOf(findings)) {
      reportFinding(reportViolation, args.type, args.name, f);
    }
    deferUnknown(args, view, VALUE_FIELDS);
  },
  validateStack: sharedRecordSetCheck((fqdn) => isDmarcName(fqdn), stackFindings, "TXT records"),
};
