/**
 * Egress rules out of every resource shape that can open egress (REFERENCE.md section 4), read by
 * type token so that any provider version matches. Property names follow the type definitions of
 * @pulumi/aws 7 and the CloudFormation schema behind aws-native.
 *
 * Values are kept raw for `judgeEgress`; nothing here throws, whatever the input. Null, missing and
 * empty lists hold no destination, null list elements are skipped, and a value that is not a list
 * where one is expected is read as a one-element list. `UNKNOWN` is recorded in `unknownFields`:
 * an unknown list element becomes a destination whose value is `UNKNOWN`; an unknown list or
 * `self` flag becomes one that may be absent (`mayBeAbsent`).
 */
import type { Destination, EgressRule } from "./egress";
import { isUnknown, UNKNOWN } from "./finding";
import { printValue } from "./egress-read";

type DestinationKind = "cidr" | "security-group" | "prefix-list";

interface RuleShape {
  protocol: string;
  fromPort: string;
  toPort: string;
  /** List-valued destination properties. */
  lists: [string, DestinationKind][];
  /** Single-valued destination properties; `""` counts as unset, as provider state writes it. */
  singles: [string, DestinationKind][];
  /** The boolean that adds the group itself as destination. */
  self?: string;
}

/** `aws.ec2.SecurityGroup.egress[]` and `aws.ec2.DefaultSecurityGroup.egress[]`. */
const GROUP_EGRESS: RuleShape = {
  protocol: "protocol",
  fromPort: "fromPort",
  toPort: "toPort",
  lists: [
    ["cidrBlocks", "cidr"],
    ["ipv6CidrBlocks", "cidr"],
    ["prefixListIds", "prefix-list"],
    ["securityGroups", "security-group"],
  ],
  singles: [],
  self: "self",
};

/** `aws.ec2.SecurityGroupRule` (of type egress; `sourceSecurityGroupId` is then the destination). */
const GROUP_RULE: RuleShape = {
  protocol: "protocol",
  fromPort: "fromPort",
  toPort: "toPort",
  lists: [
    ["cidrBlocks", "cidr"],
    ["ipv6CidrBlocks", "cidr"],
    ["prefixListIds", "prefix-list"],
  ],
  singles: [["sourceSecurityGroupId", "security-group"]],
  self: "self",
};

/** `aws.vpc.SecurityGroupEgressRule`. */
const VPC_EGRESS_RULE: RuleShape = {
  protocol: "ipProtocol",
  fromPort: "fromPort",
  toPort: "toPort",
  lists: [],
  singles: [
    ["cidrIpv4", "cidr"],
    ["cidrIpv6", "cidr"],
    ["prefixListId", "prefix-list"],
    ["referencedSecurityGroupId", "security-group"],
  ],
};

/** `aws-native:ec2:SecurityGroup.securityGroupEgress[]` and `aws-native:ec2:SecurityGroupEgress`. */
const NATIVE_EGRESS: RuleShape = {
  protocol: "ipProtocol",
  fromPort: "fromPort",
  toPort: "toPort",
  lists: [],
  singles: [
    ["cidrIp", "cidr"],
    ["cidrIpv6", "cidr"],
    ["destinationPrefixListId", "prefix-list"],
    ["destinationSecurityGroupId", "security-group"],
  ],
};

export const EGRESS_RESOURCE_TYPES = {
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  defaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  vpcSecurityGroupEgressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  nativeSecurityGroup: "aws-native:ec2:SecurityGroup",
  nativeSecurityGroupEgress: "aws-native:ec2:SecurityGroupEgress",
} as const;

/**
 * The path of the rule EC2 adds to an `aws-native:ec2:SecurityGroup` whose `securityGroupEgress`
 * is omitted or empty.
 */
export const NATIVE_DEFAULT_EGRESS_PATH =
  "securityGroupEgress (omitted: the default allow-all rule)";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === "string" ? value : printValue(value);
}

function readRule(item: unknown, path: string, shape: RuleShape): EgressRule {
  const at = (name: string): string => (path === "" ? name : `${path}.${name}`);
  if (isUnknown(item)) {
    // The whole rule is unknown: protocol, ports and destinations alike.
    const whole = path === "" ? "(rule)" : path;
    return {
      path,
      protocol: UNKNOWN,
      fromPort: UNKNOWN,
      toPort: UNKNOWN,
      destinations: [],
      unknownFields: [whole],
      fieldNames: { protocol: whole, fromPort: whole, toPort: whole },
    };
  }
  const props = isRecord(item) ? item : {};
  const unknownFields: string[] = [];
  const destinations: Destination[] = [];
  for (const name of [shape.protocol, shape.fromPort, shape.toPort]) {
    if (isUnknown(props[name])) unknownFields.push(at(name));
  }
  const add = (kind: DestinationKind, value: unknown, field: string): void => {
    if (isUnknown(value)) unknownFields.push(field);
    destinations.push({ kind, value: text(value), field });
  };
  for (const [name, kind] of shape.lists) {
    const value = props[name];
    if (value === undefined || value === null) continue;
    if (isUnknown(value)) {
      unknownFields.push(at(name));
      destinations.push({ kind, value: UNKNOWN, field: at(name), mayBeAbsent: true });
    } else if (Array.isArray(value)) {
      value.forEach((element: unknown, i) => {
        if (element !== undefined && element !== null) add(kind, element, at(`${name}[${i}]`));
      });
    } else {
      add(kind, value, at(name));
    }
  }
  for (const [name, kind] of shape.singles) {
    const value = props[name];
    if (value !== undefined && value !== null && value !== "") add(kind, value, at(name));
  }
  if (shape.self !== undefined) {
    const value = props[shape.self];
    if (isUnknown(value)) {
      unknownFields.push(at(shape.self));
      destinations.push({ kind: "self", field: at(shape.self), mayBeAbsent: true });
    } else if (
      value !== undefined &&
      value !== null &&
      value !== false &&
      !(typeof value === "string" && value.toLowerCase() === "false")
    ) {
      // Anything but an explicit false is read as true: fail closed.
      destinations.push({ kind: "self", field: at(shape.self) });
    }
  }
  return {
    path,
    protocol: props[shape.protocol],
    fromPort: props[shape.fromPort],
    toPort: props[shape.toPort],
    destinations,
    unknownFields,
    fieldNames: {
      protocol: at(shape.protocol),
      fromPort: at(shape.fromPort),
      toPort: at(shape.toPort),
    },
  };
}

/** The rules of a list property such as `egress`; null elements are skipped. */
function readList(value: unknown, name: string, shape: RuleShape): EgressRule[] {
  if (value === undefined || value === null) return [];
  if (isUnknown(value)) return [readRule(UNKNOWN, name, shape)];
  if (!Array.isArray(value)) return [readRule(value, name, shape)];
  const rules: EgressRule[] = [];
  value.forEach((item: unknown, i) => {
    if (item !== undefined && item !== null) rules.push(readRule(item, `${name}[${i}]`, shape));
  });
  return rules;
}

/**
 * EC2 gives a new VPC security group an allow-all IPv4 egress rule (protocol -1 to 0.0.0.0/0; no
 * `::/0` rule is added to a group that is not a VPC's default group). CloudFormation, and so
 * aws-native, keeps that rule unless the template lists egress rules, and an empty list does not
 * remove it. The IPv4 rule alone already allows TCP 25 to the whole internet.
 */
function nativeDefaultRule(): EgressRule {
  return {
    path: NATIVE_DEFAULT_EGRESS_PATH,
    protocol: "-1",
    fromPort: undefined,
    toPort: undefined,
    destinations: [{ kind: "cidr", value: "0.0.0.0/0", field: NATIVE_DEFAULT_EGRESS_PATH }],
    unknownFields: [],
    fieldNames: {
      protocol: NATIVE_DEFAULT_EGRESS_PATH,
      fromPort: NATIVE_DEFAULT_EGRESS_PATH,
      toPort: NATIVE_DEFAULT_EGRESS_PATH,
    },
  };
}

/**
 * Every egress rule a resource declares, as plain data in which `UNKNOWN` may stand for any value;
 * `[]` for resource types that are not egress sources and for ingress rules.
 */
export function egressRulesOf(resourceType: string, props: Record<string, unknown>): EgressRule[] {
  const p: Record<string, unknown> = isRecord(props) ? props : {};
  switch (resourceType) {
    case EGRESS_RESOURCE_TYPES.securityGroup:
    case EGRESS_RESOURCE_TYPES.defaultSecurityGroup:
      return readList(p.egress, "egress", GROUP_EGRESS);
    case EGRESS_RESOURCE_TYPES.securityGroupRule: {
      const type = p.type;
      if (isUnknown(type)) {
        const rule = readRule(p, "", GROUP_RULE);
        rule.unknownFields.push("type");
        return [rule];
      }
      return typeof type === "string" && type.toLowerCase() === "egress"
        ? [readRule(p, "", GROUP_RULE)]
        : [];
    }
    case EGRESS_RESOURCE_TYPES.vpcSecurityGroupEgressRule:
      return [readRule(p, "", VPC_EGRESS_RULE)];
    case EGRESS_RESOURCE_TYPES.nativeSecurityGroup: {
      const rules = readList(p.securityGroupEgress, "securityGroupEgress", NATIVE_EGRESS);
      return rules.length > 0 ? rules : [nativeDefaultRule()];
    }
    case EGRESS_RESOURCE_TYPES.nativeSecurityGroupEgress:
      return [readRule(p, "", NATIVE_EGRESS)];
    default:
      return [];
  }
}
