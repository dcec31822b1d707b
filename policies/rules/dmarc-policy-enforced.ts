import type { ResourceValidationPolicy } from "@pulumi/policy";
import { analyzeDmarc, DmarcPolicy, isDmarcRecord } from "../core";
import { VALUE_FIELDS, deferUnknown, recordFor, valuesUnknown } from "../lib/record-policy";
import { isDmarcName } from "../lib/dns";
import { configOf, messageFor } from "../lib/report";

export interface DmarcPolicyEnforcedConfig {
  /** The weakest policy accepted for `p`, and for `sp` and `np` when present; default `quarantine`. */
  minimumPolicy: DmarcPolicy;
  /** Whether `pct` must be 100 (or absent); default true. */
  requireFullPct: boolean;
}

export const dmarcPolicyEnforcedDefaults: DmarcPolicyEnforcedConfig = {
  minimumPolicy: "quarantine",
  requireFullPct: true,
};

const RANK: Record<DmarcPolicy, number> = { none: 0, quarantine: 1, reject: 2 };

/**
 * DMARC records enforce: `p` (and `sp`, `np` when present) at least the configured minimum, and
 * `pct` 100 so that the policy applies to all failing mail.
 */
export const dmarcPolicyEnforced: ResourceValidationPolicy = {
  name: "dmarc-policy-enforced",
  description: "DMARC records ask receivers to quarantine or reject all mail that fails DMARC.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      minimumPolicy: {
        type: "string",
        enum: ["none", "quarantine", "reject"],
        default: "quarantine",
        description: "The weakest policy accepted for p, and for sp and np when present.",
      },
      requireFullPct: {
        type: "boolean",
        default: true,
        description: "Whether pct must be 100 (or absent).",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    const view = recordFor(args, ["TXT"]);
    if (view === undefined) {
      return;
    }
    if (view.name === undefined) {
      // Whether a DMARC value is published at _dmarc hangs on the name.
      if (valuesUnknown(view) || view.values.some(isDmarcRecord)) {
        deferUnknown(args, view, ["name"]);
      }
      return;
    }
    if (!isDmarcName(view.name)) {
      return;
    }
    const config = configOf(args, dmarcPolicyEnforcedDefaults);
    const minimum = config.minimumPolicy in RANK ? config.minimumPolicy : "quarantine";
    for (const value of view.values) {
      const record = analyzeDmarc(value).record;
      if (record === undefined) {
        continue; // dmarc-record-valid reports records receivers would not accept.
      }
      const tags: [string, DmarcPolicy | undefined][] = [
        ["p", record.p],
        ["sp", record.sp],
        ["np", record.np],
      ];
      for (const [tag, policy] of tags) {
        if (policy !== undefined && RANK[policy] < RANK[minimum]) {
          reportViolation(
            messageFor(
              args.type,
              args.name,
              `DMARC ${tag}=${policy} in "${value}" is weaker than ${minimum}, so receivers deliver mail that fails DMARC. Fix: set ${tag}=${minimum === "none" ? "quarantine" : minimum} once reports show legitimate mail passing (mailguard's MailDomain defaults to quarantine).`,
            ),
          );
        }
      }
      if (config.requireFullPct && record.pct !== undefined && record.pct !== 100) {
        reportViolation(
          messageFor(
            args.type,
            args.name,
            `DMARC pct=${record.pct} in "${value}" applies the policy to only ${record.pct}% of failing mail. Fix: remove pct or set pct=100.`,
          ),
        );
      }
    }
    deferUnknown(args, view, VALUE_FIELDS);
  },
};
