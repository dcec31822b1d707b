import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkEgressOptions, describe, egressRulesOf, judgeEgress } from "../core";
import { EGRESS_TYPES } from "../lib/types";
import { configOf, messageFor, propsOf } from "../lib/report";

export interface NoPort25EgressConfig {
  /** TCP ports no egress rule may allow; default `[25]`. */
  ports: number[];
  /** Destinations exempted: CIDRs, `sg-...` security group ids, `pl-...` prefix list ids. */
  allowedDestinations: string[];
}

export const noPort25EgressDefaults: NoPort25EgressConfig = {
  ports: [25],
  allowedDestinations: [],
};

const GROUP_FIX =
  " Mailguard's NoSmtpEgressSecurityGroup gives instances egress on every port but TCP 25.";

/**
 * Every egress rule (security group `egress[]`, `SecurityGroupRule` of type egress,
 * `vpc.SecurityGroupEgressRule`, `DefaultSecurityGroup`, aws-native shapes) that allows TCP 25 to a
 * destination not exempted. A rule whose deciding field is unknown during preview fails closed and
 * the message names the field.
 */
export const noPort25Egress: ResourceValidationPolicy = {
  name: "no-port-25-egress",
  description:
    "Security group egress does not allow TCP port 25 (SMTP) to any destination not exempted.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      ports: {
        type: "array",
        items: { type: "integer", minimum: 0, maximum: 65535 },
        minItems: 1,
        default: [25],
        description: "TCP ports no egress rule may allow.",
      },
      allowedDestinations: {
        type: "array",
        items: { type: "string" },
        default: [],
        description:
          "Destinations exempted: CIDRs, security group ids (sg-...), prefix list ids (pl-...), self.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (!EGRESS_TYPES.has(args.type)) {
      return;
    }
    const config = configOf(args, noPort25EgressDefaults);
    const options = { ports: config.ports, allowedDestinations: config.allowedDestinations };
    const problems = checkEgressOptions(options);
    if (problems.length > 0) {
      for (const f of problems) {
        reportViolation(messageFor(args.type, args.name, `cannot be judged: ${describe(f)}`));
      }
      return;
    }
    for (const rule of egressRulesOf(args.type, propsOf(args))) {
      const verdict = judgeEgress(rule, options);
      if (verdict.status === "clear") {
        continue;
      }
      for (const f of verdict.findings) {
        const text =
          verdict.status === "undecided"
            ? `cannot be judged (fail closed): ${describe(f)}`
            : describe(f) + GROUP_FIX;
        reportViolation(messageFor(args.type, args.name, text));
      }
    }
  },
};
