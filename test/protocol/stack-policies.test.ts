/**
 * Stack policies over the real analyzer protocol, on the shapes that grow: tenants whose zones the
 * stack does not declare, workloads without security groups, BYODKIM selectors and their keys.
 * The pack started as the CLI starts it; each message checked exactly, after the description line
 * the SDK puts first.
 */
import * as path from "path";
import {
  AnalyzerResource,
  Diagnostic,
  PolicyPackSession,
  startPolicyPack,
} from "../../cli/analyzer/policy-pack";
import { Resource, urnOf } from "../helpers/policy-support";
import { analyzerResource } from "../helpers/ses-fixtures";
import { ANCHORS, TENANT_IDENTITY, tenants } from "../helpers/tenants";

const packDir = path.join(__dirname, "..", "..", "policies");

let pack: PolicyPackSession;
let descriptions: Map<string, string>;

beforeAll(async () => {
  pack = await startPolicyPack({ packDir });
  descriptions = new Map((await pack.info()).policies.map((p) => [p.name, p.description]));
}, 180_000);

afterAll(async () => {
  await pack?.close();
});

/** Policy, level, URN and message (without the description line) of each diagnostic of one policy. */
function of(policy: string, found: Diagnostic[]): [string, string, string][] {
  const description = descriptions.get(policy) ?? "";
  return found
    .filter((d) => d.policyName === policy)
    .map((d) => [
      d.enforcementLevel,
      d.urn,
      d.message.startsWith(`${description}\n`)
        ? d.message.slice(description.length + 1)
        : d.message,
    ]);
}

async function stack(resources: Resource[]): Promise<Diagnostic[]> {
  return (await pack.analyzeStack(resources.map(analyzerResource))).diagnostics;
}

describe("ses-domain-dmarc-published over pulumirpc.Analyzer, tenants in undeclared zones", () => {
  it("passes tenants whose zones hold a record with a full name beside a relative _dmarc", async () => {
    for (const anchor of ["the MAIL FROM MX", "an Easy DKIM CNAME"] as const) {
      expect(of("ses-domain-dmarc-published", await stack(tenants(4, ANCHORS[anchor])))).toEqual(
        [],
      );
    }
  });

  it("names five candidates at most when the zones hold nothing but their _dmarc", async () => {
    const found = of("ses-domain-dmarc-published", await stack(tenants(30, ANCHORS.none)));
    expect(found).toHaveLength(30);
    const shown = [0, 1, 2, 3, 4].map((k) => `"_dmarc" in zone tenant-zone-${k}`).join(", ");
    expect(found[7]).toEqual([
      "mandatory",
      urnOf(TENANT_IDENTITY, "t7-identity"),
      `${TENANT_IDENTITY} "t7-identity": cannot tell whether the stack publishes a DMARC record for "tenant7.example.com": the only candidates (${shown} and 25 more) have names relative to zones the stack does not declare, and those zones cannot be told apart from the stack (records in several undeclared zones, or one zone needed for several domains). Fix: write the record's full name (_dmarc.tenant7.example.com), declare its zone in the stack, or list the domain in managedElsewhere.`,
    ]);
  });
});

describe("ec2-security-group-explicit over pulumirpc.Analyzer", () => {
  const INSTANCE = "aws:ec2/instance:Instance";
  const resources: Resource[] = [
    { type: "aws:ec2/vpc:Vpc", name: "main", props: { id: "vpc-1" } },
    { type: "aws:ec2/subnet:Subnet", name: "app", props: { id: "subnet-1", vpcId: "vpc-1" } },
    { type: INSTANCE, name: "web", props: { ami: "ami-1", subnetId: "subnet-1" } },
  ];
  const message = `${INSTANCE} "web": names no security group, so it lands in the default security group of VPC "main", which the stack does not adopt and close: AWS's default group allows all egress, TCP 25 included. Fix: give it a security group of its own (vpcSecurityGroupIds; mailguard's NoSmtpEgressSecurityGroup allows all egress but TCP 25), or adopt that default group with an aws.ec2.DefaultSecurityGroup without rules, or list the resource in exempt.`;

  afterEach(async () => {
    await pack.configure({ "ec2-security-group-explicit": { exempt: [] } });
  });

  it("reports an instance without a security group as advisory, then as configured", async () => {
    expect(of("ec2-security-group-explicit", await stack(resources))).toEqual([
      ["advisory", urnOf(INSTANCE, "web"), message],
    ]);
    await pack.configure({ "ec2-security-group-explicit": "mandatory" });
    expect(of("ec2-security-group-explicit", await stack(resources))).toEqual([
      ["mandatory", urnOf(INSTANCE, "web"), message],
    ]);
    await pack.configure({ "ec2-security-group-explicit": { exempt: ["web"] } });
    expect(of("ec2-security-group-explicit", await stack(resources))).toEqual([]);
  });
});

describe("DKIM policies over pulumirpc.Analyzer", () => {
  const CF = "cloudflare:index/dnsRecord:DnsRecord";
  const V2 = "aws:sesv2/emailIdentity:EmailIdentity";
  const record = (name: string, content: string): AnalyzerResource => ({
    type: CF,
    name: "key",
    urn: urnOf(CF, "key"),
    properties: { zoneId: "zone-1", name, type: "TXT", content, ttl: 1 },
  });

  it("reports, at stack level, a revoked key an identity still signs with", async () => {
    const found = (
      await pack.analyzeStack([
        {
          type: "cloudflare:index/zone:Zone",
          name: "zone",
          properties: { id: "zone-1", name: "example.com" },
        },
        {
          type: V2,
          name: "id",
          urn: urnOf(V2, "id"),
          properties: {
            emailIdentity: "example.com",
            dkimSigningAttributes: { domainSigningSelector: "s1", domainSigningPrivateKey: "MIIE" },
          },
        },
        record("s1._domainkey", "v=DKIM1; k=rsa; p="),
      ])
    ).diagnostics;
    expect(of("dkim-record-valid", found)).toEqual([
      [
        "mandatory",
        urnOf(CF, "key"),
        `${CF} "key": the DKIM key at s1._domainkey.example.com is revoked (empty p=), but ${V2} "id" still signs with selector s1 (dkimSigningAttributes.domainSigningSelector), so receivers fail every signature it makes. Fix: publish the identity's public key at s1._domainkey.example.com (mailguard's MailDomain does), or move the identity to a new selector before revoking this one.`,
      ],
    ]);
  });

  it("advises, per resource, a key type written in upper case", async () => {
    const p =
      "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqFEyYynbKfaU//MEs9mAPdI80Vsy6X2kBkI5YtFQdTf1e5aZupyD/N6tJc2tpkL3WK6wByoun6Qp2VXSnxUfwS4JmVI1UTXKXvWjuu77ZTc4LpK7FPV899GQgHOAyasL8ie6SiR3BiuQEjmHyigGzyvC3c+UC3WQZ5qVJdagD2wK0dfiG8PLgLpi3IeUgjp0b+avP4hYyELskDOWLM7ZZc4xxIorUJImRyQhQYYW8WxudAEaSvAhpNRui7jQ9jpU8u6ijfWCCNV7zpkB4MsMvJ2ens0t/n0oBpgrzkBBD9cLMQCvgZvd9+8NEzUvQfp1Plw0YkiQDENz/xg17Vh6RQIDAQAB";
    const found = (await pack.analyze(record("s1._domainkey", `v=DKIM1; k=RSA; p=${p}`)))
      .diagnostics;
    expect(found.map((d) => d.policyName)).toEqual(["dkim-record-advice"]);
    // Resource diagnostics carry no URN: the engine knows which resource it asked about.
    expect(of("dkim-record-advice", found)).toEqual([
      [
        "advisory",
        "",
        `${CF} "key": The key type is written k=RSA; DKIM tag values are case-sensitive (RFC 6376 3.2), so verifiers that follow the RFC (dkimpy among them) do not recognize it as rsa and fail every signature with this key, while others accept it. Fix: Write k=rsa in lower case.`,
      ],
    ]);
  });
});
