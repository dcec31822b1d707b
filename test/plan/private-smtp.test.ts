/**
 * The plan's view of private submission, in-process: the private-smtp fixture run under the
 * simulator, the SMTP settings naming the VPC endpoint, and the property dependencies the plan
 * hands AnalyzeStack as the engine does.
 */
import * as path from "path";
import { loadStackConfig } from "../../cli/plan/config";
import { smtpEndpointFor, smtpSettings, VPC_ENDPOINT } from "../../cli/plan/mail";
import { stackRequestOf } from "../../cli/plan/pack";
import { runProgram, type PlannedResource, type ProgramRun } from "../../cli/plan/program";
import { renderSmtp } from "../../cli/plan/render";
import { ProviderSimulator } from "../../testing/simulator";

const PROGRAM = path.join(__dirname, "fixtures", "private-smtp");

let run: ProgramRun;

beforeAll(async () => {
  const config = loadStackConfig(path.join(PROGRAM, "Pulumi.test.yaml"), PROGRAM);
  run = await runProgram({
    programDir: PROGRAM,
    config,
    mocks: new ProviderSimulator({ region: "eu-west-1" }),
  });
}, 60_000);

function find(type: string, name: string): PlannedResource {
  const r = run.resources.find((x) => x.type === type && x.name === name);
  if (r === undefined) throw new Error(`no ${type} ${name}`);
  return r;
}

describe("the plan of private submission", () => {
  it("names the endpoint the SMTP bundle names, beside the standard host", () => {
    const endpoint = find(VPC_ENDPOINT, "ses-endpoint");
    const [settings] = smtpSettings(run, "eu-west-1");
    expect(settings.host).toBe("email-smtp.eu-west-1.amazonaws.com");
    expect(settings.vpcEndpoint).toEqual({
      id: endpoint.id,
      type: VPC_ENDPOINT,
      resource: "ses-endpoint",
      from: "bundle",
    });
    expect(renderSmtp([settings])[3]).toBe(
      `  Endpoint:  ${endpoint.id} (aws:ec2/vpcEndpoint:VpcEndpoint ses-endpoint, named in the SMTP bundle; private DNS resolves the host to it)`,
    );
  });

  it("finds the plan's endpoint for the host's region when the bundle names none, and only then", () => {
    const endpoint = find(VPC_ENDPOINT, "ses-endpoint");
    const host = "email-smtp.eu-west-1.amazonaws.com";
    expect(smtpEndpointFor(run, host, "eu-west-1", undefined)).toEqual({
      id: endpoint.id,
      type: VPC_ENDPOINT,
      resource: "ses-endpoint",
      from: "plan",
    });
    expect(smtpEndpointFor(run, "email-smtp.us-east-1.amazonaws.com", "us-east-1", undefined)).toBe(
      undefined,
    );
    expect(
      smtpEndpointFor(run, "email-smtp-fips.eu-west-1.amazonaws.com", "eu-west-1", undefined),
    ).toBe(undefined);
    expect(smtpEndpointFor(run, host, "eu-west-1", "vpce-0elsewhere")).toEqual({
      id: "vpce-0elsewhere",
      type: VPC_ENDPOINT,
      resource: "(not in this plan)",
      from: "bundle",
    });
  });

  it("hands AnalyzeStack each input's property dependencies, as the engine does", () => {
    const group = find("aws:ec2/securityGroup:SecurityGroup", "ses-group");
    const vpc = find("aws:ec2/vpc:Vpc", "main");
    const request = stackRequestOf(find(VPC_ENDPOINT, "ses-endpoint"));
    expect(request.propertyDependencies?.securityGroupIds).toEqual([group.urn]);
    expect(request.propertyDependencies?.vpcId).toEqual([vpc.urn]);
    expect(group.urn).toBe(
      "urn:pulumi:test::plan-private-smtp::mailguard:index:SmtpEndpoint$aws:ec2/securityGroup:SecurityGroup::ses-group",
    );
    const adopted = stackRequestOf(
      find("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "default"),
    );
    expect(adopted.propertyDependencies).toEqual({ vpcId: [vpc.urn] });
  });
});
