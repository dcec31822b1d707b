import type { StackValidationPolicy } from "@pulumi/policy";
import { DefaultGroups, SECURITY_GROUP_RULE_TYPES, vpcIdsOf } from "../lib/default-groups";
import { T, VPC_TYPES } from "../lib/types";
import { StackItem, messageFor, stackItems } from "../lib/report";

const TYPES: ReadonlySet<string> = new Set([
  ...VPC_TYPES,
  T.defaultSecurityGroup,
  ...SECURITY_GROUP_RULE_TYPES,
]);

const ADOPT_FIX =
  "Fix: adopt it with an aws.ec2.DefaultSecurityGroup whose vpcId is this VPC and which has no ingress or egress rules.";

/**
 * Stack policy: every VPC in the stack (a `DefaultVpc` too) has its default security group adopted
 * by an `aws.ec2.DefaultSecurityGroup` that holds no rules. A default group left alone keeps
 * AWS's allow-all egress (TCP 25 included) for whatever lands in it.
 */
export const vpcDefaultSecurityGroupClosed: StackValidationPolicy = {
  name: "vpc-default-security-group-closed",
  description:
    "Every VPC in the stack adopts its default security group and leaves it without rules.",
  enforcementLevel: "advisory",
  configSchema: { properties: {} },
  validateStack: (args, reportViolation) => {
    const groups = new DefaultGroups(stackItems(args.resources, TYPES));
    for (const vpc of groups.vpcs) {
      if (groups.adopting({ ids: vpcIdsOf(vpc), urns: [vpc.urn] }).length === 0) {
        reportViolation(
          messageFor(
            vpc.type,
            vpc.name,
            `the VPC's default security group is not adopted, so it keeps AWS's allow-all egress (TCP 25 included) and allow-from-itself ingress. ${ADOPT_FIX}`,
          ),
          vpc.urn,
        );
      }
    }

    for (const g of groups.groups) {
      for (const { field, count } of groups.rules(g).lists) {
        reportViolation(
          messageFor(
            g.type,
            g.name,
            `the default security group has ${count} ${field} rule(s); instances that land in it by default get them. Fix: set ${field} to [] and give workloads their own security groups.`,
          ),
          g.urn,
        );
      }
    }

    for (const g of groups.groups) {
      for (const r of groups.rules(g).ruleResources) {
        reportViolation(
          messageFor(
            r.type,
            r.name,
            `adds a rule to the default security group ${resourceName(g)}, which must stay empty. Fix: attach the rule to a security group of its own.`,
          ),
          r.urn,
        );
      }
    }
  },
};

function resourceName(g: StackItem): string {
  return `"${g.name}"`;
}
