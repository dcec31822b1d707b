import { ec2SecurityGroupExplicit } from "../../policies/rules/ec2-security-group-explicit";
import { Resource, UNKNOWN, runStack, urnOf } from "../helpers/policy-support";

const VPC = "aws:ec2/vpc:Vpc";
const DEFAULT_VPC = "aws:ec2/defaultVpc:DefaultVpc";
const SUBNET = "aws:ec2/subnet:Subnet";
const DSG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
const INSTANCE = "aws:ec2/instance:Instance";
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const ENI = "aws:ec2/networkInterface:NetworkInterface";
const RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

const FIX = (field: string) =>
  `Fix: give it a security group of its own (${field}; mailguard's NoSmtpEgressSecurityGroup allows all egress but TCP 25), or adopt that default group with an aws.ec2.DefaultSecurityGroup without rules, or list the resource in exempt.`;
const NOT_ADOPTED =
  "which the stack does not adopt and close: AWS's default group allows all egress, TCP 25 included";

const vpc: Resource = { type: VPC, name: "main", props: { id: "vpc-1", cidrBlock: "10.0.0.0/16" } };
const subnet: Resource = {
  type: SUBNET,
  name: "app",
  props: { id: "subnet-1", vpcId: "vpc-1", cidrBlock: "10.0.1.0/24" },
};
const closed: Resource = {
  type: DSG,
  name: "default",
  props: { id: "sg-d", vpcId: "vpc-1", ingress: [], egress: [] },
};
const withRules: Resource = {
  ...closed,
  props: {
    ...closed.props,
    egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
  },
};
const instance = (props: Record<string, unknown> = {}, deps?: Record<string, string[]>) => ({
  type: INSTANCE,
  name: "web",
  props: { ami: "ami-1", instanceType: "t3.micro", subnetId: "subnet-1", ...props },
  propertyDependencies: deps,
});
const lt = (props: Record<string, unknown> = {}): Resource => ({
  type: LT,
  name: "tmpl",
  props: { imageId: "ami-1", ...props },
});
const eni = (props: Record<string, unknown> = {}, deps?: Record<string, string[]>) => ({
  type: ENI,
  name: "eni",
  props: { subnetId: "subnet-1", ...props },
  propertyDependencies: deps,
});

describe("ec2-security-group-explicit", () => {
  const passing: [string, Resource[]][] = [
    [
      "an instance with its own security group",
      [vpc, subnet, instance({ vpcSecurityGroupIds: ["sg-app"] })],
    ],
    [
      "an instance whose group is another resource's output during preview",
      [
        vpc,
        subnet,
        { type: "aws:ec2/securityGroup:SecurityGroup", name: "app", props: { id: UNKNOWN } },
        instance(
          { vpcSecurityGroupIds: UNKNOWN },
          { vpcSecurityGroupIds: [urnOf("aws:ec2/securityGroup:SecurityGroup", "app")] },
        ),
      ],
    ],
    [
      "an instance without a group in a VPC whose default group is adopted and closed",
      [vpc, subnet, closed, instance()],
    ],
    [
      "an instance linked during preview to a subnet, a VPC and its adopted, closed default group",
      [
        { ...vpc, props: { id: UNKNOWN } },
        {
          ...subnet,
          props: { id: UNKNOWN, vpcId: UNKNOWN },
          propertyDependencies: { vpcId: [urnOf(VPC, "main")] },
        },
        {
          ...closed,
          props: { id: UNKNOWN, vpcId: UNKNOWN, ingress: UNKNOWN, egress: UNKNOWN },
          propertyDependencies: { vpcId: [urnOf(VPC, "main")] },
        },
        instance(
          { subnetId: UNKNOWN, vpcSecurityGroupIds: UNKNOWN },
          { subnetId: [urnOf(SUBNET, "app")] },
        ),
      ],
    ],
    [
      "an instance the provider put in an adopted, closed default group",
      [vpc, subnet, closed, instance({ vpcSecurityGroupIds: ["sg-d"] })],
    ],
    [
      "an instance attaching an interface, whose groups are the interface's",
      [vpc, subnet, instance({ primaryNetworkInterface: { networkInterfaceId: "eni-1" } })],
    ],
    [
      "a launch template naming groups on its interface",
      [vpc, lt({ networkInterfaces: [{ securityGroups: ["sg-app"] }] })],
    ],
    [
      "a launch template without groups when every VPC's default group is closed",
      [vpc, closed, lt()],
    ],
    ["a network interface with its own group", [vpc, subnet, eni({ securityGroups: ["sg-app"] })]],
    [
      "an instance without a subnet in an adopted default VPC whose default group is closed",
      [
        { type: DEFAULT_VPC, name: "dflt", props: { id: "vpc-d" } },
        { ...closed, props: { ...closed.props, vpcId: "vpc-d" } },
        instance({ subnetId: undefined }),
      ],
    ],
  ];
  it.each(passing)("passes %s", async (_what, resources) => {
    expect((await runStack(ec2SecurityGroupExplicit, resources)).violations).toEqual([]);
  });

  const violating: [string, Resource[], string][] = [
    [
      "an instance without a group in a VPC whose default group is not adopted",
      [vpc, subnet, instance()],
      `${INSTANCE} "web": names no security group, so it lands in the default security group of VPC "main", ${NOT_ADOPTED}. ${FIX("vpcSecurityGroupIds")}`,
    ],
    [
      "an instance whose groups the provider computes during preview (unknown, linked to nothing)",
      [vpc, subnet, instance({ vpcSecurityGroupIds: UNKNOWN, securityGroups: UNKNOWN })],
      `${INSTANCE} "web": names no security group, so it lands in the default security group of VPC "main", ${NOT_ADOPTED}. ${FIX("vpcSecurityGroupIds")}`,
    ],
    [
      "an instance without a group in a VPC whose adopted default group holds rules",
      [vpc, subnet, withRules, instance({ vpcSecurityGroupIds: [] })],
      `${INSTANCE} "web": names no security group, so it lands in the default security group of VPC "main", adopted as "default" but holding rules. ${FIX("vpcSecurityGroupIds")}`,
    ],
    [
      "an instance the provider put in an adopted default group that a rule resource opens",
      [
        vpc,
        subnet,
        closed,
        {
          type: RULE,
          name: "open",
          props: { securityGroupId: "sg-d", ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" },
        },
        instance({ vpcSecurityGroupIds: ["sg-d"] }),
      ],
      `${INSTANCE} "web": is in the default security group "default", which holds rules. ${FIX("vpcSecurityGroupIds")}`,
    ],
    [
      "an instance whose subnet is linked during preview to a VPC not adopted",
      [
        { ...vpc, props: { id: UNKNOWN } },
        {
          ...subnet,
          props: { id: UNKNOWN, vpcId: UNKNOWN },
          propertyDependencies: { vpcId: [urnOf(VPC, "main")] },
        },
        instance({ subnetId: UNKNOWN }, { subnetId: [urnOf(SUBNET, "app")] }),
      ],
      `${INSTANCE} "web": names no security group, so it lands in the default security group of VPC "main", ${NOT_ADOPTED}. ${FIX("vpcSecurityGroupIds")}`,
    ],
    [
      "an instance in a subnet the stack does not declare",
      [instance({ subnetId: "subnet-9" })],
      `${INSTANCE} "web": names no security group, so it lands in the default security group of the VPC of subnet subnet-9, which the stack does not declare, so no default group it adopts and closes can be told to be that VPC's. ${FIX("vpcSecurityGroupIds")}`,
    ],
    [
      "an instance without a subnet and no adopted default VPC",
      [instance({ subnetId: undefined })],
      `${INSTANCE} "web": names no security group, so it lands in the default security group of the region's default VPC, which the stack does not adopt (aws.ec2.DefaultVpc) and close: AWS's default group allows all egress, TCP 25 included. ${FIX("vpcSecurityGroupIds")}`,
    ],
    [
      "an instance without a subnet in an adopted default VPC whose group is not adopted",
      [
        { type: DEFAULT_VPC, name: "dflt", props: { id: "vpc-d" } },
        instance({ subnetId: UNKNOWN }),
      ],
      `${INSTANCE} "web": names no security group, so it lands in the default security group of the default VPC "dflt", ${NOT_ADOPTED}. ${FIX("vpcSecurityGroupIds")}`,
    ],
    [
      "a launch template without groups when a VPC's default group is not adopted",
      [vpc, lt()],
      `${LT} "tmpl": names no security group, so it lands in the default security group of whichever VPC it is launched in, such as VPC "main", ${NOT_ADOPTED}. ${FIX("vpcSecurityGroupIds or networkInterfaces[].securityGroups")}`,
    ],
    [
      "a launch template without groups in a stack without VPCs",
      [lt({ vpcSecurityGroupIds: [], securityGroupNames: [] })],
      `${LT} "tmpl": names no security group, so it lands in the default security group of whichever VPC it is launched in, and the stack declares no VPC whose default group it adopts and closes. ${FIX("vpcSecurityGroupIds or networkInterfaces[].securityGroups")}`,
    ],
    [
      "a launch template whose interface names a subnet of a VPC not adopted, but no group",
      [
        vpc,
        subnet,
        closed,
        { ...vpc, name: "other", props: { id: "vpc-2" } },
        { ...subnet, name: "b", props: { id: "subnet-2", vpcId: "vpc-2" } },
        lt({ networkInterfaces: [{ subnetId: "subnet-2" }] }),
      ],
      `${LT} "tmpl": names no security group, so it lands in the default security group of VPC "other", ${NOT_ADOPTED}. ${FIX("vpcSecurityGroupIds or networkInterfaces[].securityGroups")}`,
    ],
    [
      "a network interface whose groups the provider computes",
      [vpc, subnet, eni({ securityGroups: UNKNOWN })],
      `${ENI} "eni": names no security group, so it lands in the default security group of VPC "main", ${NOT_ADOPTED}. ${FIX("securityGroups")}`,
    ],
  ];
  it.each(violating)("reports %s", async (_what, resources, message) => {
    const out = await runStack(ec2SecurityGroupExplicit, resources);
    expect(out.violations).toEqual([message]);
    const name = message.split('"')[1];
    const type = message.split(" ")[0];
    expect(out.urns).toEqual([urnOf(type, name)]);
  });

  it("exempts resources listed by logical name or URN", async () => {
    const stack = [vpc, subnet, instance(), eni()];
    expect((await runStack(ec2SecurityGroupExplicit, stack)).violations).toHaveLength(2);
    const out = await runStack(ec2SecurityGroupExplicit, stack, {
      exempt: ["web", urnOf(ENI, "eni")],
    });
    expect(out.violations).toEqual([]);
  });
});
