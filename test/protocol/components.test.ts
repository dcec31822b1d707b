/**
 * What mailguard's own components register, fed through the pack as the engine would: every
 * custom resource's inputs to Analyze, and every resource's outputs to AnalyzeStack. The pack
 * must find nothing.
 */
import * as path from "path";
import { MailDomain } from "../../components/mailDomain";
import { NoSmtpEgressSecurityGroup } from "../../components/noSmtpEgressSecurityGroup";
import { SmtpEndpoint } from "../../components/smtpEndpoint";
import { Diagnostic, PolicyPackSession, startPolicyPack } from "../../cli/analyzer/policy-pack";
import { ProviderSimulator, RecordedResource, settle, simulate, valueOf } from "../helpers/mocks";
import { analyzed, feedToPack } from "../helpers/pack-feed";

const packDir = path.join(__dirname, "..", "..", "policies");
const ZONE = "023e105f4ecef8ad9ca31a8372d0c353";

let pack: PolicyPackSession;
let sim: ProviderSimulator;

beforeAll(async () => {
  [pack, sim] = await Promise.all([
    startPolicyPack({ packDir }),
    simulate({ region: "us-east-1" }),
  ]);
}, 180_000);

afterAll(async () => {
  await pack?.close();
});

beforeEach(() => sim.reset());

function feed(resources: RecordedResource[]): Promise<Diagnostic[]> {
  return feedToPack(pack, resources);
}

const summary = (ds: Diagnostic[]) => ds.map((d) => `${d.policyName}: ${d.message}`);

describe("mailguard's own components pass the pack", () => {
  it("finds nothing in a MailDomain whose DMARC options leave rua undefined", async () => {
    const mail = new MailDomain("mail", {
      domain: "example.com",
      cloudflareZoneId: ZONE,
      region: "eu-west-1",
      dmarc: { p: "reject" },
    });
    await valueOf(mail.urn);
    await settle(sim);
    expect(summary(await feed(sim.resources))).toEqual([]);
  });

  it("finds nothing in a MailDomain with its defaults", async () => {
    const mail = new MailDomain("mail", {
      domain: "example.com",
      cloudflareZoneId: ZONE,
      region: "eu-west-1",
    });
    await valueOf(mail.urn);
    await settle(sim);
    expect(analyzed(sim.resources).length).toBeGreaterThan(15);
    expect(summary(await feed(sim.resources))).toEqual([]);
  });

  it("finds nothing in a MailDomain that adopts its live SPF and DMARC records: one of each per name", async () => {
    const mail = new MailDomain("mail", {
      domain: "example.com",
      cloudflareZoneId: ZONE,
      region: "eu-west-1",
      apexSpf: { existing: "v=spf1 include:_spf.google.com ~all" },
      adopt: { spf: "372e67954025e0ba6aaa6d586b9e0b59", dmarc: "a3c9e8d1f0b24c6e9d7f1a2b3c4d5e6f" },
    });
    await valueOf(mail.urn);
    await settle(sim);
    const apex = sim.resources.filter(
      (r) => r.type === "cloudflare:index/dnsRecord:DnsRecord" && r.inputs.name === "example.com",
    );
    expect(apex.map((r) => [r.name, r.options?.import])).toEqual([
      ["mail-dns-spf", "023e105f4ecef8ad9ca31a8372d0c353/372e67954025e0ba6aaa6d586b9e0b59"],
    ]);
    expect(summary(await feed(sim.resources))).toEqual([]);
  });

  it("advises rua= only when the user's DMARC options ask for none", async () => {
    const mail = new MailDomain("mail", {
      domain: "example.com",
      cloudflareZoneId: ZONE,
      region: "eu-west-1",
      dmarc: { p: "reject", rua: [] },
    });
    await valueOf(mail.urn);
    await settle(sim);
    const found = await feed(sim.resources);
    expect(found.map((d) => [d.policyName, d.enforcementLevel])).toEqual([
      ["dmarc-record-advice", "advisory"],
    ]);
    expect(found[0].message).toMatch(/"mail-dns-dmarc": The record has no rua=/);
  });

  it("finds nothing in a NoSmtpEgressSecurityGroup with its default egress and a NACL", async () => {
    const group = new NoSmtpEgressSecurityGroup("web", {
      vpcId: "vpc-0123456789abcdef0",
      networkAclIds: ["acl-0123456789abcdef0"],
    });
    await valueOf(group.urn);
    await settle(sim);
    expect(
      sim.resources.some(
        (r) => r.type === "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
      ),
    ).toBe(true);
    expect(summary(await feed(sim.resources))).toEqual([]);
  });

  it("finds nothing in an SmtpEndpoint whose group admits a NoSmtpEgressSecurityGroup", async () => {
    const group = new NoSmtpEgressSecurityGroup("web", {
      vpcId: "vpc-0123456789abcdef0",
      egress: [{ protocol: "tcp", fromPort: 443 }],
    });
    const endpoint = new SmtpEndpoint("smtp", {
      vpcId: "vpc-0123456789abcdef0",
      subnetIds: [{ id: "subnet-0123456789abcdef0", availabilityZone: "us-east-1a" }],
      allowFrom: { securityGroups: [{ key: "web", id: group.securityGroupId }] },
    });
    await valueOf(endpoint.endpointId);
    await settle(sim);
    expect(sim.ofType("aws:ec2/vpcEndpoint:VpcEndpoint")).toHaveLength(1);
    expect(summary(await feed(sim.resources))).toEqual([]);
  });
});
