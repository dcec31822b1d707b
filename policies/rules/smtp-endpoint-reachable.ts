import type { StackValidationPolicy } from "@pulumi/policy";
import {
  classifyEgressPort,
  classifyEgressProtocol,
  isUnknown,
  regionOfSmtpVpcEndpointService,
  resolveSesRegion,
  SES_SMTP_PORTS,
} from "../core";
import { isRecord, list, readThroughProxy, str } from "../lib/props";
import { StackItem, configOf, dependencyUrns, messageFor, stackItems } from "../lib/report";
import { T } from "../lib/types";

export interface SmtpEndpointReachableConfig {
  /** TCP ports an SES SMTP VPC endpoint's security groups must let in; default 587 and 465. */
  ports: number[];
}

export const smtpEndpointReachableDefaults: SmtpEndpointReachableConfig = {
  ports: [SES_SMTP_PORTS.startTls, SES_SMTP_PORTS.implicitTls],
};

/** The resource types this policy alone reads, by type token. */
const E = {
  vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  nativeVpcEndpoint: "aws-native:ec2:VpcEndpoint",
  vpcIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  nativeSecurityGroupIngress: "aws-native:ec2:SecurityGroupIngress",
} as const;

const ENDPOINT_TYPES: ReadonlySet<string> = new Set([E.vpcEndpoint, E.nativeVpcEndpoint]);
const GROUP_TYPES: ReadonlySet<string> = new Set([
  T.securityGroup,
  T.defaultSecurityGroup,
  T.nativeSecurityGroup,
]);
const RULE_TYPES: ReadonlySet<string> = new Set([
  T.securityGroupRule,
  E.vpcIngressRule,
  E.nativeSecurityGroupIngress,
]);
const VPC_TYPES: ReadonlySet<string> = new Set([T.vpc, T.nativeVpc]);
const TYPES: ReadonlySet<string> = new Set([
  ...ENDPOINT_TYPES,
  ...GROUP_TYPES,
  ...RULE_TYPES,
  ...VPC_TYPES,
]);

const SMTP_ENDPOINT_FIX = "mailguard's SmtpEndpoint creates the endpoint so";

/** An ingress rule as plain fields, with the property paths that hold them. */
interface Ingress {
  protocol: unknown;
  fromPort: unknown;
  toPort: unknown;
  item: StackItem;
  /** Where the protocol and ports sit in the resource's properties, for the preview note. */
  paths: Record<"protocol" | "fromPort" | "toPort", (string | number)[]>;
}

/**
 * Whether an ingress rule lets TCP reach `port`: "yes", "no", or the field whose value is not
 * known yet and decides it. A known value AWS would not accept (a TCP rule without ports) opens
 * nothing: such a rule is never created.
 */
function letsIn(rule: Ingress, port: number): "yes" | "no" | keyof Ingress["paths"] {
  const protocol = classifyEgressProtocol(rule.protocol);
  if (protocol.kind === "unknown") return "protocol";
  if (protocol.kind === "all") return "yes";
  if (protocol.kind !== "tcp") return "no";
  const from = classifyEgressPort(rule.fromPort);
  const to = classifyEgressPort(rule.toPort);
  if (from.kind === "invalid" || to.kind === "invalid") return "no";
  if (from.kind === "known" && from.value > port) return "no";
  if (to.kind === "known" && to.value < port) return "no";
  if (from.kind === "unknown") return "fromPort";
  if (to.kind === "unknown") return "toPort";
  return "yes";
}

/** The inline ingress rules of a security group (aws `ingress[]`, aws-native `securityGroupIngress[]`). */
function inlineIngress(g: StackItem): Ingress[] | "unknown" {
  const native = g.type === T.nativeSecurityGroup;
  const field = native ? "securityGroupIngress" : "ingress";
  const value = g.props[field];
  if (isUnknown(value)) return "unknown";
  const protocol = native ? "ipProtocol" : "protocol";
  return list(value).flatMap((r, i) =>
    isRecord(r)
      ? [
          {
            protocol: r[protocol],
            fromPort: r.fromPort,
            toPort: r.toPort,
            item: g,
            paths: {
              protocol: [field, i, protocol],
              fromPort: [field, i, "fromPort"],
              toPort: [field, i, "toPort"],
            },
          },
        ]
      : [],
  );
}

/** A standalone ingress rule's fields, or undefined when the resource is not an ingress rule. */
function standaloneIngress(r: StackItem): Ingress | undefined {
  if (r.type === T.securityGroupRule) {
    const type = r.props.type;
    if (!isUnknown(type) && !(typeof type === "string" && type.toLowerCase() === "ingress")) {
      return undefined;
    }
  }
  const protocol = r.type === T.securityGroupRule ? "protocol" : "ipProtocol";
  return {
    protocol: r.props[protocol],
    fromPort: r.props.fromPort,
    toPort: r.props.toPort,
    item: r,
    paths: { protocol: [protocol], fromPort: ["fromPort"], toPort: ["toPort"] },
  };
}

/** The property of a standalone rule naming its group. */
function groupField(r: StackItem): string {
  return r.type === E.nativeSecurityGroupIngress ? "groupId" : "securityGroupId";
}

/** The ids a security group is known by: `id`, aws-native `groupId`, or its ARN's last part. */
function groupIds(g: StackItem): string[] {
  const ids = [g.props.id, g.props.groupId]
    .map(str)
    .filter((v): v is string => v !== undefined && !isUnknown(v));
  const arn = str(g.props.arn);
  const fromArn =
    arn !== undefined ? /:security-group\/(sg-[0-9a-z]+)$/i.exec(arn)?.[1] : undefined;
  return fromArn !== undefined ? [...ids, fromArn] : ids;
}

/** The ids a VPC is known by: `id` (aws) or `vpcId` (aws-native), when known. */
function vpcIdsOf(v: StackItem): string[] {
  return [v.props.id, v.props.vpcId]
    .map(str)
    .filter((x): x is string => x !== undefined && !isUnknown(x));
}

function add<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l === undefined) m.set(k, [v]);
  else l.push(v);
}

/** `a`, `a or b`, `a, b or c`. */
function orList(items: readonly string[]): string {
  return items.length <= 1
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

/** `a`, `a and b`, `a, b and c`. */
function andList(items: readonly string[]): string {
  return items.length <= 1
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/**
 * Stack policy: every interface VPC endpoint for SES SMTP (`com.amazonaws.<region>.email-smtp`)
 * can be reached: its security groups let TCP 587 and 465 in (a closed group is the known cause of
 * "connection timed out" on private submission), private DNS is on so the standard host resolves
 * to it, and its VPC has the DNS attributes private DNS needs. Groups and rules are linked by id
 * and by the URNs preview records; a group defined outside the stack is not judged.
 */
export const smtpEndpointReachable: StackValidationPolicy = {
  name: "smtp-endpoint-reachable",
  description:
    "VPC endpoints for SES SMTP let the submission ports in and resolve the standard SMTP host.",
  enforcementLevel: "advisory",
  configSchema: {
    properties: {
      ports: {
        type: "array",
        items: { type: "integer", minimum: 0, maximum: 65535 },
        minItems: 1,
        default: [587, 465],
        description:
          "TCP ports the endpoint's security groups must let in (SES listens on 25, 465, 587, 2465 and 2587).",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const config = configOf(args, smtpEndpointReachableDefaults);
    const items = stackItems(args.resources, TYPES);

    const groupsById = new Map<string, StackItem>();
    const groupsByUrn = new Map<string, StackItem>();
    const defaultGroupsByVpc = new Map<string, StackItem[]>();
    const rulesByGroupId = new Map<string, Ingress[]>();
    const rulesByGroupUrn = new Map<string, Ingress[]>();
    const vpcsById = new Map<string, StackItem>();
    const vpcsByUrn = new Map<string, StackItem>();
    /** Standalone rules whose group is not known yet: they may add to any group. */
    const unlinked: Ingress[] = [];

    for (const it of items) {
      if (GROUP_TYPES.has(it.type)) {
        for (const id of groupIds(it)) groupsById.set(id.toLowerCase(), it);
        groupsByUrn.set(it.urn, it);
        if (it.type === T.defaultSecurityGroup) {
          const vpcId = str(it.props.vpcId);
          if (vpcId !== undefined && !isUnknown(vpcId)) add(defaultGroupsByVpc, vpcId, it);
          for (const urn of dependencyUrns(it.resource, "vpcId")) add(defaultGroupsByVpc, urn, it);
        }
      } else if (RULE_TYPES.has(it.type)) {
        const rule = standaloneIngress(it);
        if (rule === undefined) continue;
        const field = groupField(it);
        const id = str(it.props[field]);
        const urns = dependencyUrns(it.resource, field);
        if (id !== undefined && !isUnknown(id)) add(rulesByGroupId, id.toLowerCase(), rule);
        for (const urn of urns) add(rulesByGroupUrn, urn, rule);
        if ((id === undefined || isUnknown(id)) && urns.length === 0) unlinked.push(rule);
      } else if (VPC_TYPES.has(it.type)) {
        for (const id of vpcIdsOf(it)) vpcsById.set(id, it);
        vpcsByUrn.set(it.urn, it);
      }
    }

    // The first field whose unknown value kept an endpoint from being judged.
    let unknownAt: { item: StackItem; path: (string | number)[] } | undefined;
    const doubt = (item: StackItem, path: (string | number)[]) => {
      unknownAt ??= { item, path };
    };

    for (const ep of items) {
      if (!ENDPOINT_TYPES.has(ep.type)) continue;
      const serviceName = str(ep.props.serviceName);
      if (serviceName === undefined || isUnknown(serviceName)) continue;
      const region = regionOfSmtpVpcEndpointService(serviceName);
      if (region === undefined) continue;
      // The region's standard SMTP host: the table's, or AWS's pattern for a region newer than it.
      const host = resolveSesRegion(region, { newRegion: true }).facts?.smtpHost ?? serviceName;
      const report = (text: string) => reportViolation(messageFor(ep.type, ep.name, text), ep.urn);

      // Private DNS (off unless set, for the AWS provider and CloudFormation alike).
      const privateDns = ep.props.privateDnsEnabled;
      if (isUnknown(privateDns)) {
        doubt(ep, ["privateDnsEnabled"]);
      } else if (privateDns !== true) {
        report(
          `private DNS is off, so ${host} does not resolve to the endpoint: clients given the standard host (as SES's TLS certificate names it) go to SES's public addresses, and time out where there is no internet route. Fix: Set privateDnsEnabled: true (${SMTP_ENDPOINT_FIX}).`,
        );
      } else {
        const vpcId = str(ep.props.vpcId);
        const vpc =
          (vpcId !== undefined ? vpcsById.get(vpcId) : undefined) ??
          dependencyUrns(ep.resource, "vpcId")
            .map((u) => vpcsByUrn.get(u))
            .find((v) => v !== undefined);
        if (vpc !== undefined) {
          const hostnames = vpc.props.enableDnsHostnames;
          const support = vpc.props.enableDnsSupport;
          if (isUnknown(hostnames) || isUnknown(support)) {
            doubt(vpc, [isUnknown(hostnames) ? "enableDnsHostnames" : "enableDnsSupport"]);
          } else if (hostnames !== true || support === false) {
            const off = [
              ...(hostnames !== true ? ["DNS hostnames"] : []),
              ...(support === false ? ["DNS resolution"] : []),
            ];
            report(
              `its VPC ${JSON.stringify(vpc.name)} has ${andList(off)} off, and private DNS for an interface endpoint needs both on (AWS PrivateLink Guide, Private DNS): AWS refuses the endpoint, or ${host} does not resolve to it. Fix: Set enableDnsHostnames: true and enableDnsSupport: true on the VPC.`,
            );
          }
        }
      }

      // The endpoint's security groups, by id and by the URNs preview records.
      const rawGroups = ep.props.securityGroupIds;
      const groupUrns = dependencyUrns(ep.resource, "securityGroupIds");
      const ids = isUnknown(rawGroups)
        ? []
        : list(rawGroups)
            .map(str)
            .filter((x): x is string => x !== undefined);
      if (groupUrns.length === 0 && (isUnknown(rawGroups) || ids.some(isUnknown))) {
        doubt(
          ep,
          isUnknown(rawGroups)
            ? ["securityGroupIds"]
            : ["securityGroupIds", ids.findIndex(isUnknown)],
        );
        continue;
      }
      const groups = new Set<StackItem>(
        groupUrns.map((u) => groupsByUrn.get(u)).filter((g): g is StackItem => g !== undefined),
      );
      const external: string[] = [];
      for (const id of ids) {
        const g = groupsById.get(id.toLowerCase());
        if (g !== undefined) groups.add(g);
        else if (![...groups].some((x) => groupIds(x).includes(id))) external.push(id);
      }
      if (ids.length === 0 && groupUrns.length === 0) {
        // AWS associates the VPC's default security group (AWS PrivateLink Guide, Create a VPC
        // endpoint); judge it when the stack adopts it.
        const vpcId = str(ep.props.vpcId);
        const adopted = [
          ...(vpcId !== undefined ? (defaultGroupsByVpc.get(vpcId) ?? []) : []),
          ...dependencyUrns(ep.resource, "vpcId").flatMap((u) => defaultGroupsByVpc.get(u) ?? []),
        ];
        if (adopted.length === 0) {
          report(
            `it names no security group, so AWS associates the VPC's default security group, which lets in only traffic from its own members (and none once closed as vpc-default-security-group-closed advises): submission on ${andList(config.ports.map(String))} times out. Fix: Give it a security group that lets TCP ${andList(config.ports.map(String))} in from the workloads' security groups (${SMTP_ENDPOINT_FIX}).`,
          );
          continue;
        }
        for (const g of adopted) groups.add(g);
      }

      // Every rule that applies: inline ones of the groups, standalone ones linked to them.
      const rules: Ingress[] = [];
      let inlineUnknown: StackItem | undefined;
      for (const g of groups) {
        const inline = inlineIngress(g);
        if (inline === "unknown") inlineUnknown ??= g;
        else rules.push(...inline);
        for (const id of groupIds(g)) rules.push(...(rulesByGroupId.get(id.toLowerCase()) ?? []));
        rules.push(...(rulesByGroupUrn.get(g.urn) ?? []));
      }
      for (const id of external) rules.push(...(rulesByGroupId.get(id.toLowerCase()) ?? []));

      // Per port: open, closed, or hanging on a value preview does not know yet.
      const closed: number[] = [];
      let undecided: { item: StackItem; path: (string | number)[] } | undefined;
      const distinct = [...new Set(rules)];
      for (const port of config.ports) {
        const verdicts = distinct.map((r) => [r, letsIn(r, port)] as const);
        if (verdicts.some(([, v]) => v === "yes")) continue;
        const unsure = verdicts.find(([, v]) => v !== "no");
        if (unsure !== undefined) {
          const [r, field] = unsure;
          undecided ??= { item: r.item, path: r.paths[field as keyof Ingress["paths"]] };
        } else if (inlineUnknown !== undefined) {
          undecided ??= {
            item: inlineUnknown,
            path: [
              inlineUnknown.type === T.nativeSecurityGroup ? "securityGroupIngress" : "ingress",
            ],
          };
        } else if (unlinked.length > 0) {
          undecided ??= { item: unlinked[0].item, path: [groupField(unlinked[0].item)] };
        } else {
          closed.push(port);
        }
      }
      if (undecided !== undefined) doubt(undecided.item, undecided.path);
      // A group defined outside the stack may open the ports with rules the stack cannot see.
      if (closed.length === 0 || external.length > 0) continue;
      const named = [...groups].map((g) => JSON.stringify(g.name));
      const ports = closed.map(String);
      report(
        `its security group${named.length === 1 ? "" : "s"} ${andList(named)} let${named.length === 1 ? "s" : ""} no TCP ${orList(ports)} in, so SMTP clients connecting to ${host} on ${orList(ports)} time out (a closed endpoint group is the known cause of "connection timed out" on private submission). Fix: Let TCP ${andList(ports)} in on the endpoint's group from the workloads' security groups (${SMTP_ENDPOINT_FIX}).`,
      );
    }

    if (unknownAt !== undefined) {
      // Every decision the known fields allow is made: let the SDK name the field it cannot read.
      readThroughProxy(unknownAt.item.resource.props, unknownAt.path);
    }
  },
};
