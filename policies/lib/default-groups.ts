import { isUnknown } from "../core";
import { list, str } from "./props";
import { StackItem, dependencyUrns } from "./report";
import { T, VPC_TYPES } from "./types";

/** Resources that add rules to a security group apart from it. */
export const SECURITY_GROUP_RULE_TYPES: ReadonlySet<string> = new Set([
  T.securityGroupRule,
  T.vpcEgressRule,
  T.vpcIngressRule,
]);

/** The id a VPC is known by: `id` (aws, DefaultVpc) or `vpcId` (aws-native), when known. */
export function vpcIdsOf(vpc: StackItem): string[] {
  return [vpc.props.id, vpc.props.vpcId].filter(
    (v): v is string => typeof v === "string" && !isUnknown(v),
  );
}

/** A string field when it is known. */
function known(value: unknown): string | undefined {
  const s = str(value);
  return s === undefined || isUnknown(s) ? undefined : s;
}

function add<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l === undefined) {
    m.set(k, [v]);
  } else {
    l.push(v);
  }
}

/** The rules a default group holds: its own `ingress` and `egress`, and rule resources. */
export interface DefaultGroupRules {
  /** `ingress` or `egress` with the number of rules written there. */
  lists: { field: "ingress" | "egress"; count: number }[];
  /** Rule resources that add rules to the group. */
  ruleResources: StackItem[];
}

/**
 * The VPCs and adopted default security groups of a stack, indexed once: which group adopts a
 * VPC's default group (by `vpcId`, or by the output link during preview), which rules each holds,
 * and which rule resources add to one.
 */
export class DefaultGroups {
  readonly vpcs: StackItem[] = [];
  readonly groups: StackItem[] = [];
  private readonly byVpcId = new Map<string, StackItem[]>();
  private readonly byVpcUrn = new Map<string, StackItem[]>();
  private readonly byId = new Map<string, StackItem>();
  private readonly byUrn = new Map<string, StackItem>();
  private readonly rulesOf = new Map<StackItem, StackItem[]>();

  /** @param items the stack's VPCs, default groups and rule resources (others are ignored). */
  constructor(items: readonly StackItem[]) {
    for (const item of items) {
      if (VPC_TYPES.has(item.type)) {
        this.vpcs.push(item);
      }
      if (item.type !== T.defaultSecurityGroup) {
        continue;
      }
      this.groups.push(item);
      const vpcId = known(item.props.vpcId);
      if (vpcId !== undefined) {
        add(this.byVpcId, vpcId, item);
      }
      for (const urn of dependencyUrns(item.resource, "vpcId")) {
        add(this.byVpcUrn, urn, item);
      }
      const id = known(item.props.id);
      if (id !== undefined) {
        this.byId.set(id, item);
      }
      this.byUrn.set(item.urn, item);
    }
    for (const r of items) {
      if (SECURITY_GROUP_RULE_TYPES.has(r.type)) {
        const target = this.targetOf(r);
        if (target !== undefined) {
          add(this.rulesOf, target, r);
        }
      }
    }
  }

  /** The default group a rule resource adds to, when it is one the stack adopts. */
  targetOf(rule: StackItem): StackItem | undefined {
    const sgId = known(rule.props.securityGroupId);
    return (
      (sgId === undefined ? undefined : this.byId.get(sgId)) ??
      dependencyUrns(rule.resource, "securityGroupId")
        .map((u) => this.byUrn.get(u))
        .find((g) => g !== undefined)
    );
  }

  /** The adopted default group with this id, if any. */
  groupWithId(id: string): StackItem | undefined {
    return this.byId.get(id);
  }

  /** The groups that adopt the default group of a VPC given by id and/or URN. */
  adopting(vpc: { ids: readonly string[]; urns: readonly string[] }): StackItem[] {
    const found = new Set<StackItem>();
    for (const urn of vpc.urns) {
      for (const g of this.byVpcUrn.get(urn) ?? []) {
        found.add(g);
      }
    }
    for (const id of vpc.ids) {
      for (const g of this.byVpcId.get(id) ?? []) {
        found.add(g);
      }
    }
    return [...found];
  }

  /**
   * The rules an adopted default group holds. The provider empties a list that is not written
   * (unknown during preview), so only rules written in the program count.
   */
  rules(group: StackItem): DefaultGroupRules {
    const lists: DefaultGroupRules["lists"] = [];
    for (const field of ["ingress", "egress"] as const) {
      const rules = group.props[field];
      if (!isUnknown(rules) && list(rules).length > 0) {
        lists.push({ field, count: list(rules).length });
      }
    }
    return { lists, ruleResources: this.rulesOf.get(group) ?? [] };
  }

  /** Whether a group holds no rule at all. */
  isClosed(group: StackItem): boolean {
    const { lists, ruleResources } = this.rules(group);
    return lists.length === 0 && ruleResources.length === 0;
  }
}
