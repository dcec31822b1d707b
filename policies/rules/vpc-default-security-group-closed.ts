import type { StackValidationPolicy } from "@pulumi/policy";
import { isUnknown } from "../core";
import { T, VPC_TYPES } from "../lib/types";
import { StackItem, dependencyUrns, messageFor, stackItems } from "../lib/report";
import { list, str } from "../lib/props";

const TYPES: ReadonlySet<string> = new Set([
  ...VPC_TYPES,
  T.defaultSecurityGroup,
  T.securityGroupRule,
  T.vpcEgressRule,
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
]);

const ADOPT_FIX =
  "Fix: adopt it with an aws.ec2.DefaultSecurityGroup whose vpcId is this VPC and which has no ingress or egress rules.";

/** The id a VPC is known by: `id` (aws) or `vpcId` (aws-native), when known. */
function vpcIds(vpc: StackItem): string[] {
  return [vpc.props.id, vpc.props.vpcId].filter(
    (v): v is string => typeof v === "string" && !isUnknown(v),
  );
}

/**
 * Stack policy: every VPC in the stack has its default security group adopted by an
 * `aws.ec2.DefaultSecurityGroup` that holds no rules. A default group left alone keeps AWS's
 * allow-all egress (TCP 25 included) for whatever lands in it.
 */
export const vpcDefaultSecurityGroupClosed: StackValidationPolicy = {
  name: "vpc-default-security-group-closed",
  description:
    "Every VPC in the stack adopts its default security group and leaves it without rules.",
  enforcementLevel: "advisory",
  configSchema: { properties: {} },
  validateStack: (args, reportViolation) => {
    const items = stackItems(args.resources, TYPES);
    const groupsByVpcId = new Map<string, StackItem[]>();
    const groupsByVpcUrn = new Map<string, StackItem[]>();
    const groupsById = new Map<string, StackItem>();
    const groupsByUrn = new Map<string, StackItem>();
    const add = (m: Map<string, StackItem[]>, k: string, v: StackItem): void => {
      const l = m.get(k);
      if (l === undefined) {
        m.set(k, [v]);
      } else {
        l.push(v);
      }
    };
    for (const g of items) {
      if (g.type !== T.defaultSecurityGroup) {
        continue;
      }
      const vpcId = str(g.props.vpcId);
      if (vpcId !== undefined && !isUnknown(vpcId)) {
        add(groupsByVpcId, vpcId, g);
      }
      for (const urn of dependencyUrns(g.resource, "vpcId")) {
        add(groupsByVpcUrn, urn, g);
      }
      const id = str(g.props.id);
      if (id !== undefined && !isUnknown(id)) {
        groupsById.set(id, g);
      }
      groupsByUrn.set(g.urn, g);
    }

    for (const vpc of items) {
      if (!VPC_TYPES.has(vpc.type)) {
        continue;
      }
      const adopted = new Set<StackItem>(groupsByVpcUrn.get(vpc.urn) ?? []);
      for (const id of vpcIds(vpc)) {
        for (const g of groupsByVpcId.get(id) ?? []) {
          adopted.add(g);
        }
      }
      if (adopted.size === 0) {
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

    for (const g of items) {
      if (g.type !== T.defaultSecurityGroup) {
        continue;
      }
      // The provider empties a list that is not written (unknown during preview); only rules
      // written in the program remain.
      for (const field of ["ingress", "egress"]) {
        const rules = g.props[field];
        if (!isUnknown(rules) && list(rules).length > 0) {
          reportViolation(
            messageFor(
              g.type,
              g.name,
              `the default security group has ${list(rules).length} ${field} rule(s); instances that land in it by default get them. Fix: set ${field} to [] and give workloads their own security groups.`,
            ),
            g.urn,
          );
        }
      }
    }

    for (const r of items) {
      if (VPC_TYPES.has(r.type) || r.type === T.defaultSecurityGroup) {
        continue;
      }
      const sgId = str(r.props.securityGroupId);
      const target =
        (sgId !== undefined && !isUnknown(sgId) ? groupsById.get(sgId) : undefined) ??
        dependencyUrns(r.resource, "securityGroupId")
          .map((u) => groupsByUrn.get(u))
          .find((g) => g !== undefined);
      if (target !== undefined) {
        reportViolation(
          messageFor(
            r.type,
            r.name,
            `adds a rule to the default security group ${resourceName(target)}, which must stay empty. Fix: attach the rule to a security group of its own.`,
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
