import * as pulumi from "@pulumi/pulumi";
import {
  EGRESS_RULE_TYPE,
  NoSmtpEgressSecurityGroup,
  NoSmtpEgressSecurityGroupArgs,
} from "../../components/noSmtpEgressSecurityGroup";
import { egressRulesOf, judgeEgress } from "../../policies/core/egress";
import {
  ProviderSimulator,
  RecordedResource,
  settle,
  simulate,
  valueOf,
  expectRefusal,
} from "../helpers/mocks";

let sim: ProviderSimulator;
beforeAll(async () => {
  sim = await simulate({ region: "eu-west-1" });
});
beforeEach(() => sim.reset());

const COMPONENT = "mailguard:index:NoSmtpEgressSecurityGroup";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const VPC = "vpc-0123456789abcdef0";

async function build(name: string, args: NoSmtpEgressSecurityGroupArgs) {
  const group = new NoSmtpEgressSecurityGroup(name, args);
  await valueOf(group.urn);
  await settle(sim);
  return group;
}

function rules(): RecordedResource[] {
  return sim.ofType(EGRESS_RULE_TYPE);
}

function summary(r: RecordedResource): string {
  const i = r.inputs;
  return `${String(i.ipProtocol)} ${String(i.fromPort)}-${String(i.toPort)} ${String(i.cidrIpv4 ?? i.cidrIpv6)}`;
}

function expectJudgedClear(list: RecordedResource[]): void {
  for (const r of list) {
    const judged = egressRulesOf(EGRESS_RULE_TYPE, r.inputs);
    expect(judged).toHaveLength(1);
    expect({ rule: r.name, status: judgeEgress(judged[0]).status }).toEqual({
      rule: r.name,
      status: "clear",
    });
  }
}

describe("NoSmtpEgressSecurityGroup by default", () => {
  it("registers a group without inline rules and eight egress rules: everything but TCP 25, to every IPv4 and IPv6 address", async () => {
    const group = await build("web", { vpcId: VPC });
    const component = sim.find(COMPONENT, "web")!;
    const sg = sim.find(SG, "web-group")!;
    expect(sg.parent).toBe(component.urn);
    expect(sg.inputs).toEqual({
      vpcId: VPC,
      description: "Egress anywhere except TCP 25 (mailguard)",
      revokeRulesOnDelete: true,
    });
    expect(
      rules()
        .map((r) => r.name)
        .sort(),
    ).toEqual(
      [
        "web-egress-tcp-0-24-ipv4",
        "web-egress-tcp-0-24-ipv6",
        "web-egress-tcp-26-65535-ipv4",
        "web-egress-tcp-26-65535-ipv6",
        "web-egress-udp-0-65535-ipv4",
        "web-egress-udp-0-65535-ipv6",
        "web-egress-icmp-all-ipv4",
        "web-egress-icmpv6-all-ipv6",
      ].sort(),
    );
    expect(rules().map(summary).sort()).toEqual(
      [
        "tcp 0-24 0.0.0.0/0",
        "tcp 0-24 ::/0",
        "tcp 26-65535 0.0.0.0/0",
        "tcp 26-65535 ::/0",
        "udp 0-65535 0.0.0.0/0",
        "udp 0-65535 ::/0",
        "icmp -1--1 0.0.0.0/0",
        "icmpv6 -1--1 ::/0",
      ].sort(),
    );
    for (const r of rules()) {
      expect(r.parent).toBe(component.urn);
      expect(r.inputs.securityGroupId).toBe(sg.id);
    }
    expect(
      sim.resources.filter((r) => ![COMPONENT, SG, EGRESS_RULE_TYPE].includes(r.type)),
    ).toEqual([]);
    expect(await valueOf(group.securityGroupId)).toBe(sg.id);
    expect(await valueOf(group.egressRuleIds)).toHaveLength(8);
  });

  it("creates only rules the core judges clear of TCP 25", async () => {
    await build("web", { vpcId: VPC });
    expect(rules()).toHaveLength(8);
    expectJudgedClear(rules());
  });
});

describe("NoSmtpEgressSecurityGroup with an allowlist", () => {
  it("allows exactly the given ports, to the given destinations, each rule judged clear", async () => {
    await build("api", {
      vpcId: VPC,
      egress: [
        { protocol: "tcp", fromPort: 443 },
        { protocol: "tcp", fromPort: 587, cidrs: ["0.0.0.0/0"] },
        { protocol: "tcp", fromPort: 465, cidrs: ["0.0.0.0/0"] },
        { protocol: "udp", fromPort: 53, cidrs: ["10.0.0.2"] },
        { protocol: "tcp", fromPort: 53, cidrs: ["10.0.0.2/32"] },
      ],
    });
    expect(
      rules()
        .map((r) => `${r.name}: ${summary(r)}`)
        .sort(),
    ).toEqual(
      [
        "api-egress-tcp-443-ipv4: tcp 443-443 0.0.0.0/0",
        "api-egress-tcp-443-ipv6: tcp 443-443 ::/0",
        "api-egress-tcp-587-ipv4: tcp 587-587 0.0.0.0/0",
        "api-egress-tcp-465-ipv4: tcp 465-465 0.0.0.0/0",
        "api-egress-udp-53-10-0-0-2-32: udp 53-53 10.0.0.2/32",
        "api-egress-tcp-53-10-0-0-2-32: tcp 53-53 10.0.0.2/32",
      ].sort(),
    );
    expectJudgedClear(rules());
  });

  it("names each rule after what it allows, so reordering the allowlist replaces no rule", async () => {
    const names = async (ports: number[]) => {
      sim.reset();
      await build("order", {
        vpcId: VPC,
        egress: ports.map((p) => ({ protocol: "tcp", fromPort: p })),
      });
      return rules()
        .map((r) => `${r.name} ${summary(r)}`)
        .sort();
    };
    const forward = await names([443, 587]);
    expect(forward).toHaveLength(4);
    expect(await names([587, 443])).toEqual(forward);
  });

  it("adds a low-numbered DENY of TCP 25 egress for IPv4 and IPv6 to each network ACL given", async () => {
    await build("web", { vpcId: VPC, networkAclIds: ["acl-0a1b2c3d"], naclRuleNumber: 5 });
    const acl = sim.ofType("aws:ec2/networkAclRule:NetworkAclRule");
    expect(acl.map((r) => [r.name, r.inputs]).sort()).toEqual([
      [
        "web-nacl-acl-0a1b2c3d-deny-smtp-ipv4",
        {
          networkAclId: "acl-0a1b2c3d",
          ruleNumber: 5,
          egress: true,
          protocol: "tcp",
          ruleAction: "deny",
          fromPort: 25,
          toPort: 25,
          cidrBlock: "0.0.0.0/0",
        },
      ],
      [
        "web-nacl-acl-0a1b2c3d-deny-smtp-ipv6",
        {
          networkAclId: "acl-0a1b2c3d",
          ruleNumber: 6,
          egress: true,
          protocol: "tcp",
          ruleAction: "deny",
          fromPort: 25,
          toPort: 25,
          ipv6CidrBlock: "::/0",
        },
      ],
    ]);
    // Deleted before replaced (an ACL holds a rule number once), and known by mailguard 0.1's
    // position-based name.
    for (const r of acl) {
      expect(r.options?.deleteBeforeReplace).toBe(true);
      expect(r.options?.aliases).toEqual([
        expect.objectContaining({ name: r.name.replace("nacl-acl-0a1b2c3d", "nacl-0") }),
      ]);
    }
  });

  it("takes an ACL id from another resource with a stable key of the user's", async () => {
    const aclId = pulumi.output("acl-0feedbeef");
    await build("web", { vpcId: VPC, networkAclIds: [{ key: "main", id: aclId }] });
    const acl = sim.ofType("aws:ec2/networkAclRule:NetworkAclRule");
    expect(acl.map((r) => [r.name, r.inputs.networkAclId, r.options?.aliases]).sort()).toEqual([
      ["web-nacl-main-deny-smtp-ipv4", "acl-0feedbeef", []],
      ["web-nacl-main-deny-smtp-ipv6", "acl-0feedbeef", []],
    ]);
  });

  it("names every rule after what it allows, so reordering the lists changes no logical name", async () => {
    const sg = pulumi.output("sg-0endpoint");
    const args = (reversed: boolean): NoSmtpEgressSecurityGroupArgs => {
      const egress = [
        { protocol: "tcp", fromPort: 443 },
        { protocol: "tcp", fromPort: 587, securityGroups: [{ key: "ses", id: sg }] },
        {
          protocol: "tcp",
          fromPort: 53,
          cidrs: [{ key: "vpc", cidr: pulumi.output("10.0.0.0/16") }],
        },
      ];
      const acls = ["acl-0aaa", { key: "main", id: pulumi.output("acl-0bbb") }];
      return {
        vpcId: VPC,
        egress: reversed ? [...egress].reverse() : egress,
        networkAclIds: reversed ? [...acls].reverse() : acls,
      };
    };
    await build("web", args(false));
    const names = () =>
      sim
        .customResources()
        .map((r) => r.name)
        .sort();
    const first = names();
    sim.reset();
    await build("web", args(true));
    expect(names()).toEqual(first);
    expect(first).toEqual(
      expect.arrayContaining([
        "web-egress-tcp-443-ipv4",
        "web-egress-tcp-443-ipv6",
        "web-egress-tcp-587-sg-ses",
        "web-egress-tcp-53-cidr-vpc",
        "web-nacl-acl-0aaa-deny-smtp-ipv4",
        "web-nacl-main-deny-smtp-ipv6",
      ]),
    );
  });

  it("allows egress to a security group or prefix list with no CIDR at all", async () => {
    await build("locked", {
      vpcId: VPC,
      egress: [
        { protocol: "tcp", fromPort: 587, securityGroups: ["sg-0a1b2c3d"] },
        { protocol: "tcp", fromPort: 443, prefixLists: ["pl-0a1b2c3d"] },
      ],
    });
    const rules = sim.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
    expect(
      rules.map((r) => [
        r.name,
        r.inputs.referencedSecurityGroupId,
        r.inputs.prefixListId,
        r.inputs.cidrIpv4,
      ]),
    ).toEqual([
      ["locked-egress-tcp-587-sg-0a1b2c3d", "sg-0a1b2c3d", undefined, undefined],
      ["locked-egress-tcp-443-pl-0a1b2c3d", undefined, "pl-0a1b2c3d", undefined],
    ]);
  });
});

describe("NoSmtpEgressSecurityGroup refuses bad input before registering any child", () => {
  const cases: [string, Partial<NoSmtpEgressSecurityGroupArgs>, string][] = [
    [
      "TCP 25 to a security group from another resource",
      {
        egress: [
          {
            protocol: "tcp",
            fromPort: 25,
            securityGroups: [{ key: "relay", id: pulumi.output("sg-0relay") }],
          },
        ],
      },
      'NoSmtpEgressSecurityGroup "bad": invalid egress[0] {"protocol":"tcp","fromPort":25,"securityGroups":[{"key":"relay","id":"<Output>"}]}: The egress rule allows TCP port 25 (protocol "tcp" ports 25..25) to referencedSecurityGroupId (not known yet). Fix: Remove TCP 25 from the rule, or split its port range around 25 (for example 0..24 and 26..65535); send mail through SES on port 587 (STARTTLS) or 465 (TLS) instead.',
    ],
    [
      "two ACL entries with one key",
      {
        networkAclIds: [
          { key: "main", id: pulumi.output("acl-0a") },
          { key: "main", id: pulumi.output("acl-0b") },
        ],
      },
      'NoSmtpEgressSecurityGroup "bad": invalid networkAclIds[1] "main": another entry has the same key "main", and keys name resources. Fix: List each entry once, with its own key.',
    ],
    [
      "a key that cannot go into a logical name",
      { networkAclIds: [{ key: "Main ACL", id: pulumi.output("acl-0a") }] },
      'NoSmtpEgressSecurityGroup "bad": invalid networkAclIds[0].key "Main ACL": it must be 1 to 40 lower-case letters, digits and inner hyphens: it goes into the logical names of the resources made for this entry. Fix: Give a short stable name such as "main".',
    ],
    [
      "an allowlist rule whose port range covers TCP 25",
      { egress: [{ protocol: "tcp", fromPort: 20, toPort: 30 }] },
      'NoSmtpEgressSecurityGroup "bad": invalid egress[0] {"protocol":"tcp","fromPort":20,"toPort":30}: The egress rule allows TCP port 25 (protocol "tcp" ports 20..30) to 0.0.0.0/0. Fix: Remove TCP 25 from the rule, or split its port range around 25 (for example 0..24 and 26..65535); send mail through SES on port 587 (STARTTLS) or 465 (TLS) instead.',
    ],
    [
      "an allowlist rule for all protocols",
      { egress: [{ protocol: "-1", cidrs: ["10.0.0.0/8"] }] },
      'NoSmtpEgressSecurityGroup "bad": invalid egress[0] {"protocol":"-1","cidrs":["10.0.0.0/8"]}: The egress rule allows TCP port 25 (protocol "-1" (all protocols and ports)) to 10.0.0.0/8. Fix: Replace the all-protocols rule (its ports are ignored) with TCP 0..24 and 26..65535 and the UDP and ICMP rules you need; send mail through SES on port 587 (STARTTLS) or 465 (TLS) instead.',
    ],
    [
      "a CIDR that does not parse",
      { egress: [{ protocol: "tcp", fromPort: 443, cidrs: ["10.0.0.0/33"] }] },
      'NoSmtpEgressSecurityGroup "bad": invalid egress[0].cidrs[0] "10.0.0.0/33": "10.0.0.0/33" is not an IPv4 or IPv6 CIDR. Fix: Write it as a.b.c.d/n (four decimal parts, n 0..32) or an IPv6 address/n (n 0..128), without spaces or zone ids.',
    ],
    [
      "a TCP rule without ports",
      { egress: [{ protocol: "tcp" }] },
      'NoSmtpEgressSecurityGroup "bad": invalid egress[0].fromPort undefined: it must be a whole number from 0 to 65535. Fix: Give the port, such as 443.',
    ],
    [
      "an allowlist entry that repeats another",
      {
        egress: [
          { protocol: "tcp", fromPort: 443 },
          { protocol: "TCP", fromPort: 443, toPort: 443, cidrs: ["::/0"] },
        ],
      },
      'NoSmtpEgressSecurityGroup "bad": invalid egress[1] {"protocol":"TCP","fromPort":443,"toPort":443,"cidrs":["::/0"]}: it repeats the rule tcp-443-ipv6 of an earlier entry. Fix: List each protocol, port range and destination once.',
    ],
    [
      "a VPC id that is not one",
      { vpcId: "my-vpc" },
      'NoSmtpEgressSecurityGroup "bad": invalid vpcId "my-vpc": it is not a VPC id. Fix: Give an id such as vpc-0123456789abcdef0.',
    ],
    [
      "a network ACL id that is not one",
      { networkAclIds: ["sg-123"] },
      'NoSmtpEgressSecurityGroup "bad": invalid networkAclIds[0] "sg-123": it is not a network ACL id. Fix: Give one such as acl-0123456789abcdef0, or { key: "main", id: <Output> } for a value from another resource.',
    ],
    [
      "network ACL ids given as one string",
      { networkAclIds: "acl-0123456789abcdef0" as unknown as string[] },
      'NoSmtpEgressSecurityGroup "bad": invalid networkAclIds "acl-0123456789abcdef0": it must be a list (a plain array). Fix: List ids such as ["acl-0123456789abcdef0"] or { key, id } entries, or leave it out for none.',
    ],
    [
      "a VPC id given as null",
      { vpcId: null as unknown as string },
      'NoSmtpEgressSecurityGroup "bad": invalid vpcId null: it must be a VPC id, as a string or an Output. Fix: Give an id such as vpc-0123456789abcdef0.',
    ],
    [
      "a CIDR that is not a string",
      { egress: [{ protocol: "tcp", fromPort: 443, cidrs: [null as unknown as string] }] },
      'NoSmtpEgressSecurityGroup "bad": invalid egress[0].cidrs[0] null: it must be a CIDR as a string, or { key, cidr, ipv6? }. Fix: Give a CIDR such as "10.0.0.0/8", or { key: "vpc", cidr: vpc.cidrBlock }.',
    ],
    [
      "an ICMP type out of range",
      { egress: [{ protocol: "icmp", fromPort: 300 }] },
      'NoSmtpEgressSecurityGroup "bad": invalid egress[0].fromPort 300: for ICMP it must be a type (fromPort) or code (toPort) from 0 to 255, or -1 for all. Fix: Leave it out for all ICMP.',
    ],
    [
      "a description EC2 refuses",
      { description: "Mail – no port 25" },
      'NoSmtpEgressSecurityGroup "bad": invalid description "Mail – no port 25": it must be 1 to 255 characters of letters, digits, spaces and ._-:/()#,@[]+=&;{}!$* (what EC2 accepts). Fix: Describe the group in those characters, or leave it out for the default.',
    ],
    [
      "an allowance field that does not exist",
      { egress: [{ protocol: "tcp", fromPort: 443, port: 443 } as never] },
      'NoSmtpEgressSecurityGroup "bad": invalid egress[0] {"protocol":"tcp","fromPort":443,"port":443}: "port" is not one of its fields (protocol, fromPort, toPort, cidrs, securityGroups, prefixLists, description). Fix: Remove it or correct its spelling.',
    ],
  ];
  it.each(cases)("refuses %s with a ResourceError naming it", async (_what, change, message) => {
    await expectRefusal(
      sim,
      `${COMPONENT} bad`,
      () => new NoSmtpEgressSecurityGroup("bad", { vpcId: VPC, ...change }),
      message,
    );
  });
});
