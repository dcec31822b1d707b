import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkCidr, egressRulesOf, judgeEgress } from "../policies/core/egress";
import { describe, UNKNOWN } from "../policies/core/finding";
import {
  ArgumentError,
  argsArg,
  arrayArg,
  failOnErrors,
  inputStringArg,
  integerArg,
  keyedInputArg,
  objectArg,
  regionArg,
  tagsArg,
  TOKEN_PREFIX,
  uniqueKeys,
  validateFor,
} from "./common";

/** Type token of the egress rules this component creates, as the core's egressRulesOf reads them. */
export const EGRESS_RULE_TYPE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
/** Default destinations: every IPv4 and IPv6 address. */
export const EVERYWHERE = ["0.0.0.0/0", "::/0"];

/** One allowed kind of egress traffic. */
export interface EgressAllowance {
  /** `tcp`, `udp`, `icmp`, `icmpv6`, or a protocol number. (`-1`/all covers TCP 25 and is refused.) */
  protocol: string;
  /** First port (ICMP: the type, -1 for all). Required for TCP and UDP; ICMP default -1. */
  fromPort?: number;
  /** Last port, inclusive (ICMP: the code). Default `fromPort`. */
  toPort?: number;
  /**
   * Destination CIDRs or addresses, IPv4 or IPv6; a CIDR from another resource as
   * `{ key, cidr, ipv6? }` (`key` names its rule). Default `["0.0.0.0/0", "::/0"]` when neither
   * `securityGroups` nor `prefixLists` is given, else none.
   */
  cidrs?: (string | { key: string; cidr: pulumi.Input<string>; ipv6?: boolean })[];
  /**
   * Destination security groups (ids `sg-...`, or `{ key, id }` for an Output such as an SES VPC
   * endpoint's group): traffic to the network interfaces in them. Default: none.
   */
  securityGroups?: (string | { key: string; id: pulumi.Input<string> })[];
  /** Destination managed prefix lists (ids `pl-...`, or `{ key, id }`). Default: none. */
  prefixLists?: (string | { key: string; id: pulumi.Input<string> })[];
  /** Shown on the rule. Default: a description of the rule. */
  description?: string;
}

/**
 * The default allowlist: everything but TCP 25. TCP 0-24 and 26-65535, all UDP, ICMP and ICMPv6,
 * to every address.
 */
export const ALL_BUT_SMTP: EgressAllowance[] = [
  { protocol: "tcp", fromPort: 0, toPort: 24, description: "TCP below 25" },
  { protocol: "tcp", fromPort: 26, toPort: 65535, description: "TCP above 25" },
  { protocol: "udp", fromPort: 0, toPort: 65535, description: "All UDP" },
  { protocol: "icmp", fromPort: -1, toPort: -1, cidrs: ["0.0.0.0/0"], description: "All ICMP" },
  { protocol: "icmpv6", fromPort: -1, toPort: -1, cidrs: ["::/0"], description: "All ICMPv6" },
];

export interface NoSmtpEgressSecurityGroupArgs {
  /** The VPC of the security group. */
  vpcId: pulumi.Input<string>;
  /** Description of the group. Default `Egress anywhere except TCP 25 (mailguard)`. */
  description?: string;
  /**
   * Exactly the egress to allow, e.g. TCP 443, 587, 465 and TCP/UDP 53. Any entry that would cover
   * TCP 25 is refused. Default {@link ALL_BUT_SMTP}.
   */
  egress?: EgressAllowance[];
  /**
   * Network ACLs to add a DENY of TCP 25 egress to (IPv4 and IPv6), as defence in depth: ids
   * (`acl-...`), or `{ key, id }` for an Output such as `vpc.defaultNetworkAclId` (`key` names
   * the rules, so reordering the list changes nothing). Default: none.
   */
  networkAclIds?: (string | { key: string; id: pulumi.Input<string> })[];
  /** Rule number of the IPv4 NACL deny; the IPv6 one gets the next number. Default 1. */
  naclRuleNumber?: number;
  /** Region of the group. Default: the provider's. */
  region?: string;
  /** Tags for the group and its rules. Default: none. */
  tags?: Record<string, string>;
}

/** The inputs of one `aws.vpc.SecurityGroupEgressRule`, without the group id. */
export interface EgressRuleSpec {
  key: string;
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: pulumi.Input<string>;
  cidrIpv6?: pulumi.Input<string>;
  referencedSecurityGroupId?: pulumi.Input<string>;
  prefixListId?: pulumi.Input<string>;
  description: string;
}

/** A network ACL to deny TCP 25 egress in, with the key that names its rules. */
export interface NaclEntry {
  key: string;
  id: pulumi.Input<string>;
  /** The entry's position in the list, when it was given as a plain id (for the old names). */
  index?: number;
}

export interface NormalizedNoSmtpEgressArgs {
  vpcId: pulumi.Input<string>;
  rules: EgressRuleSpec[];
  networkAclIds: NaclEntry[];
  naclRuleNumber: number;
  region?: string;
  description: string;
  tags?: Record<string, string>;
}

/** Every argument NoSmtpEgressSecurityGroup takes; any other key is refused. */
export const NO_SMTP_EGRESS_ARGUMENTS: readonly (keyof NoSmtpEgressSecurityGroupArgs)[] = [
  "vpcId",
  "description",
  "egress",
  "networkAclIds",
  "naclRuleNumber",
  "region",
  "tags",
];

const ALLOWANCE_FIELDS: readonly (keyof EgressAllowance)[] = [
  "protocol",
  "fromPort",
  "toPort",
  "cidrs",
  "securityGroups",
  "prefixLists",
  "description",
];

/** What a security group id looks like, for keyedInputArg. */
export const SECURITY_GROUP_ID = {
  pattern: /^sg-[0-9a-f]+$/,
  shape: "a security group id",
  example: "sg-0123456789abcdef0",
};
const PREFIX_LIST_ID = {
  pattern: /^pl-[0-9a-f]+$/,
  shape: "a managed prefix list id",
  example: "pl-0123456789abcdef0",
};
const NETWORK_ACL_ID = {
  pattern: /^acl-[0-9a-f]+$/,
  shape: "a network ACL id",
  example: "acl-0123456789abcdef0",
};

const PROTOCOLS: Record<string, string> = {
  tcp: "tcp",
  udp: "udp",
  icmp: "icmp",
  icmpv6: "icmpv6",
  "6": "tcp",
  "17": "udp",
  "1": "icmp",
  "58": "icmpv6",
};

/**
 * What EC2 accepts in a security group's or rule's description (EC2 API, CreateSecurityGroup
 * `GroupDescription` in a VPC): up to 255 characters of a-z, A-Z, 0-9, spaces and
 * `._-:/()#,@[]+=&;{}!$*`.
 */
const EC2_DESCRIPTION = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/;

/** An EC2 description (of a group or a rule), undefined when left out. */
export function descriptionArg(argument: string, value: unknown, fix: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !EC2_DESCRIPTION.test(value)) {
    throw new ArgumentError(
      argument,
      value,
      `it must be 1 to 255 characters of letters, digits, spaces and ._-:/()#,@[]+=&;{}!$* (what EC2 accepts). Fix: ${fix}`,
    );
  }
  return value;
}

function port(argument: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > 65535) {
    throw new ArgumentError(
      argument,
      value,
      `it must be a whole number from ${min} to 65535. Fix: Give the port, such as 443.`,
    );
  }
  return value;
}

/** An ICMP type or code: -1 (all) or 0..255. */
function icmpField(argument: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < -1 || value > 255) {
    throw new ArgumentError(
      argument,
      value,
      "for ICMP it must be a type (fromPort) or code (toPort) from 0 to 255, or -1 for all. Fix: Leave it out for all ICMP.",
    );
  }
  return value;
}

/** The protocol of an allowance as the rule names it: tcp, udp, icmp, icmpv6, -1 or a number. */
function protocolArg(argument: string, value: unknown): string {
  const raw =
    typeof value === "string" || (typeof value === "number" && Number.isInteger(value))
      ? String(value).toLowerCase()
      : "";
  const numeric = /^\d{1,3}$/.test(raw) && Number(raw) <= 255 ? String(Number(raw)) : undefined;
  const protocol =
    PROTOCOLS[numeric ?? raw] ?? numeric ?? (raw === "all" || raw === "-1" ? "-1" : "");
  if (protocol === "") {
    throw new ArgumentError(
      argument,
      value,
      'it is not a protocol. Fix: Use "tcp", "udp", "icmp", "icmpv6" or a protocol number.',
    );
  }
  return protocol;
}

/**
 * The stable part of a rule's logical name, from what the rule allows (so reordering the
 * allowlist replaces nothing): `tcp-443-ipv4`, `tcp-26-65535-ipv6`, `icmp-all-ipv4`,
 * `udp-53-10-0-0-2-32`.
 */
export function ruleKey(
  protocol: string,
  fromPort: number | undefined,
  toPort: number | undefined,
  cidr: string,
): string {
  const ports =
    fromPort === undefined || fromPort === -1
      ? "all"
      : fromPort === toPort || toPort === undefined
        ? `${fromPort}`
        : `${fromPort}-${toPort}`;
  const destination =
    cidr === "0.0.0.0/0"
      ? "ipv4"
      : cidr === "::/0"
        ? "ipv6"
        : cidr.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return `${protocol}-${ports}-${destination}`;
}

/** A CIDR from another resource, `{ key, cidr, ipv6? }`, checked by the core when it is a string. */
export function keyedCidrArg(
  at: string,
  value: unknown,
): { key: string; value: pulumi.Input<string>; ipv6: boolean } {
  const entry = objectArg(
    at,
    value,
    ["key", "cidr", "ipv6"],
    "a CIDR as a string, or { key, cidr, ipv6? }",
    'Give a CIDR such as "10.0.0.0/8", or { key: "vpc", cidr: vpc.cidrBlock }.',
  );
  const keyed = keyedInputArg(at, { key: entry.key, cidr: entry.cidr }, "cidr", {
    pattern: /^[0-9a-fA-F.:]+\/\d{1,3}$/,
    shape: "a CIDR",
    example: '"10.0.0.0/8"',
  });
  if (typeof keyed.value === "string") {
    failOnErrors(`${at}.cidr`, keyed.value, checkCidr(keyed.value));
  }
  if (entry.ipv6 !== undefined && typeof entry.ipv6 !== "boolean") {
    throw new ArgumentError(
      `${at}.ipv6`,
      entry.ipv6,
      "it must be true or false. Fix: Set true for an IPv6 CIDR, or leave it out for IPv4.",
    );
  }
  const ipv6 =
    entry.ipv6 === true || (typeof keyed.value === "string" && keyed.value.includes(":"));
  return { key: keyed.key, value: keyed.value, ipv6 };
}

/** A bare address as a one-address CIDR (`/32`, `/128`); a CIDR as it is. */
export function withPrefix(cidr: string): string {
  return cidr.includes("/") ? cidr : `${cidr}/${cidr.includes(":") ? 128 : 32}`;
}

/**
 * Turns the allowlist into rule specs and refuses any rule that would let TCP 25 out, judged by
 * the core exactly as the policy pack judges it. Throws ArgumentError naming the entry.
 */
export function validateNoSmtpEgressArgs(
  args: NoSmtpEgressSecurityGroupArgs,
): NormalizedNoSmtpEgressArgs {
  const given = argsArg("NoSmtpEgressSecurityGroup", args, NO_SMTP_EGRESS_ARGUMENTS);
  const vpcId = inputStringArg("vpcId", given.vpcId, {
    pattern: /^vpc-[0-9a-f]+$/,
    shape: "a VPC id",
    fix: "Give an id such as vpc-0123456789abcdef0.",
  });
  const description =
    descriptionArg(
      "description",
      given.description,
      "Describe the group in those characters, or leave it out for the default.",
    ) ?? "Egress anywhere except TCP 25 (mailguard)";
  const region = regionArg("region", given.region);
  const allowances =
    arrayArg(
      "egress",
      given.egress,
      'List allowances such as [{ protocol: "tcp", fromPort: 443 }], or leave it out to allow everything but TCP 25.',
    ) ?? ALL_BUT_SMTP;
  if (allowances.length === 0) {
    throw new ArgumentError(
      "egress",
      allowances,
      "it must list at least one allowance. Fix: Leave it out to allow everything but TCP 25.",
    );
  }
  const rules: EgressRuleSpec[] = [];
  allowances.forEach((value, i) => {
    const at = `egress[${i}]`;
    const entry = objectArg(
      at,
      value,
      ALLOWANCE_FIELDS,
      "an allowance { protocol, fromPort, toPort, cidrs, description }",
      'Give an allowance such as { protocol: "tcp", fromPort: 443 }.',
    );
    const protocol = protocolArg(`${at}.protocol`, entry.protocol);
    let fromPort: number | undefined;
    let toPort: number | undefined;
    if (protocol === "tcp" || protocol === "udp") {
      fromPort = port(`${at}.fromPort`, entry.fromPort, 0);
      toPort = port(`${at}.toPort`, entry.toPort === undefined ? entry.fromPort : entry.toPort, 0);
      if (toPort < fromPort) {
        throw new ArgumentError(
          `${at}.toPort`,
          toPort,
          `it is below fromPort ${fromPort}. Fix: Give the range from low to high.`,
        );
      }
    } else if (protocol === "icmp" || protocol === "icmpv6") {
      fromPort = icmpField(`${at}.fromPort`, entry.fromPort, -1);
      toPort = icmpField(
        `${at}.toPort`,
        entry.toPort,
        entry.fromPort === undefined ? -1 : fromPort,
      );
    } else {
      // Other protocols (and all, -1, refused below) carry no ports; EC2 ignores any given.
      if (entry.fromPort !== undefined) fromPort = port(`${at}.fromPort`, entry.fromPort, -1);
      if (entry.toPort !== undefined || entry.fromPort !== undefined) {
        toPort = port(
          `${at}.toPort`,
          entry.toPort === undefined ? entry.fromPort : entry.toPort,
          -1,
        );
      }
    }
    const securityGroups = (
      arrayArg(
        `${at}.securityGroups`,
        entry.securityGroups,
        'List ids such as ["sg-0123456789abcdef0"], or { key, id } entries.',
      ) ?? []
    ).map((g, j) => keyedInputArg(`${at}.securityGroups[${j}]`, g, "id", SECURITY_GROUP_ID));
    const prefixLists = (
      arrayArg(
        `${at}.prefixLists`,
        entry.prefixLists,
        'List ids such as ["pl-0123456789abcdef0"], or { key, id } entries.',
      ) ?? []
    ).map((l, j) => keyedInputArg(`${at}.prefixLists[${j}]`, l, "id", PREFIX_LIST_ID));
    const cidrs =
      arrayArg(
        `${at}.cidrs`,
        entry.cidrs,
        'List CIDRs such as ["10.0.0.0/8"], or leave it out for every address.',
      ) ?? (securityGroups.length + prefixLists.length > 0 ? [] : EVERYWHERE);
    if (cidrs.length + securityGroups.length + prefixLists.length === 0) {
      throw new ArgumentError(
        `${at}.cidrs`,
        cidrs,
        "it must list at least one CIDR (or give securityGroups or prefixLists). Fix: Leave it out for every address.",
      );
    }
    const ruleDescription = descriptionArg(
      `${at}.description`,
      entry.description,
      "Describe the rule in those characters, or leave it out for a description of the rule.",
    );
    const ports = `${fromPort ?? ""}${toPort !== fromPort ? `-${toPort}` : ""}`;
    const describeTo = (to: string) =>
      ruleDescription ?? `${protocol} ${ports} to ${to} (mailguard)`.replace(/  +/g, " ");
    const base = {
      ipProtocol: protocol,
      ...(fromPort !== undefined ? { fromPort } : {}),
      ...(toPort !== undefined ? { toPort } : {}),
    };
    const specs: EgressRuleSpec[] = [];
    cidrs.forEach((cidr, j) => {
      if (typeof cidr === "string") {
        failOnErrors(`${at}.cidrs[${j}]`, cidr, checkCidr(cidr));
        const normalized = withPrefix(cidr);
        specs.push({
          key: ruleKey(protocol, fromPort, toPort, normalized),
          ...base,
          ...(normalized.includes(":") ? { cidrIpv6: normalized } : { cidrIpv4: normalized }),
          description: describeTo(normalized),
        });
        return;
      }
      const keyed = keyedCidrArg(`${at}.cidrs[${j}]`, cidr);
      specs.push({
        key: ruleKey(protocol, fromPort, toPort, `cidr-${keyed.key}`),
        ...base,
        ...(keyed.ipv6 ? { cidrIpv6: keyed.value } : { cidrIpv4: keyed.value }),
        description: describeTo(`the CIDR ${keyed.key}`),
      });
    });
    for (const g of securityGroups) {
      specs.push({
        key: ruleKey(
          protocol,
          fromPort,
          toPort,
          `sg-${g.text !== undefined ? g.text.slice(3) : g.key}`,
        ),
        ...base,
        referencedSecurityGroupId: g.value,
        description: describeTo(g.text ?? `the security group ${g.key}`),
      });
    }
    for (const l of prefixLists) {
      specs.push({
        key: ruleKey(
          protocol,
          fromPort,
          toPort,
          `pl-${l.text !== undefined ? l.text.slice(3) : l.key}`,
        ),
        ...base,
        prefixListId: l.value,
        description: describeTo(l.text ?? `the prefix list ${l.key}`),
      });
    }
    for (const spec of specs) {
      // One rule, one judge: the same function the policy pack applies to every stack. A
      // destination known only later (an Output) is judged as the pack judges it in preview.
      const judged = Object.fromEntries(
        Object.entries(spec).map(([k, v]) => [k, pulumi.Output.isInstance(v) ? UNKNOWN : v]),
      );
      for (const rule of egressRulesOf(EGRESS_RULE_TYPE, { ...judged, securityGroupId: "sg-0" })) {
        const verdict = judgeEgress(rule);
        if (verdict.status !== "clear") {
          // The core's findings say what is wrong and how to fix it.
          const detail =
            verdict.findings.length > 0
              ? verdict.findings.map(describe).join(" ")
              : `the rule ${verdict.status === "allows" ? "allows" : "may allow"} TCP 25. Fix: Allow only the ports you need (for mail: 587 or 465), never TCP 25.`;
          throw new ArgumentError(at, entry, detail);
        }
      }
      const twin = rules.find((r) => r.key === spec.key);
      if (twin) {
        throw new ArgumentError(
          at,
          entry,
          `it repeats the rule ${spec.key} of an earlier entry. Fix: List each protocol, port range and destination once.`,
        );
      }
      rules.push(spec);
    }
  });

  const networkAclIds: NaclEntry[] = (
    arrayArg(
      "networkAclIds",
      given.networkAclIds,
      'List ids such as ["acl-0123456789abcdef0"] or { key, id } entries, or leave it out for none.',
    ) ?? []
  ).map((value, i) => {
    const entry = keyedInputArg(`networkAclIds[${i}]`, value, "id", NETWORK_ACL_ID);
    return { key: entry.key, id: entry.value, ...(entry.plain ? { index: i } : {}) };
  });
  uniqueKeys("networkAclIds", networkAclIds);
  const naclRuleNumber = integerArg(
    "naclRuleNumber",
    given.naclRuleNumber,
    { min: 1, max: 32765, fallback: 1 },
    "Pick a free low number such as 1 (the default).",
  );
  return {
    vpcId,
    rules,
    networkAclIds,
    naclRuleNumber,
    region,
    description,
    tags: tagsArg("tags", given.tags),
  };
}

/**
 * A security group whose egress allows, by default, everything but TCP 25 (TCP 0-24 and
 * 26-65535, all UDP, ICMP and ICMPv6, to `0.0.0.0/0` and `::/0`), or exactly the allowlist given;
 * rules are `aws.vpc.SecurityGroupEgressRule`s and the group declares no inline rules. The AWS
 * provider removes the allow-all egress rule AWS gives every new group when it creates the group.
 * Optionally denies TCP 25 egress in network ACLs too. Send mail on 587 or 465 instead.
 */
export class NoSmtpEgressSecurityGroup extends pulumi.ComponentResource {
  /** Id of the security group. */
  readonly securityGroupId: pulumi.Output<string>;
  /** ARN of the security group. */
  readonly securityGroupArn: pulumi.Output<string>;
  /** Ids of the egress rules. */
  readonly egressRuleIds: pulumi.Output<string[]>;

  constructor(
    name: string,
    args: NoSmtpEgressSecurityGroupArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(`${TOKEN_PREFIX}NoSmtpEgressSecurityGroup`, name, {}, opts);
    const a = validateFor("NoSmtpEgressSecurityGroup", name, this, () =>
      validateNoSmtpEgressArgs(args),
    );
    const parent = { parent: this };
    const regional = a.region !== undefined ? { region: a.region } : {};

    const group = new aws.ec2.SecurityGroup(
      `${name}-group`,
      {
        ...regional,
        vpcId: a.vpcId,
        description: a.description,
        revokeRulesOnDelete: true,
        tags: a.tags,
      },
      parent,
    );
    const rules = a.rules.map(
      ({ key, ...spec }) =>
        new aws.vpc.SecurityGroupEgressRule(
          `${name}-egress-${key}`,
          { ...regional, ...spec, securityGroupId: group.id, tags: a.tags },
          parent,
        ),
    );
    for (const acl of a.networkAclIds) {
      const deny = (family: "ipv4" | "ipv6", offset: number) =>
        new aws.ec2.NetworkAclRule(
          `${name}-nacl-${acl.key}-deny-smtp-${family}`,
          {
            ...regional,
            networkAclId: acl.id,
            ruleNumber: a.naclRuleNumber + offset,
            egress: true,
            protocol: "tcp",
            ruleAction: "deny",
            fromPort: 25,
            toPort: 25,
            ...(family === "ipv4" ? { cidrBlock: "0.0.0.0/0" } : { ipv6CidrBlock: "::/0" }),
          },
          {
            parent: this,
            // A replacement keeps the rule number, which an ACL holds once: delete first.
            deleteBeforeReplace: true,
            // mailguard 0.1 named these rules after the entry's position in the list.
            aliases:
              acl.index === undefined
                ? []
                : [{ name: `${name}-nacl-${acl.index}-deny-smtp-${family}` }],
          },
        );
      deny("ipv4", 0);
      deny("ipv6", 1);
    }

    this.securityGroupId = group.id;
    this.securityGroupArn = group.arn;
    this.egressRuleIds = pulumi.all(rules.map((r) => r.id));
    this.registerOutputs({
      securityGroupId: this.securityGroupId,
      securityGroupArn: this.securityGroupArn,
      egressRuleIds: this.egressRuleIds,
    });
  }
}
