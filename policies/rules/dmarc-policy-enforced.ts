import type { ResourceValidationPolicy } from "@pulumi/policy";
import {
  describe,
  DMARC_ENFORCEMENT_DEFAULTS,
  DmarcEnforcement,
  effectivePolicyFindings,
} from "../core";
import { VALUE_FIELDS, deferUnknown, dmarcRecordFor } from "../lib/record-policy";
import { configOf, messageFor } from "../lib/report";

/**
 * `minimumPolicy`: the weakest policy accepted for `p`, and for `sp` and `np` when present;
 * default `quarantine`. `requireFullPct`: whether `pct` must be 100 (or absent); default true.
 */
export type DmarcPolicyEnforcedConfig = DmarcEnforcement;

export const dmarcPolicyEnforcedDefaults: DmarcPolicyEnforcedConfig = {
  ...DMARC_ENFORCEMENT_DEFAULTS,
};

/**
 * DMARC records enforce: `p` (and `sp`, `np` when present) at least the configured minimum, with
 * `t=y` (RFC 9989 test mode) counted as one level weaker, and `pct` 100 so that the
 * policy applies to all failing mail. The judgement is the core's `effectivePolicyFindings`,
 * which the components apply before they publish a record.
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
    const view = dmarcRecordFor(args);
    if (view === undefined) {
      return;
    }
    const config = configOf(args, dmarcPolicyEnforcedDefaults);
    for (const value of view.values) {
      // Records receivers would not accept give no findings: dmarc-record-valid reports them.
      for (const f of effectivePolicyFindings(value, config)) {
        reportViolation(messageFor(args.type, args.name, describe(f)));
      }
    }
    deferUnknown(args, view, VALUE_FIELDS);
  },
};
