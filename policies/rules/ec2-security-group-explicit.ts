import type { StackValidationPolicy } from "@pulumi/policy";
import { isUnknown } from "../core";
import { DefaultGroups, SECURITY_GROUP_RULE_TYPES, vpcIdsOf } from "../lib/default-groups";
import { isRecord, list, str } from "../lib/props";
import { SUBNET_TYPES, T, VPC_TYPES } from "../lib/types";
import { StackItem, configOf, dependencyUrns, messageFor, stackItems } from "../lib/report";

export interface Ec2SecurityGroupExplicitConfig {
  /** Logical names or URNs of resources allowed to land in a default security group. */
  exempt: string[];
}

export const ec2SecurityGroupExplicitDefaults: Ec2SecurityGroupExplicitConfig = { exempt: [] };

/** The resources judged, and the fields each names its security groups in. */
const WORKLOADS: ReadonlyMap<string, { fields: string[]; shown: string }> = new Map([
  [T.instance, { fields: ["vpcSecurityGroupIds", "securityGroups"], shown: "vpcSecurityGroupIds" }],
  [
    T.launchTemplate,
    {
      fields: ["vpcSecurityGroupIds", "securityGroupNames"],
      shown: "vpcSecurityGroupIds or networkInterfaces[].securityGroups",
    },
  ],
  [T.networkInterface, { fields: ["securityGroups"], shown: "securityGroups" }],
]);

const TYPES: ReadonlySet<string> = new Set([
  ...WORKLOADS.keys(),
  ...VPC_TYPES,
  ...SUBNET_TYPES,
  ...SECURITY_GROUP_RULE_TYPES,
  T.defaultSecurityGroup,
]);

/** Where a resource without a security group lands: a VPC's default group, as far as told. */
type Landing =
  /** A VPC, by id and/or URN (the VPC resource when the stack declares it). */
  | { kind: "vpc"; ids: string[]; urns: string[]; vpc?: StackItem }
  /** The default VPC of the region: no subnet named. */
  | { kind: "default-vpc" }
  /** A subnet the stack does not declare, so its VPC is not known. */
  | { kind: "subnet"; subnet: string }
  /** A launch template without a subnet: whichever VPC it is launched in. */
  | { kind: "launch" };

/**
 * Whether the program gave a field: a value, or an output of another resource (which during
 * preview is unknown and linked to that resource). A field the provider computes because the
 * program left it out is unknown during preview with no such link.
 */
function given(item: StackItem, field: string, value: unknown): boolean {
  if (value === undefined || value === null || value === "") {
    return false;
  }
  if (isUnknown(value)) {
    return dependencyUrns(item.resource, field).length > 0;
  }
  return Array.isArray(value) ? value.length > 0 : true;
}

function knownString(value: unknown): string | undefined {
  const s = str(value);
  return s === undefined || isUnknown(s) || s === "" ? undefined : s;
}

/**
 * Stack policy: instances, launch templates and network interfaces that name no security group
 * land in their VPC's default group, so they are reported unless the stack adopts that group with
 * an `aws.ec2.DefaultSecurityGroup` that holds no rules. Also reported: a resource whose groups
 * (as the provider filled them in) are an adopted default group that holds rules.
 *
 * The stack sees outputs: a group list the provider computed is unknown during preview with no
 * link to another resource, which tells it from one the program gave; once deployed, the
 * provider's list holds the default group's id, which is told only when the stack adopts it.
 */
export const ec2SecurityGroupExplicit: StackValidationPolicy = {
  name: "ec2-security-group-explicit",
  description:
    "Instances, launch templates and network interfaces name their security groups, unless the default group they land in is adopted and closed.",
  enforcementLevel: "advisory",
  configSchema: {
    properties: {
      exempt: {
        type: "array",
        items: { type: "string" },
        default: [],
        description:
          "Logical names or URNs of instances, launch templates and network interfaces allowed to land in a default security group.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const config = configOf(args, ec2SecurityGroupExplicitDefaults);
    const exempt = new Set(config.exempt);
    const items = stackItems(args.resources, TYPES);
    const groups = new DefaultGroups(items);
    const subnetsById = new Map<string, StackItem>();
    const subnetsByUrn = new Map<string, StackItem>();
    const vpcsById = new Map<string, StackItem>();
    const vpcsByUrn = new Map<string, StackItem>();
    for (const item of items) {
      if (SUBNET_TYPES.has(item.type)) {
        const id = knownString(item.props.id);
        if (id !== undefined) subnetsById.set(id, item);
        subnetsByUrn.set(item.urn, item);
      } else if (VPC_TYPES.has(item.type)) {
        for (const id of vpcIdsOf(item)) vpcsById.set(id, item);
        vpcsByUrn.set(item.urn, item);
      }
    }
    const defaultVpcs = groups.vpcs.filter((v) => v.type === T.defaultVpc);

    /** The VPC of a subnet in the stack; a DefaultSubnet not yet linked is in the default VPC. */
    const vpcOfSubnet = (subnet: StackItem): Landing => {
      const ids = [knownString(subnet.props.vpcId)].filter((x): x is string => x !== undefined);
      const urns = dependencyUrns(subnet.resource, "vpcId");
      if (ids.length === 0 && urns.length === 0) {
        return subnet.type === T.defaultSubnet
          ? { kind: "default-vpc" }
          : { kind: "subnet", subnet: subnet.name };
      }
      const vpc =
        urns.map((u) => vpcsByUrn.get(u)).find((v) => v !== undefined) ??
        ids.map((id) => vpcsById.get(id)).find((v) => v !== undefined);
      // The VPC's own id and URN too: its default group may be adopted by either.
      return vpc === undefined
        ? { kind: "vpc", ids, urns }
        : { kind: "vpc", ids: [...ids, ...vpcIdsOf(vpc)], urns: [...urns, vpc.urn], vpc };
    };

    /** Where a resource lands by its subnet (`field` of `owner`, or a value inside it). */
    const landingBySubnet = (owner: StackItem, field: string, value: unknown): Landing => {
      if (!given(owner, field, value)) {
        return owner.type === T.launchTemplate ? { kind: "launch" } : { kind: "default-vpc" };
      }
      const id = knownString(value);
      const subnet =
        (id === undefined ? undefined : subnetsById.get(id)) ??
        dependencyUrns(owner.resource, field)
          .map((u) => subnetsByUrn.get(u))
          .find((s) => s !== undefined);
      if (subnet !== undefined) {
        return vpcOfSubnet(subnet);
      }
      return { kind: "subnet", subnet: id ?? "(unknown during preview)" };
    };

    /** Why the default group of a VPC is not one a workload may land in, or undefined. */
    const problemOf = (vpc: { ids: string[]; urns: string[] }): string | undefined => {
      const adopting = groups.adopting(vpc);
      if (adopting.length === 0) {
        return "which the stack does not adopt and close: AWS's default group allows all egress, TCP 25 included";
      }
      if (adopting.some((g) => groups.isClosed(g))) {
        return undefined;
      }
      return `adopted as "${adopting[0].name}" but holding rules`;
    };

    const vpcName = (l: Extract<Landing, { kind: "vpc" }>): string =>
      l.vpc !== undefined
        ? `VPC "${l.vpc.name}"`
        : l.ids.length > 0
          ? `VPC ${l.ids[0]}`
          : "its subnet's VPC";

    /** Why landing there is a problem, with where it is; undefined when it is not. */
    const judge = (landing: Landing): string | undefined => {
      switch (landing.kind) {
        case "vpc": {
          const problem = problemOf(landing);
          return problem === undefined ? undefined : `${vpcName(landing)}, ${problem}`;
        }
        case "default-vpc": {
          if (defaultVpcs.length === 0) {
            return "the region's default VPC, which the stack does not adopt (aws.ec2.DefaultVpc) and close: AWS's default group allows all egress, TCP 25 included";
          }
          for (const v of defaultVpcs) {
            const problem = problemOf({ ids: vpcIdsOf(v), urns: [v.urn] });
            if (problem !== undefined) {
              return `the default VPC "${v.name}", ${problem}`;
            }
          }
          return undefined;
        }
        case "subnet":
          return `the VPC of subnet ${landing.subnet}, which the stack does not declare, so no default group it adopts and closes can be told to be that VPC's`;
        case "launch": {
          if (groups.vpcs.length === 0) {
            return "whichever VPC it is launched in, and the stack declares no VPC whose default group it adopts and closes";
          }
          for (const v of groups.vpcs) {
            const problem = problemOf({ ids: vpcIdsOf(v), urns: [v.urn] });
            if (problem !== undefined) {
              return `whichever VPC it is launched in, such as VPC "${v.name}", ${problem}`;
            }
          }
          return undefined;
        }
      }
    };

    for (const item of items) {
      const workload = WORKLOADS.get(item.type);
      if (workload === undefined || exempt.has(item.name) || exempt.has(item.urn)) {
        continue;
      }
      const fix = `Fix: give it a security group of its own (${workload.shown}; mailguard's NoSmtpEgressSecurityGroup allows all egress but TCP 25), or adopt that default group with an aws.ec2.DefaultSecurityGroup without rules, or list the resource in exempt.`;
      const report = (text: string): void =>
        reportViolation(messageFor(item.type, item.name, `${text} ${fix}`), item.urn);

      // Groups as the provider filled them in: an adopted default group by its id.
      const member = workload.fields
        .flatMap((f) => list(isUnknown(item.props[f]) ? [] : item.props[f]))
        .map((id) => (typeof id === "string" ? groups.groupWithId(id) : undefined))
        .find((g) => g !== undefined);
      if (member !== undefined) {
        if (!groups.isClosed(member)) {
          report(`is in the default security group "${member.name}", which holds rules.`);
        }
        continue;
      }
      if (workload.fields.some((f) => given(item, f, item.props[f]))) {
        continue;
      }

      let landing: Landing;
      if (item.type === T.launchTemplate) {
        const nis = item.props.networkInterfaces;
        if (isUnknown(nis) && given(item, "networkInterfaces", nis)) {
          continue; // Interfaces from another resource's output: what they hold is not known.
        }
        const interfaces = list(isUnknown(nis) ? [] : nis).filter(isRecord);
        const named = interfaces.some(
          (ni) =>
            given(item, "networkInterfaces", ni.securityGroups) ||
            given(item, "networkInterfaces", ni.networkInterfaceId),
        );
        if (named) {
          continue;
        }
        const first = interfaces.find((ni) => given(item, "networkInterfaces", ni.subnetId));
        landing =
          first === undefined
            ? { kind: "launch" }
            : landingBySubnet(item, "networkInterfaces", first.subnetId);
      } else {
        if (
          item.type === T.instance &&
          (given(item, "primaryNetworkInterface", item.props.primaryNetworkInterface) ||
            given(item, "networkInterfaces", item.props.networkInterfaces))
        ) {
          continue; // Its groups are those of the interface it attaches, judged there.
        }
        landing = landingBySubnet(item, "subnetId", item.props.subnetId);
      }
      const where = judge(landing);
      if (where !== undefined) {
        report(`names no security group, so it lands in the default security group of ${where}.`);
      }
    }
  },
};
