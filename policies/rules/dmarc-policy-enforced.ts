import type { ResourceValidationPolicy } from "@pulumi/policy";
import { analyzeDmarc, DmarcPolicy } from "../core";
import { VALUE_FIELDS, deferUnknown, dmarcRecordFor } from "../lib/record-policy";
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
const BY_RANK: readonly DmarcPolicy[] = ["none", "quarantine", "reject"];

/** What RFC 9989 receivers apply under `t=y`: the next weaker policy (none stays none). */
function weakerByOne(policy: DmarcPolicy): DmarcPolicy {
  return BY_RANK[Math.max(0, RANK[policy] - 1)];
}

/**
 * DMARC records enforce: `p` (and `sp`, `np` when present) at least the configured minimum, with
 * `t=y` (RFC 9989 test mode) counted as one level weaker, and `pct` 100 so that the
 * policy applies to all failing mail.
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
      // Under t=y (RFC 9989 test mode) receivers apply the next weaker policy. Lowering
      // minimumPolicy is how a stack accepts that while it tests.
      const testMode = record.t === "y";
      for (const [tag, policy] of tags) {
        if (policy === undefined) {
          continue;
        }
        if (RANK[policy] < RANK[minimum]) {
          reportViolation(
            messageFor(
              args.type,
              args.name,
              `DMARC ${tag}=${policy} in "${value}" is weaker than ${minimum}, so receivers deliver mail that fails DMARC. Fix: set ${tag}=${minimum === "none" ? "quarantine" : minimum} once reports show legitimate mail passing (mailguard's MailDomain defaults to quarantine).`,
            ),
          );
        } else if (testMode && RANK[weakerByOne(policy)] < RANK[minimum]) {
          reportViolation(
            messageFor(
              args.type,
              args.name,
              `DMARC t=y in "${value}" puts the record in test mode, so RFC 9989 receivers apply ${tag}=${weakerByOne(policy)} instead of ${tag}=${policy}, weaker than ${minimum}. Fix: remove t=y (or set t=n) once reports show legitimate mail passing, or lower minimumPolicy while testing.`,
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
