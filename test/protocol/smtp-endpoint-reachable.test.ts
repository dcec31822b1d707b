/**
 * smtp-endpoint-reachable over the real analyzer protocol: the pack started as the CLI starts it,
 * what SmtpEndpoint and an allowlist-only NoSmtpEgressSecurityGroup register fed to it as the
 * engine feeds a deployment, and hand-built stacks whose endpoint group is closed.
 */
import * as aws from "@pulumi/aws";
import * as path from "path";
import { NoSmtpEgressSecurityGroup } from "../../components/noSmtpEgressSecurityGroup";
import { SmtpEndpoint } from "../../components/smtpEndpoint";
import {
  AnalyzerResource,
  Diagnostic,
  PolicyPackSession,
  startPolicyPack,
} from "../../cli/analyzer/policy-pack";
import { UNKNOWN } from "../../policies/core/finding";
import { ProviderSimulator, settle, simulate, valueOf } from "../helpers/mocks";
import { feedToPack } from "../helpers/pack-feed";

const packDir = path.join(__dirname, "..", "..", "policies");
const POLICY = "smtp-endpoint-reachable";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

let pack: PolicyPackSession;
let sim: ProviderSimulator;
let description: string;

beforeAll(async () => {
  [pack, sim] = await Promise.all([
    startPolicyPack({ packDir }),
    simulate({ region: "eu-west-1" }),
  ]);
  description = (await pack.info()).policies.find((p) => p.name === POLICY)?.description ?? "";
}, 180_000);

afterAll(async () => {
  await pack?.close();
});

beforeEach(() => sim.reset());

/** The diagnostics as policy, level, URN and message without the description line the SDK adds. */
const summary = (found: Diagnostic[]) =>
  found.map((d) => [
    d.policyName,
    d.enforcementLevel,
    d.urn,
    d.message.startsWith(`${description}\n`) ? d.message.slice(description.length + 1) : d.message,
  ]);

const urn = (type: string, name: string) => `urn:pulumi:dev::mail::${type}::${name}`;
const group: AnalyzerResource = {
  type: SG,
  name: "smtp-group",
  urn: urn(SG, "smtp-group"),
  properties: { id: "sg-e", vpcId: "vpc-1", ingress: [], egress: [] },
};
const rule = (port: number, extra: Record<string, unknown> = {}): AnalyzerResource => ({
  type: INGRESS,
  name: `smtp-ingress-${port}`,
  urn: urn(INGRESS, `smtp-ingress-${port}`),
  properties: {
    securityGroupId: "sg-e",
    ipProtocol: "tcp",
    fromPort: port,
    toPort: port,
    ...extra,
  },
});
const endpoint = (extra: Record<string, unknown> = {}): AnalyzerResource => ({
  type: ENDPOINT,
  name: "smtp-endpoint",
  urn: urn(ENDPOINT, "smtp-endpoint"),
  properties: {
    id: "vpce-1",
    vpcId: "vpc-1",
    serviceName: "com.amazonaws.eu-west-1.email-smtp",
    vpcEndpointType: "Interface",
    privateDnsEnabled: true,
    securityGroupIds: ["sg-e"],
    ...extra,
  },
});

describe("smtp-endpoint-reachable over pulumirpc.Analyzer", () => {
  it("is listed as an advisory stack policy whose ports default to 587 and 465", async () => {
    const info = (await pack.info()).policies.find((p) => p.name === POLICY);
    expect(info).toMatchObject({ enforcementLevel: "advisory", policyType: "stack" });
    expect(info?.configSchema?.properties).toEqual({
      ports: expect.objectContaining({
        type: "array",
        items: { type: "integer", minimum: 0, maximum: 65535 },
        minItems: 1,
        default: [587, 465],
      }),
    });
  });

  it("finds nothing in an SmtpEndpoint and an allowlist-only workload group whose mail goes only to it", async () => {
    const vpc = new aws.ec2.Vpc("main", {
      cidrBlock: "10.0.0.0/16",
      enableDnsHostnames: true,
      enableDnsSupport: true,
    });
    new aws.ec2.DefaultSecurityGroup("default", { vpcId: vpc.id });
    const subnets = ["a", "b"].map(
      (z, i) =>
        new aws.ec2.Subnet(`private-${z}`, {
          vpcId: vpc.id,
          cidrBlock: `10.0.${i + 1}.0/24`,
          availabilityZone: `eu-west-1${z}`,
        }),
    );
    const app = new NoSmtpEgressSecurityGroup("app", {
      vpcId: vpc.id,
      egress: [{ protocol: "tcp", fromPort: 443, prefixLists: ["pl-0123456789abcdef0"] }],
    });
    const smtp = new SmtpEndpoint("smtp", {
      vpcId: vpc.id,
      subnetIds: subnets.map((s) => s.id),
      allowFrom: { securityGroups: [{ key: "app", id: app.securityGroupId }] },
    });
    // The workload's mail egress: 587 and 465 to the endpoint's group, nothing else.
    new NoSmtpEgressSecurityGroup("mailer", {
      vpcId: vpc.id,
      egress: [
        {
          protocol: "tcp",
          fromPort: 587,
          securityGroups: [{ key: "ses", id: smtp.securityGroupId }],
        },
        {
          protocol: "tcp",
          fromPort: 465,
          securityGroups: [{ key: "ses", id: smtp.securityGroupId }],
        },
      ],
    });
    await valueOf(smtp.endpointId);
    await settle(sim);
    expect(summary(await feedToPack(pack, sim.resources))).toEqual([]);
  });

  it("reports an endpoint whose group lets 587 and 465 nowhere in, as an advisory naming it", async () => {
    const found = (await pack.analyzeStack([group, rule(443), endpoint()])).diagnostics;
    expect(summary(found)).toEqual([
      [
        POLICY,
        "advisory",
        urn(ENDPOINT, "smtp-endpoint"),
        `${ENDPOINT} "smtp-endpoint": its security group "smtp-group" lets no TCP 587 or 465 in, so SMTP clients connecting to email-smtp.eu-west-1.amazonaws.com on 587 or 465 time out (a closed endpoint group is the known cause of "connection timed out" on private submission). Fix: Let TCP 587 and 465 in on the endpoint's group from the workloads' security groups (mailguard's SmtpEndpoint creates the endpoint so).`,
      ],
    ]);
  });

  it("links a preview's unknown ids through property dependencies", async () => {
    const previewRule = (port: number): AnalyzerResource => ({
      ...rule(port, { securityGroupId: UNKNOWN }),
      propertyDependencies: { securityGroupId: [group.urn!] },
    });
    const found = await pack.analyzeStack([
      { ...group, properties: { id: UNKNOWN, vpcId: "vpc-1", ingress: UNKNOWN } },
      previewRule(587),
      previewRule(465),
      {
        ...endpoint({ id: UNKNOWN, securityGroupIds: [UNKNOWN] }),
        propertyDependencies: { securityGroupIds: [group.urn!] },
      },
    ]);
    expect(summary(found.diagnostics)).toEqual([]);
  });

  it("applies Configure: the ports judged, and the level", async () => {
    const only587 = [group, rule(587), endpoint()];
    expect(summary((await pack.analyzeStack(only587)).diagnostics)).toEqual([
      [
        POLICY,
        "advisory",
        urn(ENDPOINT, "smtp-endpoint"),
        expect.stringContaining("lets no TCP 465 in"),
      ],
    ]);
    await pack.configure({ [POLICY]: { ports: [587] } });
    expect((await pack.analyzeStack(only587)).diagnostics).toEqual([]);
    await pack.configure({ [POLICY]: { enforcementLevel: "mandatory" } });
    expect(
      (await pack.analyzeStack(only587)).diagnostics.map((d) => [d.policyName, d.enforcementLevel]),
    ).toEqual([[POLICY, "mandatory"]]);
    await pack.configure({ [POLICY]: "disabled" });
    expect((await pack.analyzeStack(only587)).diagnostics).toEqual([]);
    await pack.configure({});
  });
});
