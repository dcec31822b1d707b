import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { analyzeDmarc, externalReportDestinations, isSameOrSubdomain, warningsOf } from "../core";
import { VALUE_FIELDS, deferUnknown, dmarcRecordFor } from "../lib/record-policy";
import { isDmarcName, isNameResolved, stackRecordsOf } from "../lib/dns";
import { DNS_RECORD_TYPES, DNS_ZONE_TYPES } from "../lib/types";
import { configOf, messageFor, reportFinding, stackItems } from "../lib/report";

export interface DmarcRecordAdviceConfig {
  /** Report destination hosts known to publish `<domain>._report._dmarc.<host>` themselves. */
  authorizedDestinations: string[];
}

export const dmarcRecordAdviceDefaults: DmarcRecordAdviceConfig = { authorizedDestinations: [] };

const STACK_TYPES: ReadonlySet<string> = new Set([...DNS_RECORD_TYPES, ...DNS_ZONE_TYPES]);

/**
 * The DMARC warnings of the core (valid records that are advised against), and, at stack level,
 * report addresses outside the domain whose destination's authorization record the stack does not
 * publish (receivers send no reports there without it).
 */
export const dmarcRecordAdvice: ResourceValidationPolicy & StackValidationPolicy = {
  name: "dmarc-record-advice",
  description:
    "DMARC records follow publisher advice, and external report destinations authorize the domain.",
  enforcementLevel: "advisory",
  configSchema: {
    properties: {
      authorizedDestinations: {
        type: "array",
        items: { type: "string" },
        default: [],
        description:
          "Report destination hosts that publish the <domain>._report._dmarc.<host> authorization themselves (their subdomains too).",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    const view = dmarcRecordFor(args);
    if (view === undefined) {
      return;
    }
    for (const value of view.values) {
      const analysis = analyzeDmarc(value);
      if (analysis.record === undefined) {
        continue;
      }
      for (const f of warningsOf(analysis.findings)) {
        reportFinding(reportViolation, args.type, args.name, f);
      }
    }
    deferUnknown(args, view, VALUE_FIELDS);
  },
  validateStack: (args, reportViolation) => {
    const config = configOf(args, dmarcRecordAdviceDefaults);
    const trusted = config.authorizedDestinations.map((d) => d.toLowerCase().replace(/\.$/, ""));
    const records = stackRecordsOf(stackItems(args.resources, STACK_TYPES)).filter(
      (r) => r.view.type === "TXT" && r.fqdn !== undefined,
    );
    const txtNames = new Set(records.map((r) => r.fqdn as string));
    for (const r of records) {
      const fqdn = r.fqdn as string;
      if (!isDmarcName(fqdn) || fqdn === "_dmarc") {
        continue;
      }
      const policyDomain = fqdn.slice("_dmarc.".length);
      if (!isNameResolved(r, policyDomain)) {
        continue; // A name relative to an undeclared zone: its domain cannot be told.
      }
      for (const value of r.view.values) {
        const record = analyzeDmarc(value).record;
        if (record === undefined) {
          continue;
        }
        const uris = [...record.rua, ...record.ruf];
        for (const auth of externalReportDestinations(policyDomain, uris)) {
          if (
            txtNames.has(auth.name) ||
            trusted.some((t) => isSameOrSubdomain(auth.destination, t))
          ) {
            continue;
          }
          reportViolation(
            messageFor(
              r.item.type,
              r.item.name,
              `report address ${auth.uri} is outside ${policyDomain}, and the stack does not publish TXT ${auth.name} "${auth.content}"; receivers send no reports there unless ${auth.destination} publishes it. Fix: publish that record in the destination's zone, or list ${auth.destination} in authorizedDestinations once it does.`,
            ),
            r.item.urn,
          );
        }
      }
    }
  },
};
