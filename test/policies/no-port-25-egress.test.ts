import { noPort25Egress } from "../../policies/rules/no-port-25-egress";
import { UNKNOWN, runResource } from "../helpers/policy-support";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const VPC_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
const NATIVE_SG = "aws-native:ec2:SecurityGroup";
const NATIVE_EGRESS = "aws-native:ec2:SecurityGroupEgress";

const web = (egress: unknown[]) => ({ type: SG, name: "web", props: { vpcId: "vpc-1", egress } });

describe("no-port-25-egress", () => {
  it("passes a security group whose egress is 443 and 587 to the internet", async () => {
    const out = await runResource(
      noPort25Egress,
      web([
        { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
        {
          protocol: "tcp",
          fromPort: 587,
          toPort: 587,
          cidrBlocks: ["0.0.0.0/0"],
          ipv6CidrBlocks: ["::/0"],
        },
        { protocol: "udp", fromPort: 0, toPort: 65535, cidrBlocks: ["0.0.0.0/0"] },
      ]),
    );
    expect(out).toEqual({ violations: [], urns: [] });
  });

  it("ignores resources that hold no egress rules and rules of type ingress", async () => {
    const bucket = await runResource(noPort25Egress, {
      type: "aws:s3/bucket:Bucket",
      name: "b",
      props: { egress: [] },
    });
    const ingress = await runResource(noPort25Egress, {
      type: RULE,
      name: "in",
      props: {
        type: "ingress",
        protocol: "tcp",
        fromPort: 25,
        toPort: 25,
        cidrBlocks: ["0.0.0.0/0"],
      },
    });
    expect(bucket.violations).toEqual([]);
    expect(ingress.violations).toEqual([]);
  });

  it("does not crash on null or empty lists", async () => {
    const out = await runResource(
      noPort25Egress,
      web([{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: null }]),
    );
    const none = await runResource(noPort25Egress, {
      type: SG,
      name: "empty",
      props: { egress: null },
    });
    expect(out.violations).toEqual([]);
    expect(none.violations).toEqual([]);
  });

  const violating: [
    string,
    { type: string; name: string; props: Record<string, unknown> },
    RegExp,
  ][] = [
    [
      "protocol -1 to the IPv4 internet, whatever the ports",
      web([{ protocol: "-1", fromPort: 20, toPort: 200, cidrBlocks: ["0.0.0.0/0"] }]),
      /egress\[0\] allows TCP port 25 .*0\.0\.0\.0\/0/,
    ],
    [
      "protocol all spelled in capitals",
      web([{ protocol: "ALL", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }]),
      /allows TCP port 25/,
    ],
    [
      "a TCP port range over the IPv6 internet",
      web([{ protocol: "tcp", fromPort: 0, toPort: 65535, ipv6CidrBlocks: ["::/0"] }]),
      /allows TCP port 25 .*::\/0/,
    ],
    [
      "protocol 6 as a number to a private range",
      web([{ protocol: 6, fromPort: 20, toPort: 30, cidrBlocks: ["10.0.0.0/8"] }]),
      /allows TCP port 25 .*10\.0\.0\.0\/8/,
    ],
    [
      "a single public host",
      web([{ protocol: "tcp", fromPort: 25, toPort: 25, cidrBlocks: ["203.0.113.7/32"] }]),
      /203\.0\.113\.7\/32/,
    ],
    [
      "a prefix list",
      web([{ protocol: "tcp", fromPort: 25, toPort: 25, prefixListIds: ["pl-12345678"] }]),
      /pl-12345678/,
    ],
    [
      "an egress SecurityGroupRule with numeric-string ports",
      {
        type: RULE,
        name: "r",
        props: {
          type: "egress",
          protocol: "tcp",
          fromPort: "25",
          toPort: "25",
          cidrBlocks: ["0.0.0.0/0"],
          securityGroupId: "sg-1",
        },
      },
      /allows TCP port 25/,
    ],
    [
      "a SecurityGroupRule to another security group",
      {
        type: RULE,
        name: "r",
        props: {
          type: "egress",
          protocol: "tcp",
          fromPort: 25,
          toPort: 25,
          sourceSecurityGroupId: "sg-0abc",
          securityGroupId: "sg-1",
        },
      },
      /sg-0abc/,
    ],
    [
      "a vpc.SecurityGroupEgressRule",
      {
        type: VPC_RULE,
        name: "v",
        props: {
          securityGroupId: "sg-1",
          ipProtocol: "tcp",
          fromPort: 25,
          toPort: 25,
          cidrIpv4: "0.0.0.0/0",
        },
      },
      /allows TCP port 25/,
    ],
    [
      "a DefaultSecurityGroup with allow-all egress",
      {
        type: DEFAULT_SG,
        name: "d",
        props: {
          vpcId: "vpc-1",
          egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
        },
      },
      /allows TCP port 25/,
    ],
    [
      "an aws-native SecurityGroup with its egress list omitted (allow-all)",
      { type: NATIVE_SG, name: "n", props: { groupDescription: "x", vpcId: "vpc-1" } },
      /allows TCP port 25/,
    ],
    [
      "an aws-native SecurityGroupEgress",
      {
        type: NATIVE_EGRESS,
        name: "ne",
        props: {
          groupId: "sg-1",
          ipProtocol: "tcp",
          fromPort: 25,
          toPort: 25,
          cidrIp: "0.0.0.0/0",
        },
      },
      /allows TCP port 25/,
    ],
    [
      "protocol -1 to the internet with ports unknown during preview",
      web([{ protocol: "-1", fromPort: UNKNOWN, toPort: UNKNOWN, cidrBlocks: ["0.0.0.0/0"] }]),
      /allows TCP port 25/,
    ],
  ];
  it.each(violating)("reports %s", async (_label, resource, pattern) => {
    const out = await runResource(noPort25Egress, resource);
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(pattern);
    expect(out.violations[0]).toContain(`${resource.type} "${resource.name}"`);
    expect(out.violations[0]).toMatch(/Fix: .*587/);
    expect(out.previewNote).toBeUndefined();
  });

  it("reports TCP 25 to a destination unknown during preview, naming the field, when nothing is exempted", async () => {
    const out = await runResource(
      noPort25Egress,
      web([{ protocol: "tcp", fromPort: 25, toPort: 25, cidrBlocks: [UNKNOWN] }]),
    );
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(
      /allows TCP port 25 .*egress\[0\]\.cidrBlocks\[0\] \(not known yet\)/,
    );
  });

  it("fails closed and names the field when an unknown destination might be an exempted one", async () => {
    const out = await runResource(
      noPort25Egress,
      web([{ protocol: "tcp", fromPort: 25, toPort: 25, cidrBlocks: [UNKNOWN] }]),
      { allowedDestinations: ["10.0.0.0/8"] },
    );
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(
      /cannot be judged \(fail closed\): egress\[0\]\.cidrBlocks\[0\] is not known until the update/,
    );
    expect(out.violations[0]).toContain("egress[0].cidrBlocks[0]");
  });

  it("clears a rule whose known ports exclude 25 even when its destination is unknown", async () => {
    const out = await runResource(
      noPort25Egress,
      web([{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [UNKNOWN] }]),
    );
    expect(out.violations).toEqual([]);
  });

  it("exempts configured destinations and judges configured ports", async () => {
    const relay = web([{ protocol: "tcp", fromPort: 25, toPort: 25, cidrBlocks: ["10.1.0.0/16"] }]);
    expect(
      (await runResource(noPort25Egress, relay, { allowedDestinations: ["10.0.0.0/8"] }))
        .violations,
    ).toEqual([]);
    expect((await runResource(noPort25Egress, relay)).violations).toHaveLength(1);
    const submission = web([
      { protocol: "tcp", fromPort: 2525, toPort: 2525, cidrBlocks: ["0.0.0.0/0"] },
    ]);
    const out = await runResource(noPort25Egress, submission, { ports: [25, 2525] });
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(/allows TCP port 2525/);
  });

  it("fails closed on reversed ports, naming both fields", async () => {
    const out = await runResource(
      noPort25Egress,
      web([{ protocol: "tcp", fromPort: 30, toPort: 20, cidrBlocks: ["0.0.0.0/0"] }]),
    );
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(
      /cannot be judged \(fail closed\): egress\[0\]\.fromPort 30 is greater than egress\[0\]\.toPort 20/,
    );
  });

  it("fails closed when the whole egress list is unknown during preview", async () => {
    const out = await runResource(noPort25Egress, {
      type: SG,
      name: "web",
      props: { egress: UNKNOWN },
    });
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(
      /cannot be judged \(fail closed\): egress is not known until the update/,
    );
  });

  it("reports a configuration it cannot use instead of judging with it", async () => {
    const out = await runResource(noPort25Egress, web([]), { allowedDestinations: ["not-a-cidr"] });
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(/cannot be judged: .*allowedDestinations.*not-a-cidr/);
  });

  it("refuses an empty ports list, in its schema and when judging, rather than pass every rule", async () => {
    const schema = noPort25Egress.configSchema?.properties?.ports as { minItems?: number };
    expect(schema.minItems).toBe(1);
    const out = await runResource(
      noPort25Egress,
      web([{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }]),
      { ports: [] },
    );
    expect(out.violations).toEqual([
      expect.stringMatching(
        /^aws:ec2\/securityGroup:SecurityGroup "web": cannot be judged: Option ports is empty, so no port would be judged and every rule would pass\. Fix: Give at least one port/,
      ),
    ]);
  });

  it("exempts a cross-account group reference listed without its account prefix", async () => {
    const peer = web([
      { protocol: "tcp", fromPort: 25, toPort: 25, securityGroups: ["123456789012/sg-0relay"] },
    ]);
    expect(
      (await runResource(noPort25Egress, peer, { allowedDestinations: ["sg-0relay"] })).violations,
    ).toEqual([]);
    const out = await runResource(noPort25Egress, peer);
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(/allows TCP port 25 .* to 123456789012\/sg-0relay\./);
  });
});
