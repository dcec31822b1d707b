import { vpcDefaultSecurityGroupClosed } from "../../policies/rules/vpc-default-security-group-closed";
import { UNKNOWN, runStack, urnOf } from "../helpers/policy-support";

const VPC = "aws:ec2/vpc:Vpc";
const NATIVE_VPC = "aws-native:ec2:Vpc";
const DSG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
const RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";

const vpc = { type: VPC, name: "main", props: { id: "vpc-1", cidrBlock: "10.0.0.0/16" } };
const closed = {
  type: DSG,
  name: "default",
  props: { id: "sg-d", vpcId: "vpc-1", ingress: [], egress: [] },
};

describe("vpc-default-security-group-closed", () => {
  it("passes a VPC whose default group is adopted with no rules", async () => {
    expect((await runStack(vpcDefaultSecurityGroupClosed, [vpc, closed])).violations).toEqual([]);
  });

  it("matches the adoption through the vpcId output link during preview", async () => {
    const previewVpc = { ...vpc, props: { id: UNKNOWN } };
    const previewGroup = {
      ...closed,
      props: { id: UNKNOWN, vpcId: UNKNOWN, ingress: UNKNOWN, egress: UNKNOWN },
      propertyDependencies: { vpcId: [urnOf(VPC, "main")] },
    };
    expect(
      (await runStack(vpcDefaultSecurityGroupClosed, [previewVpc, previewGroup])).violations,
    ).toEqual([]);
  });

  it("counts an aws.ec2.DefaultVpc as a VPC: reported until its default group is adopted", async () => {
    const dflt = { type: "aws:ec2/defaultVpc:DefaultVpc", name: "dflt", props: { id: "vpc-d" } };
    expect((await runStack(vpcDefaultSecurityGroupClosed, [dflt])).violations).toEqual([
      `aws:ec2/defaultVpc:DefaultVpc "dflt": the VPC's default security group is not adopted, so it keeps AWS's allow-all egress (TCP 25 included) and allow-from-itself ingress. Fix: adopt it with an aws.ec2.DefaultSecurityGroup whose vpcId is this VPC and which has no ingress or egress rules.`,
    ]);
    const group = { ...closed, props: { ...closed.props, vpcId: "vpc-d" } };
    expect((await runStack(vpcDefaultSecurityGroupClosed, [dflt, group])).violations).toEqual([]);
  });

  it("passes an aws-native VPC adopted by its vpcId", async () => {
    const native = { type: NATIVE_VPC, name: "nv", props: { vpcId: "vpc-9" } };
    const group = { ...closed, props: { ...closed.props, vpcId: "vpc-9" } };
    expect((await runStack(vpcDefaultSecurityGroupClosed, [native, group])).violations).toEqual([]);
  });

  const violating: [
    string,
    { type: string; name: string; props: Record<string, unknown> }[],
    string,
    RegExp,
  ][] = [
    [
      "a VPC whose default group is not adopted",
      [vpc],
      "main",
      /default security group is not adopted/,
    ],
    [
      "a default group adopted for another VPC",
      [vpc, { ...closed, props: { ...closed.props, vpcId: "vpc-2" } }],
      "main",
      /not adopted/,
    ],
    [
      "an adopted default group with egress rules",
      [
        vpc,
        {
          ...closed,
          props: {
            ...closed.props,
            egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
          },
        },
      ],
      "default",
      /has 1 egress rule/,
    ],
    [
      "an adopted default group with ingress rules",
      [
        vpc,
        {
          ...closed,
          props: {
            ...closed.props,
            ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }],
          },
        },
      ],
      "default",
      /has 1 ingress rule/,
    ],
    [
      "a rule resource added to the default group",
      [
        vpc,
        closed,
        {
          type: RULE,
          name: "extra",
          props: {
            type: "egress",
            securityGroupId: "sg-d",
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrBlocks: ["0.0.0.0/0"],
          },
        },
      ],
      "extra",
      /adds a rule to the default security group "default"/,
    ],
  ];
  it.each(violating)("reports %s", async (_label, resources, name, pattern) => {
    const out = await runStack(vpcDefaultSecurityGroupClosed, resources);
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(pattern);
    expect(out.violations[0]).toContain(`"${name}"`);
    expect(out.violations[0]).toMatch(/Fix: /);
    expect(out.urns[0]).toBe(urnOf(resources.find((r) => r.name === name)?.type ?? "", name));
  });
});
