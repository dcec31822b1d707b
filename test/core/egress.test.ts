import {
  checkCidr,
  checkEgressOptions,
  EgressOptions,
  EgressRule,
  egressRulesOf,
  judgeEgress,
} from "../../policies/core/egress";
import { UNKNOWN } from "../../policies/core/finding";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const VPC_EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const NATIVE_SG = "aws-native:ec2:SecurityGroup";
const NATIVE_EGRESS = "aws-native:ec2:SecurityGroupEgress";

/** The verdict of every rule of one resource. */
function judgeAll(type: string, props: Record<string, unknown>, opts?: EgressOptions) {
  return egressRulesOf(type, props).map((rule) => judgeEgress(rule, opts));
}

/** One `aws.ec2.SecurityGroup` egress entry, judged. */
function judgeEntry(entry: Record<string, unknown>, opts?: EgressOptions) {
  const verdicts = judgeAll(SG, { egress: [entry] }, opts);
  expect(verdicts).toHaveLength(1);
  return verdicts[0];
}

const TO_WORLD = { cidrBlocks: ["0.0.0.0/0"] };

describe("egressRulesOf: rule sources (REFERENCE.md section 4)", () => {
  it("reads every entry of aws.ec2.SecurityGroup egress with its path", () => {
    const rules = egressRulesOf(SG, {
      egress: [
        { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
        {
          protocol: "-1",
          fromPort: 0,
          toPort: 0,
          ipv6CidrBlocks: ["::/0"],
          prefixListIds: ["pl-0a1b"],
          securityGroups: ["sg-0123"],
          self: true,
        },
      ],
    });
    expect(rules.map((r) => r.path)).toEqual(["egress[0]", "egress[1]"]);
    expect(rules[0]).toMatchObject({ protocol: "tcp", fromPort: 443, toPort: 443 });
    expect(rules[1].destinations).toEqual([
      { kind: "cidr", value: "::/0", field: "egress[1].ipv6CidrBlocks[0]" },
      { kind: "prefix-list", value: "pl-0a1b", field: "egress[1].prefixListIds[0]" },
      { kind: "security-group", value: "sg-0123", field: "egress[1].securityGroups[0]" },
      { kind: "self", field: "egress[1].self" },
    ]);
  });

  it("reads aws.ec2.DefaultSecurityGroup egress like a security group's", () => {
    const [v] = judgeAll(DEFAULT_SG, {
      egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
    });
    expect(v.status).toBe("allows");
  });

  it("finds no rule in a DefaultSecurityGroup without egress, since the provider removes AWS's default rules", () => {
    expect(egressRulesOf(DEFAULT_SG, {})).toEqual([]);
    expect(egressRulesOf(DEFAULT_SG, { egress: [] })).toEqual([]);
  });

  it("reads aws.ec2.SecurityGroupRule only when its type is egress", () => {
    const rule = { protocol: "tcp", fromPort: 25, toPort: 25, cidrBlocks: ["0.0.0.0/0"] };
    expect(judgeAll(SG_RULE, { ...rule, type: "egress" }).map((v) => v.status)).toEqual(["allows"]);
    expect(egressRulesOf(SG_RULE, { ...rule, type: "ingress" })).toEqual([]);
  });

  it("takes sourceSecurityGroupId of an egress SecurityGroupRule as its destination", () => {
    const [v] = judgeAll(SG_RULE, {
      type: "egress",
      protocol: "tcp",
      fromPort: 25,
      toPort: 25,
      sourceSecurityGroupId: "sg-0abc",
    });
    expect(v).toMatchObject({ status: "allows", destinations: ["sg-0abc"] });
  });

  it("reads aws.vpc.SecurityGroupEgressRule's ipProtocol, ports and four destination fields", () => {
    const rules = egressRulesOf(VPC_EGRESS, {
      ipProtocol: "tcp",
      fromPort: 25,
      toPort: 25,
      cidrIpv4: "10.0.0.0/8",
      cidrIpv6: "2001:db8::/32",
      prefixListId: "pl-1",
      referencedSecurityGroupId: "sg-1",
    });
    expect(rules).toHaveLength(1);
    expect(rules[0].path).toBe("");
    expect(rules[0].destinations.map((d) => (d.kind === "self" ? "self" : d.value))).toEqual([
      "10.0.0.0/8",
      "2001:db8::/32",
      "pl-1",
      "sg-1",
    ]);
    expect(judgeEgress(rules[0]).status).toBe("allows");
  });

  it("treats the empty strings provider state writes for unset vpc rule fields as unset", () => {
    const [v] = judgeAll(VPC_EGRESS, {
      ipProtocol: "tcp",
      fromPort: 25,
      toPort: 25,
      cidrIpv4: "",
      cidrIpv6: "",
      prefixListId: "",
      referencedSecurityGroupId: "pl-9",
    });
    expect(v).toMatchObject({ status: "allows", destinations: ["pl-9"] });
  });

  it("reads aws-native SecurityGroup securityGroupEgress entries", () => {
    const verdicts = judgeAll(NATIVE_SG, {
      securityGroupEgress: [
        { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIp: "0.0.0.0/0" },
        { ipProtocol: "tcp", fromPort: 25, toPort: 25, cidrIpv6: "::/0" },
        { ipProtocol: "tcp", fromPort: 25, toPort: 25, destinationPrefixListId: "pl-2" },
        { ipProtocol: "tcp", fromPort: 25, toPort: 25, destinationSecurityGroupId: "sg-2" },
      ],
    });
    expect(verdicts.map((v) => [v.status, v.destinations])).toEqual([
      ["clear", []],
      ["allows", ["::/0"]],
      ["allows", ["pl-2"]],
      ["allows", ["sg-2"]],
    ]);
  });

  it("reports the allow-all rule EC2 adds when aws-native securityGroupEgress is omitted or empty", () => {
    for (const props of [{}, { securityGroupEgress: [] }, { securityGroupEgress: null }]) {
      const verdicts = judgeAll(NATIVE_SG, props);
      expect(verdicts).toHaveLength(1);
      expect(verdicts[0]).toMatchObject({
        status: "allows",
        port: 25,
        destinations: ["0.0.0.0/0"],
      });
      expect(verdicts[0].findings[0].message).toContain("securityGroupEgress (omitted");
    }
  });

  it("judges aws-native:ec2:SecurityGroupEgress by the same fields", () => {
    const [v] = judgeAll(NATIVE_EGRESS, {
      groupId: "sg-1",
      ipProtocol: "6",
      fromPort: 1,
      toPort: 1024,
      cidrIp: "203.0.113.7/32",
    });
    expect(v).toMatchObject({ status: "allows", destinations: ["203.0.113.7/32"] });
  });

  it("returns no rules for resource types that are not egress sources", () => {
    expect(egressRulesOf("aws:ec2/instance:Instance", { egress: [{ protocol: "-1" }] })).toEqual(
      [],
    );
    expect(egressRulesOf("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", {})).toEqual(
      [],
    );
  });

  it("does not crash on null or empty lists and null elements", () => {
    expect(egressRulesOf(SG, { egress: null })).toEqual([]);
    expect(egressRulesOf(SG, { egress: [] })).toEqual([]);
    const rules = egressRulesOf(SG, {
      egress: [
        null,
        {
          protocol: "tcp",
          fromPort: 25,
          toPort: 25,
          cidrBlocks: null,
          ipv6CidrBlocks: [],
          prefixListIds: [null],
          securityGroups: undefined,
          self: null,
        },
      ],
    });
    expect(rules).toHaveLength(1);
    expect(rules[0].path).toBe("egress[1]");
    expect(rules[0].destinations).toEqual([]);
    expect(judgeEgress(rules[0]).status).toBe("clear");
  });

  it("says a rule with no destination at all allows nothing", () => {
    expect(judgeEntry({ protocol: "-1", fromPort: 0, toPort: 0 }).status).toBe("clear");
  });
});

describe("judgeEgress: protocol spellings", () => {
  const table: [unknown, string][] = [
    ["-1", "allows"],
    [-1, "allows"],
    ["all", "allows"],
    ["ALL", "allows"],
    ["All", "allows"],
    ["tcp", "allows"],
    ["TCP", "allows"],
    ["Tcp", "allows"],
    [6, "allows"],
    ["6", "allows"],
    ["udp", "clear"],
    ["UDP", "clear"],
    [17, "clear"],
    ["17", "clear"],
    ["icmp", "clear"],
    ["icmpv6", "clear"],
    ["ICMPv6", "clear"],
    ["esp", "clear"],
    ["ah", "clear"],
    [1, "clear"],
    [58, "clear"],
    ["50", "clear"],
    [132, "clear"],
    [0, "clear"],
    ["tpc", "undecided"],
    ["", "undecided"],
    [256, "undecided"],
    [-2, "undecided"],
    [6.5, "undecided"],
    [undefined, "undecided"],
    [true, "undecided"],
  ];
  it.each(table)("judges protocol %p on ports 25..25 to 0.0.0.0/0 as %s", (protocol, status) => {
    const v = judgeEntry({ protocol, fromPort: 25, toPort: 25, ...TO_WORLD });
    expect(v.status).toBe(status);
    if (status === "undecided") {
      expect(v.field).toBe("egress[0].protocol");
      expect(v.findings[0].code).toBe("egress-invalid-protocol");
    }
  });
});

describe("judgeEgress: ports", () => {
  const table: [unknown, unknown, unknown, string][] = [
    ["tcp", 25, 25, "allows"],
    ["tcp", 0, 65535, "allows"],
    ["tcp", 20, 30, "allows"],
    ["tcp", 25, 26, "allows"],
    ["tcp", 24, 25, "allows"],
    ["tcp", 26, 65535, "clear"],
    ["tcp", 0, 24, "clear"],
    ["tcp", 0, 0, "clear"],
    ["tcp", 587, 587, "clear"],
    ["tcp", 465, 465, "clear"],
    ["tcp", "25", "25", "allows"],
    ["tcp", "0", "24", "clear"],
    // Protocol all ignores the ports, whatever they say.
    ["-1", 20, 200, "allows"],
    ["-1", 0, 0, "allows"],
    ["-1", 443, 443, "allows"],
    ["all", undefined, undefined, "allows"],
    ["-1", -1, -1, "allows"],
    // UDP on 25 is not TCP 25.
    ["udp", 25, 25, "clear"],
    ["udp", 0, 65535, "clear"],
  ];
  it.each(table)("judges protocol %p ports %p..%p to 0.0.0.0/0 as %s", (p, from, to, status) => {
    expect(judgeEntry({ protocol: p, fromPort: from, toPort: to, ...TO_WORLD }).status).toBe(
      status,
    );
  });

  const failClosed: [unknown, unknown, string][] = [
    [undefined, 25, "egress[0].fromPort"],
    [25, undefined, "egress[0].toPort"],
    [null, null, "egress[0].fromPort"],
    [30, 20, "egress[0].fromPort"],
    [-1, 25, "egress[0].fromPort"],
    [0, 65536, "egress[0].toPort"],
    [24.5, 26, "egress[0].fromPort"],
    ["twenty", 26, "egress[0].fromPort"],
    ["", 26, "egress[0].fromPort"],
  ];
  it.each(failClosed)(
    "fails closed on a tcp rule with ports %p..%p, naming %s",
    (from, to, field) => {
      const v = judgeEntry({ protocol: "tcp", fromPort: from, toPort: to, ...TO_WORLD });
      expect(v.status).toBe("undecided");
      expect(v.field).toBe(field);
      expect(v.findings).toHaveLength(1);
      expect(v.findings[0]).toMatchObject({ severity: "error", code: "egress-invalid-port" });
    },
  );

  it("still clears a rule with unjudgeable ports when its only destination is exempt", () => {
    const v = judgeEntry(
      { protocol: "tcp", fromPort: 30, toPort: 20, cidrBlocks: ["10.1.0.0/16"] },
      { allowedDestinations: ["10.0.0.0/8"] },
    );
    expect(v.status).toBe("clear");
  });

  it("judges every port of the ports option and reports the first allowed", () => {
    const entry = { protocol: "tcp", fromPort: 400, toPort: 600, ...TO_WORLD };
    expect(judgeEntry(entry, { ports: [25, 465, 587] })).toMatchObject({
      status: "allows",
      port: 465,
    });
    expect(judgeEntry(entry, { ports: [25] }).status).toBe("clear");
  });

  it("refuses an empty ports option, which would let every rule pass", () => {
    const entry = { protocol: "-1", ...TO_WORLD };
    expect(() => judgeEntry(entry, { ports: [] })).toThrow(
      /Option ports is empty, so no port would be judged and every rule would pass/,
    );
    expect(checkEgressOptions({ ports: [] }).map((f) => f.code)).toEqual([
      "egress-empty-option-ports",
    ]);
    expect(checkEgressOptions({}).map((f) => f.code)).toEqual([]);
  });
});

describe("judgeEgress: destinations", () => {
  const tcp25 = { protocol: "tcp", fromPort: 25, toPort: 25 };
  const everyDestination: [string, Record<string, unknown>][] = [
    ["0.0.0.0/0", { cidrBlocks: ["0.0.0.0/0"] }],
    ["::/0", { ipv6CidrBlocks: ["::/0"] }],
    ["::0/0", { ipv6CidrBlocks: ["::0/0"] }],
    ["0:0:0:0:0:0:0:0/0", { ipv6CidrBlocks: ["0:0:0:0:0:0:0:0/0"] }],
    ["two /1 halves", { cidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"] }],
    ["a single public host", { cidrBlocks: ["203.0.113.25/32"] }],
    ["a bare IPv6 host", { ipv6CidrBlocks: ["2001:db8::25"] }],
    ["a private range", { cidrBlocks: ["10.0.0.0/8"] }],
    ["an IPv4-mapped IPv6 range", { ipv6CidrBlocks: ["::ffff:0:0/96"] }],
    ["a prefix list", { prefixListIds: ["pl-0123abcd"] }],
    ["a referenced security group", { securityGroups: ["sg-0123abcd"] }],
    ["self", { self: true }],
  ];
  it.each(everyDestination)(
    "reports tcp/25 to %s when nothing is exempted",
    (_name, destination) => {
      expect(judgeEntry({ ...tcp25, ...destination }).status).toBe("allows");
    },
  );

  it("exempts a destination range only when the allowlist covers all of it", () => {
    const allow = { allowedDestinations: ["10.0.0.0/8"] };
    expect(judgeEntry({ ...tcp25, cidrBlocks: ["10.20.0.0/16"] }, allow).status).toBe("clear");
    expect(judgeEntry({ ...tcp25, cidrBlocks: ["10.0.0.0/7"] }, allow).status).toBe("allows");
    expect(
      judgeEntry({ ...tcp25, cidrBlocks: ["10.20.0.0/16", "11.0.0.1/32"] }, allow),
    ).toMatchObject({
      status: "allows",
      destinations: ["11.0.0.1/32"],
    });
  });

  it("exempts a range covered only by the union of several allowed ranges", () => {
    const halves = { allowedDestinations: ["0.0.0.0/1", "128.0.0.0/1"] };
    expect(judgeEntry({ ...tcp25, cidrBlocks: ["0.0.0.0/0"] }, halves).status).toBe("clear");
    const adjacent = { allowedDestinations: ["10.0.0.0/25", "10.0.0.128/26", "10.0.0.192/26"] };
    expect(judgeEntry({ ...tcp25, cidrBlocks: ["10.0.0.0/24"] }, adjacent).status).toBe("clear");
    const gap = { allowedDestinations: ["10.0.0.0/25", "10.0.0.192/26"] };
    expect(judgeEntry({ ...tcp25, cidrBlocks: ["10.0.0.0/24"] }, gap).status).toBe("allows");
  });

  it("reads every IPv6 spelling of the same range alike", () => {
    const allow = { allowedDestinations: ["2001:DB8:0:0::/32"] };
    for (const spelling of ["2001:db8::/48", "2001:0db8:0000::/64", "2001:db8::ffff:1.2.3.4/128"]) {
      expect(judgeEntry({ ...tcp25, ipv6CidrBlocks: [spelling] }, allow).status).toBe("clear");
    }
  });

  it("keeps IPv4 and IPv4-mapped IPv6 apart in both directions", () => {
    const v4 = { allowedDestinations: ["0.0.0.0/0"] };
    expect(judgeEntry({ ...tcp25, ipv6CidrBlocks: ["::ffff:10.0.0.0/104"] }, v4).status).toBe(
      "allows",
    );
    const mapped = { allowedDestinations: ["::ffff:0:0/96"] };
    expect(judgeEntry({ ...tcp25, cidrBlocks: ["10.0.0.0/8"] }, mapped).status).toBe("allows");
  });

  it("exempts security groups, prefix lists and self only when listed", () => {
    const allow = { allowedDestinations: ["sg-aaa", "pl-bbb"] };
    expect(judgeEntry({ ...tcp25, securityGroups: ["sg-aaa"] }, allow).status).toBe("clear");
    expect(judgeEntry({ ...tcp25, securityGroups: ["sg-ccc"] }, allow).status).toBe("allows");
    expect(judgeEntry({ ...tcp25, prefixListIds: ["pl-bbb"] }, allow).status).toBe("clear");
    expect(judgeEntry({ ...tcp25, self: true }, allow).status).toBe("allows");
  });

  it("matches a cross-account group reference with or without the account prefix", () => {
    const crossAccount = { ...tcp25, securityGroups: ["123456789012/sg-aaa"] };
    expect(judgeEntry(crossAccount, { allowedDestinations: ["sg-aaa"] }).status).toBe("clear");
    expect(judgeEntry(crossAccount, { allowedDestinations: ["sg-AAA"] }).status).toBe("clear");
    expect(
      judgeEntry(
        { ...tcp25, securityGroups: ["sg-aaa"] },
        {
          allowedDestinations: ["123456789012/sg-aaa"],
        },
      ).status,
    ).toBe("clear");
    expect(judgeEntry(crossAccount, { allowedDestinations: ["sg-bbb"] })).toMatchObject({
      status: "allows",
      destinations: ["123456789012/sg-aaa"],
    });
    expect(judgeEntry({ ...tcp25, self: true }, { allowedDestinations: ["self"] }).status).toBe(
      "clear",
    );
  });

  it("fails closed on an unparsable CIDR, naming the field", () => {
    for (const bad of ["0.0.0.0/33", "10.1/16", "010.0.0.0/8", "fe80::1%eth0/64", "any", ""]) {
      const v = judgeEntry({ ...tcp25, cidrBlocks: [bad] });
      expect(v).toMatchObject({ status: "undecided", field: "egress[0].cidrBlocks[0]" });
      expect(v.findings[0].code).toBe("egress-invalid-destination");
    }
  });

  it("lets a known offending destination decide despite an unparsable one beside it", () => {
    const v = judgeEntry({ ...tcp25, cidrBlocks: ["garbage", "0.0.0.0/0"] });
    expect(v).toMatchObject({ status: "allows", destinations: ["0.0.0.0/0"] });
  });
});

describe("judgeEgress: values unknown during preview", () => {
  it("reports protocol -1 to a public CIDR even when the ports are unknown", () => {
    const v = judgeEntry({ protocol: "-1", fromPort: UNKNOWN, toPort: UNKNOWN, ...TO_WORLD });
    expect(v.status).toBe("allows");
  });

  it("clears tcp 443..443 to an unknown destination", () => {
    expect(
      judgeEntry({ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: UNKNOWN }).status,
    ).toBe("clear");
    expect(
      judgeEntry({ protocol: "tcp", fromPort: 443, toPort: 443, securityGroups: [UNKNOWN] }).status,
    ).toBe("clear");
  });

  it("names the unknown port field that decides", () => {
    const v = judgeEntry({ protocol: "tcp", fromPort: 0, toPort: UNKNOWN, ...TO_WORLD });
    expect(v).toMatchObject({ status: "undecided", field: "egress[0].toPort" });
    expect(v.findings[0].code).toBe("egress-unknown-value");
  });

  it("decides from one known port when it already excludes or includes the port", () => {
    expect(judgeEntry({ protocol: "tcp", fromPort: 26, toPort: UNKNOWN, ...TO_WORLD }).status).toBe(
      "clear",
    );
    expect(judgeEntry({ protocol: "tcp", fromPort: UNKNOWN, toPort: 24, ...TO_WORLD }).status).toBe(
      "clear",
    );
    expect(judgeEntry({ protocol: "tcp", fromPort: 25, toPort: UNKNOWN, ...TO_WORLD }).status).toBe(
      "allows",
    );
    expect(judgeEntry({ protocol: "tcp", fromPort: UNKNOWN, toPort: 25, ...TO_WORLD }).status).toBe(
      "allows",
    );
  });

  it("names an unknown protocol", () => {
    const v = judgeEntry({ protocol: UNKNOWN, fromPort: 443, toPort: 443, ...TO_WORLD });
    expect(v).toMatchObject({ status: "undecided", field: "egress[0].protocol" });
  });

  it("names an unknown destination list when the rule covers the port", () => {
    const v = judgeEntry({ protocol: "tcp", fromPort: 25, toPort: 25, cidrBlocks: UNKNOWN });
    expect(v).toMatchObject({ status: "undecided", field: "egress[0].cidrBlocks" });
  });

  it("reports an unknown security group id when no security group is exempted", () => {
    const v = judgeEntry({ protocol: "-1", fromPort: 0, toPort: 0, securityGroups: [UNKNOWN] });
    expect(v.status).toBe("allows");
    const w = judgeEntry(
      { protocol: "-1", fromPort: 0, toPort: 0, securityGroups: [UNKNOWN] },
      { allowedDestinations: ["sg-1"] },
    );
    expect(w).toMatchObject({ status: "undecided", field: "egress[0].securityGroups[0]" });
  });

  it("names an unknown self flag", () => {
    const v = judgeEntry({ protocol: "tcp", fromPort: 25, toPort: 25, self: UNKNOWN });
    expect(v).toMatchObject({ status: "undecided", field: "egress[0].self" });
  });

  it("treats a whole unknown egress list or entry as undecided", () => {
    const [list] = judgeAll(SG, { egress: UNKNOWN });
    expect(list).toMatchObject({ status: "undecided", field: "egress" });
    const [entry] = judgeAll(SG, { egress: [UNKNOWN] });
    expect(entry).toMatchObject({ status: "undecided", field: "egress[0]" });
    const [native] = judgeAll(NATIVE_SG, { securityGroupEgress: UNKNOWN });
    expect(native).toMatchObject({ status: "undecided", field: "securityGroupEgress" });
  });

  it("does not report a SecurityGroupRule whose type is unknown, but cannot clear it either", () => {
    const rule = { type: UNKNOWN, protocol: "tcp", fromPort: 25, toPort: 25, ...TO_WORLD };
    expect(judgeAll(SG_RULE, rule)[0]).toMatchObject({ status: "undecided", field: "type" });
    expect(judgeAll(SG_RULE, { ...rule, fromPort: 443, toPort: 443 })[0].status).toBe("clear");
  });
});

describe("judgeEgress: findings", () => {
  it("names the rule path, protocol, ports and destinations, and gives the fix", () => {
    const v = judgeEntry({ protocol: "tcp", fromPort: 20, toPort: 30, cidrBlocks: ["0.0.0.0/0"] });
    expect(v.findings).toEqual([
      {
        severity: "error",
        code: "egress-allows-port",
        message:
          'Egress rule egress[0] allows TCP port 25 (protocol "tcp" ports 20..30) to 0.0.0.0/0.',
        fix:
          "Remove TCP 25 from the rule, or split its port range around 25 (for example 0..24 and 26..65535); " +
          "send mail through SES on port 587 (STARTTLS) or 465 (TLS) instead.",
      },
    ]);
  });

  it("says the rule allows all protocols and ports for protocol -1", () => {
    const [v] = judgeAll(VPC_EGRESS, { ipProtocol: "-1", cidrIpv6: "::/0" });
    expect(v.findings[0].message).toBe(
      'The egress rule allows TCP port 25 (protocol "-1" (all protocols and ports)) to ::/0.',
    );
  });

  it("suggests split ranges that exist at the ends of the port space", () => {
    const tcp = { protocol: "tcp", fromPort: 0, toPort: 65535, ...TO_WORLD };
    expect(judgeEntry(tcp, { ports: [0] }).findings[0].fix).toContain("(for example 1..65535)");
    expect(judgeEntry(tcp, { ports: [65535] }).findings[0].fix).toContain("(for example 0..65534)");
  });

  it("tells an all-protocols rule to become TCP rules around the port, since its ports are ignored", () => {
    const all = { protocol: "-1", fromPort: 0, toPort: 0, ...TO_WORLD };
    expect(judgeEntry(all).findings[0].fix).toBe(
      "Replace the all-protocols rule (its ports are ignored) with TCP 0..24 and 26..65535 and the " +
        "UDP and ICMP rules you need; send mail through SES on port 587 (STARTTLS) or 465 (TLS) instead.",
    );
  });

  it("gives no finding for a clear rule", () => {
    expect(
      judgeEntry({ protocol: "tcp", fromPort: 587, toPort: 587, ...TO_WORLD }).findings,
    ).toEqual([]);
  });
});

describe("options and CIDR checks", () => {
  it("accepts every IPv4 and IPv6 CIDR or address spelling", () => {
    for (const ok of [
      "0.0.0.0/0",
      "10.0.0.1",
      "::/0",
      "::0/0",
      "0:0:0:0:0:0:0:0/0",
      "FE80::1/64",
      "::ffff:1.2.3.4",
    ]) {
      expect(checkCidr(ok)).toEqual([]);
    }
  });

  it("rejects what the EC2 API would not read as a CIDR", () => {
    for (const bad of [
      "0/0",
      "10.1/16",
      "0x0a.0.0.0/8",
      "1.2.3.4/33",
      "::/129",
      " 1.2.3.4/8",
      "::1%lo",
      "1.2.3.4/",
      "sg-1",
    ]) {
      const [f] = checkCidr(bad);
      expect(f).toMatchObject({ severity: "error", code: "egress-invalid-cidr" });
      expect(f.message).toContain(JSON.stringify(bad));
    }
  });

  it("rejects ports outside 0..65535 and allowlist entries it does not understand", () => {
    const findings = checkEgressOptions({
      ports: [25, 70000, 2.5],
      allowedDestinations: ["sg-1", "pl-2", "self", "10.0.0.0/8", "my-group"],
    });
    expect(findings.map((f) => f.code)).toEqual([
      "egress-invalid-option-port",
      "egress-invalid-option-port",
      "egress-invalid-allowed-destination",
    ]);
    expect(findings[2].message).toContain('"my-group"');
  });

  it("refuses to judge with invalid options rather than guess", () => {
    const rule: EgressRule = {
      path: "",
      protocol: "tcp",
      fromPort: 25,
      toPort: 25,
      destinations: [{ kind: "cidr", value: "0.0.0.0/0" }],
      unknownFields: [],
    };
    expect(() => judgeEgress(rule, { allowedDestinations: ["everything"] })).toThrow(
      /allowedDestinations holds "everything"/,
    );
  });

  it("judges a hand-built rule without field names by its path", () => {
    const rule: EgressRule = {
      path: "rules[3]",
      protocol: "tcp",
      fromPort: undefined,
      toPort: 25,
      destinations: [{ kind: "cidr", value: "0.0.0.0/0" }],
      unknownFields: [],
    };
    expect(judgeEgress(rule)).toMatchObject({ status: "undecided", field: "rules[3].fromPort" });
  });
});
