import { smtpEndpointReachable } from "../../policies/rules/smtp-endpoint-reachable";
import { noPort25Egress } from "../../policies/rules/no-port-25-egress";
import { Resource, UNKNOWN, runResource, runStack, urnOf } from "../helpers/policy-support";

const VPC = "aws:ec2/vpc:Vpc";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const DSG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
const RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const NATIVE_ENDPOINT = "aws-native:ec2:VpcEndpoint";
const NATIVE_SG = "aws-native:ec2:SecurityGroup";

const vpc: Resource = {
  type: VPC,
  name: "main",
  props: {
    id: "vpc-1",
    cidrBlock: "10.0.0.0/16",
    enableDnsHostnames: true,
    enableDnsSupport: true,
  },
};
const group: Resource = {
  type: SG,
  name: "smtp-group",
  props: { id: "sg-e", vpcId: "vpc-1", description: "endpoint", ingress: [], egress: [] },
};
const ingress = (port: number, extra: Record<string, unknown> = {}): Resource => ({
  type: INGRESS,
  name: `smtp-ingress-${port}`,
  props: {
    securityGroupId: "sg-e",
    ipProtocol: "tcp",
    fromPort: port,
    toPort: port,
    referencedSecurityGroupId: "sg-app",
    ...extra,
  },
});
const endpoint = (props: Record<string, unknown> = {}): Resource => ({
  type: ENDPOINT,
  name: "smtp-endpoint",
  props: {
    id: "vpce-1",
    vpcId: "vpc-1",
    serviceName: "com.amazonaws.eu-west-1.email-smtp",
    vpcEndpointType: "Interface",
    privateDnsEnabled: true,
    subnetIds: ["subnet-a", "subnet-b"],
    securityGroupIds: ["sg-e"],
    ...props,
  },
});
/** A workload whose only mail egress is 587 and 465 to the endpoint's group, and 443 to a prefix list. */
const workload: Resource[] = [
  { type: SG, name: "app-group", props: { id: "sg-app", vpcId: "vpc-1" } },
  ...[587, 465].map((port) => ({
    type: EGRESS,
    name: `app-egress-tcp-${port}-sg-ses`,
    props: {
      securityGroupId: "sg-app",
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: "sg-e",
    },
  })),
  {
    type: EGRESS,
    name: "app-egress-tcp-443-pl-s3",
    props: {
      securityGroupId: "sg-app",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      prefixListId: "pl-0123",
    },
  },
];
const compliant = [vpc, group, ingress(587), ingress(465), endpoint(), ...workload];

const violations = async (resources: Resource[], config: Record<string, unknown> = {}) =>
  (await runStack(smtpEndpointReachable, resources, config)).violations;

const E = `${ENDPOINT} "smtp-endpoint": `;
const FIX_PORTS =
  "on the endpoint's group from the workloads' security groups (mailguard's SmtpEndpoint creates the endpoint so).";

describe("smtp-endpoint-reachable", () => {
  it("passes an endpoint whose group lets 587 and 465 in, and the allowlist-only workload that reaches it", async () => {
    expect(await violations(compliant)).toEqual([]);
  });

  it("leaves the workload's egress to the endpoint's group clear of no-port-25-egress", async () => {
    for (const r of workload) {
      expect({ r: r.name, v: (await runResource(noPort25Egress, r)).violations }).toEqual({
        r: r.name,
        v: [],
      });
    }
  });

  it("reports an endpoint whose group lets neither port in, naming group, host and fix", async () => {
    const outcome = await runStack(smtpEndpointReachable, [vpc, group, endpoint()]);
    expect(outcome.violations).toEqual([
      `${E}its security group "smtp-group" lets no TCP 587 or 465 in, so SMTP clients connecting to email-smtp.eu-west-1.amazonaws.com on 587 or 465 time out (a closed endpoint group is the known cause of "connection timed out" on private submission). Fix: Let TCP 587 and 465 in ${FIX_PORTS}`,
    ]);
    expect(outcome.urns).toEqual([urnOf(ENDPOINT, "smtp-endpoint")]);
  });

  it("reports the one port left closed", async () => {
    expect(await violations([vpc, group, ingress(587), endpoint()])).toEqual([
      `${E}its security group "smtp-group" lets no TCP 465 in, so SMTP clients connecting to email-smtp.eu-west-1.amazonaws.com on 465 time out (a closed endpoint group is the known cause of "connection timed out" on private submission). Fix: Let TCP 465 in ${FIX_PORTS}`,
    ]);
    expect(await violations([vpc, group, ingress(465), endpoint()])).toEqual([
      expect.stringContaining('"smtp-group" lets no TCP 587 in'),
    ]);
  });

  it("judges only the ports configured", async () => {
    expect(await violations([vpc, group, ingress(587), endpoint()], { ports: [587] })).toEqual([]);
    expect(await violations([vpc, group, ingress(587), endpoint()], { ports: [2587] })).toEqual([
      expect.stringContaining("lets no TCP 2587 in"),
    ]);
  });

  const opening: [string, Resource[]][] = [
    [
      "inline ingress on the group",
      [
        {
          ...group,
          props: {
            ...group.props,
            ingress: [{ protocol: "tcp", fromPort: 465, toPort: 587, cidrBlocks: ["10.0.0.0/16"] }],
          },
        },
      ],
    ],
    [
      "a SecurityGroupRule of type ingress over a port range",
      [
        group,
        {
          type: RULE,
          name: "range",
          props: {
            type: "ingress",
            securityGroupId: "sg-e",
            protocol: "6",
            fromPort: 0,
            toPort: 65535,
            cidrBlocks: ["10.0.0.0/16"],
          },
        },
      ],
    ],
    [
      "an all-protocols ingress rule",
      [group, ingress(0, { ipProtocol: "-1", fromPort: -1, toPort: -1 })],
    ],
    [
      "rules linked to a group known only by its ARN",
      [
        {
          ...group,
          props: {
            vpcId: "vpc-1",
            arn: "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-e",
          },
        },
        ingress(587),
        ingress(465),
      ],
    ],
  ];
  it.each(opening)("passes a group opened by %s", async (_what, resources) => {
    expect(await violations([vpc, ...resources, endpoint()])).toEqual([]);
  });

  const notOpening: [string, Resource][] = [
    ["UDP on the ports", ingress(587, { ipProtocol: "udp", toPort: 465, fromPort: 465 })],
    [
      "an egress SecurityGroupRule on the ports",
      {
        type: RULE,
        name: "out",
        props: {
          type: "egress",
          securityGroupId: "sg-e",
          protocol: "tcp",
          fromPort: 465,
          toPort: 587,
          cidrBlocks: ["0.0.0.0/0"],
        },
      },
    ],
    ["ingress to another group", ingress(587, { securityGroupId: "sg-other", fromPort: 465 })],
    ["TCP below the ports", ingress(443)],
    [
      "a TCP rule without ports, which AWS never creates",
      ingress(587, { fromPort: undefined, toPort: undefined }),
    ],
  ];
  it.each(notOpening)("does not count %s", async (_what, rule) => {
    expect(await violations([vpc, group, rule, endpoint()])).toEqual([
      expect.stringContaining('"smtp-group" lets no TCP 587 or 465 in'),
    ]);
  });

  it("reports private DNS off, or left at its default, naming the host that then leaves the VPC", async () => {
    const message = `${E}private DNS is off, so email-smtp.eu-west-1.amazonaws.com does not resolve to the endpoint: clients given the standard host (as SES's TLS certificate names it) go to SES's public addresses, and time out where there is no internet route. Fix: Set privateDnsEnabled: true (mailguard's SmtpEndpoint creates the endpoint so).`;
    expect(
      await violations([
        vpc,
        group,
        ingress(587),
        ingress(465),
        endpoint({ privateDnsEnabled: false }),
      ]),
    ).toEqual([message]);
    expect(
      await violations([
        vpc,
        group,
        ingress(587),
        ingress(465),
        endpoint({ privateDnsEnabled: undefined }),
      ]),
    ).toEqual([message]);
  });

  it("reports a VPC without DNS hostnames, which private DNS needs", async () => {
    const dark = { ...vpc, props: { ...vpc.props, enableDnsHostnames: false } };
    expect(await violations([dark, group, ingress(587), ingress(465), endpoint()])).toEqual([
      `${E}its VPC "main" has DNS hostnames off, and private DNS for an interface endpoint needs both on (AWS PrivateLink Guide, Private DNS): AWS refuses the endpoint, or email-smtp.eu-west-1.amazonaws.com does not resolve to it. Fix: Set enableDnsHostnames: true and enableDnsSupport: true on the VPC.`,
    ]);
    const none = {
      ...vpc,
      props: { id: "vpc-1", enableDnsHostnames: false, enableDnsSupport: false },
    };
    expect(await violations([none, group, ingress(587), ingress(465), endpoint()])).toEqual([
      expect.stringContaining('its VPC "main" has DNS hostnames and DNS resolution off'),
    ]);
  });

  it("reports an endpoint with no security group unless the stack adopts an open default group", async () => {
    const bare = endpoint({ securityGroupIds: [] });
    expect(await violations([vpc, bare])).toEqual([
      `${E}it names no security group, so AWS associates the VPC's default security group, which lets in only traffic from its own members (and none once closed as vpc-default-security-group-closed advises): submission on 587 and 465 times out. Fix: Give it a security group that lets TCP 587 and 465 in from the workloads' security groups (mailguard's SmtpEndpoint creates the endpoint so).`,
    ]);
    const closed = {
      type: DSG,
      name: "default",
      props: { id: "sg-d", vpcId: "vpc-1", ingress: [], egress: [] },
    };
    expect(await violations([vpc, closed, bare])).toEqual([
      expect.stringContaining('its security group "default" lets no TCP 587 or 465 in'),
    ]);
    const open = {
      ...closed,
      props: {
        ...closed.props,
        ingress: [{ protocol: "tcp", fromPort: 465, toPort: 587, cidrBlocks: ["10.0.0.0/16"] }],
      },
    };
    expect(await violations([vpc, open, bare])).toEqual([]);
  });

  it("does not judge a group defined outside the stack, unless the stack's rules open it", async () => {
    const outside = endpoint({ securityGroupIds: ["sg-elsewhere"] });
    expect(await violations([vpc, outside])).toEqual([]);
    expect(
      await violations([vpc, outside, ingress(587, { securityGroupId: "sg-elsewhere" })]),
    ).toEqual([]);
  });

  it("ignores endpoints for other services, and SES's API endpoint", async () => {
    for (const serviceName of ["com.amazonaws.eu-west-1.s3", "com.amazonaws.eu-west-1.email"]) {
      expect(
        await violations([vpc, group, endpoint({ serviceName, privateDnsEnabled: false })]),
      ).toEqual([]);
    }
  });

  it("judges an aws-native endpoint and group alike", async () => {
    const nativeGroup = (ports: number[]): Resource => ({
      type: NATIVE_SG,
      name: "native-group",
      props: {
        groupId: "sg-n",
        vpcId: "vpc-1",
        securityGroupIngress: ports.map((p) => ({
          ipProtocol: "tcp",
          fromPort: p,
          toPort: p,
          sourceSecurityGroupId: "sg-app",
        })),
      },
    });
    const nativeEndpoint: Resource = {
      type: NATIVE_ENDPOINT,
      name: "native-endpoint",
      props: {
        id: "vpce-n",
        vpcId: "vpc-1",
        serviceName: "com.amazonaws.us-east-1.email-smtp",
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        securityGroupIds: ["sg-n"],
      },
    };
    expect(await violations([vpc, nativeGroup([587, 465]), nativeEndpoint])).toEqual([]);
    expect(await violations([vpc, nativeGroup([587]), nativeEndpoint])).toEqual([
      `${NATIVE_ENDPOINT} "native-endpoint": its security group "native-group" lets no TCP 465 in, so SMTP clients connecting to email-smtp.us-east-1.amazonaws.com on 465 time out (a closed endpoint group is the known cause of "connection timed out" on private submission). Fix: Let TCP 465 in ${FIX_PORTS}`,
    ]);
  });

  it("links groups and rules through the URNs preview records when ids are unknown", async () => {
    const groupUrn = urnOf(SG, "smtp-group");
    const previewGroup = { ...group, props: { id: UNKNOWN, vpcId: UNKNOWN, ingress: UNKNOWN } };
    const previewRule = (port: number): Resource => ({
      ...ingress(port, { securityGroupId: UNKNOWN }),
      propertyDependencies: { securityGroupId: [groupUrn] },
    });
    const previewEndpoint: Resource = {
      ...endpoint({ id: UNKNOWN, vpcId: UNKNOWN, securityGroupIds: [UNKNOWN] }),
      propertyDependencies: { securityGroupIds: [groupUrn], vpcId: [urnOf(VPC, "main")] },
    };
    // The group's inline list is unknown, but the linked rules open both ports: nothing to note.
    const outcome = await runStack(smtpEndpointReachable, [
      vpc,
      previewGroup,
      previewRule(587),
      previewRule(465),
      { ...previewEndpoint, props: { ...previewEndpoint.props, securityGroupIds: UNKNOWN } },
    ]);
    expect(outcome.violations).toEqual([]);
    expect(outcome.previewNote).toBeUndefined();
    const closed = await runStack(smtpEndpointReachable, [
      vpc,
      { ...group, props: { id: UNKNOWN, vpcId: UNKNOWN, ingress: [] } },
      previewRule(587),
      { ...previewEndpoint, props: { ...previewEndpoint.props, securityGroupIds: UNKNOWN } },
    ]);
    expect(closed.violations).toEqual([expect.stringContaining('"smtp-group" lets no TCP 465 in')]);
  });

  it("leaves what preview cannot tell to the SDK's note, naming the field", async () => {
    const outcome = await runStack(smtpEndpointReachable, [
      vpc,
      group,
      endpoint({ securityGroupIds: UNKNOWN }),
    ]);
    expect(outcome.violations).toEqual([]);
    expect(outcome.previewNote).toBe(
      "can't run policy 'smtp-endpoint-reachable' during preview: string value at .securityGroupIds can't be known during preview",
    );
    const element = await runStack(smtpEndpointReachable, [
      vpc,
      group,
      endpoint({ securityGroupIds: [UNKNOWN] }),
    ]);
    expect(element.violations).toEqual([]);
    expect(element.previewNote).toBe(
      "can't run policy 'smtp-endpoint-reachable' during preview: string value at .securityGroupIds.0 can't be known during preview",
    );
    const port = await runStack(smtpEndpointReachable, [
      vpc,
      group,
      ingress(587),
      ingress(465, { fromPort: UNKNOWN }),
      endpoint(),
    ]);
    expect(port.violations).toEqual([]);
    expect(port.previewNote).toMatch(/value at \.fromPort can't be known during preview$/);
  });
});
