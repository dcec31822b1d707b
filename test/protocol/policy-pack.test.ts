/**
 * The pack over the real analyzer protocol: started as the Pulumi CLI starts it (cwd = policies/,
 * `run-policy-pack <engine-address> .`), then GetAnalyzerInfo, Configure, Analyze and AnalyzeStack.
 */
import * as fs from "fs";
import * as path from "path";
import { PolicyPackSession, startPolicyPack } from "../../cli/analyzer/policy-pack";
import { UNKNOWN } from "../../policies/core/finding";

const packDir = path.join(__dirname, "..", "..", "policies");
const packVersion = (
  JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8")) as { version: string }
).version;

const EXPECTED: [string, "advisory" | "mandatory", string[]][] = [
  ["no-port-25-egress", "mandatory", ["ports", "allowedDestinations"]],
  ["vpc-default-security-group-closed", "advisory", []],
  ["ec2-security-group-explicit", "advisory", ["exempt"]],
  ["ses-tls-required", "mandatory", ["externalConfigurationSets"]],
  ["ses-dkim-enabled", "mandatory", []],
  ["ses-domain-dmarc-published", "mandatory", ["managedElsewhere"]],
  ["ses-dns-records", "mandatory", ["managedElsewhere"]],
  ["spf-record-valid", "mandatory", []],
  ["spf-record-not-permissive", "mandatory", []],
  ["spf-record-advice", "advisory", []],
  ["dmarc-record-valid", "mandatory", []],
  ["dmarc-policy-enforced", "mandatory", ["minimumPolicy", "requireFullPct"]],
  ["dmarc-record-advice", "advisory", ["authorizedDestinations"]],
  ["dkim-record-valid", "mandatory", []],
  ["dkim-key-strength", "advisory", ["minimumRsaBits"]],
  ["dkim-record-advice", "advisory", []],
  ["mail-dns-not-proxied", "mandatory", []],
  ["smtp-user-least-privilege", "mandatory", ["allowedActions"]],
  ["smtp-endpoint-reachable", "advisory", ["ports"]],
];

const SG = "aws:ec2/securityGroup:SecurityGroup";
const allEgress = (cidr: string) => ({
  type: SG,
  name: "web",
  properties: {
    vpcId: "vpc-1",
    egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: [cidr] }],
  },
});
const relay = {
  type: SG,
  name: "relay",
  properties: {
    egress: [{ protocol: "tcp", fromPort: 25, toPort: 25, cidrBlocks: ["10.1.0.0/16"] }],
  },
};
const dmarc = (value: string) => ({
  type: "cloudflare:index/dnsRecord:DnsRecord",
  name: "dmarc",
  properties: {
    zoneId: "z",
    name: "_dmarc.example.com",
    type: "TXT",
    content: value,
    ttl: 1,
    proxied: false,
  },
});
const spf = {
  type: "cloudflare:index/dnsRecord:DnsRecord",
  name: "spf",
  properties: {
    zoneId: "z",
    name: "example.com",
    type: "TXT",
    content: "v=spf1 include:amazonses.com ?all",
    ttl: 1,
  },
};

let pack: PolicyPackSession;

beforeAll(async () => {
  pack = await startPolicyPack({ packDir });
}, 180_000);

afterAll(async () => {
  await pack?.close();
});

describe("the mailguard pack over pulumirpc.Analyzer", () => {
  it("lists every policy with its level, type and config schema in GetAnalyzerInfo", async () => {
    const info = await pack.info();
    expect(info.name).toBe("mailguard");
    expect(info.version).toBe(packVersion);
    expect(info.supportsConfig).toBe(true);
    expect(info.policies.map((p) => [p.name, p.enforcementLevel])).toEqual(
      EXPECTED.map(([n, l]) => [n, l]),
    );
    for (const [name, , props] of EXPECTED) {
      const p = info.policies.find((x) => x.name === name);
      expect(p?.description).toMatch(/\.$/);
      expect(Object.keys(p?.configSchema?.properties ?? {}).sort()).toEqual([...props].sort());
    }
    const schemaOf = (name: string) =>
      info.policies.find((p) => p.name === name)?.configSchema?.properties ?? {};
    expect(schemaOf("no-port-25-egress")).toEqual({
      ports: expect.objectContaining({
        type: "array",
        items: { type: "integer", minimum: 0, maximum: 65535 },
        minItems: 1,
        default: [25],
      }),
      allowedDestinations: expect.objectContaining({
        type: "array",
        items: { type: "string" },
        default: [],
      }),
    });
    expect(schemaOf("dmarc-policy-enforced")).toEqual({
      minimumPolicy: expect.objectContaining({
        type: "string",
        enum: ["none", "quarantine", "reject"],
        default: "quarantine",
      }),
      requireFullPct: expect.objectContaining({ type: "boolean", default: true }),
    });
    expect(schemaOf("dkim-key-strength")).toEqual({
      minimumRsaBits: expect.objectContaining({ type: "integer", minimum: 1024, default: 2048 }),
    });
    expect(schemaOf("smtp-user-least-privilege")).toEqual({
      allowedActions: expect.objectContaining({
        type: "array",
        items: { type: "string" },
        default: ["ses:SendRawEmail", "ses:SendEmail"],
      }),
    });
    expect(schemaOf("ses-tls-required")).toEqual({
      externalConfigurationSets: expect.objectContaining({ type: "array", default: [] }),
    });
    expect(schemaOf("ses-dns-records")).toEqual({
      managedElsewhere: expect.objectContaining({
        type: "array",
        items: { type: "string" },
        default: [],
      }),
    });
    expect(info.policies.find((p) => p.name === "ses-dns-records")?.policyType).toBe("stack");
    expect(info.policies.find((p) => p.name === "ec2-security-group-explicit")?.policyType).toBe(
      "stack",
    );
    expect(info.policies.find((p) => p.name === "dkim-record-advice")?.policyType).toBe("resource");
    expect(
      info.policies.find((p) => p.name === "vpc-default-security-group-closed")?.policyType,
    ).toBe("stack");
  });

  it("reports egress to the internet on Analyze as a mandatory violation naming the resource and the fix", async () => {
    const result = await pack.analyze(allEgress("0.0.0.0/0"));
    expect(result.diagnostics).toHaveLength(1);
    const d = result.diagnostics[0];
    expect(d.policyName).toBe("no-port-25-egress");
    expect(d.policyPackName).toBe("mailguard");
    expect(d.policyPackVersion).toBe(packVersion);
    expect(d.enforcementLevel).toBe("mandatory");
    expect(d.message).toMatch(/^Security group egress does not allow TCP port 25/);
    expect(d.message).toContain(`${SG} "web": Egress rule egress[0] allows TCP port 25`);
    expect(d.message).toMatch(/Fix: .*587/);
  });

  it("decides from known fields when others hold the unknown sentinel, and names the field it cannot read", async () => {
    const known = await pack.analyze({
      type: SG,
      name: "web",
      properties: {
        egress: [{ protocol: "-1", fromPort: UNKNOWN, toPort: UNKNOWN, cidrBlocks: ["0.0.0.0/0"] }],
      },
    });
    expect(known.diagnostics.map((d) => [d.policyName, d.enforcementLevel])).toEqual([
      ["no-port-25-egress", "mandatory"],
    ]);

    const iam = await pack.analyze({
      type: "aws:iam/policy:Policy",
      name: "p",
      properties: { policy: UNKNOWN },
    });
    expect(iam.diagnostics).toHaveLength(1);
    expect(iam.diagnostics[0].policyName).toBe("smtp-user-least-privilege");
    expect(iam.diagnostics[0].enforcementLevel).toBe("advisory");
    expect(iam.diagnostics[0].message).toMatch(
      /during preview: string value at \.policy can't be known during preview/,
    );
  });

  it("judges the whole stack on AnalyzeStack and attributes findings to URNs", async () => {
    const urn = "urn:pulumi:dev::mail::aws:ec2/vpc:Vpc::main";
    const result = await pack.analyzeStack([
      {
        type: "aws:ec2/vpc:Vpc",
        name: "main",
        urn,
        properties: { id: "vpc-1", cidrBlock: "10.0.0.0/16" },
      },
      {
        type: "aws:sesv2/emailIdentity:EmailIdentity",
        name: "id",
        properties: { emailIdentity: "example.com", configurationSetName: UNKNOWN },
      },
    ]);
    const byPolicy = new Map(result.diagnostics.map((d) => [d.policyName, d]));
    expect([...byPolicy.keys()].sort()).toEqual([
      "ses-domain-dmarc-published",
      "ses-tls-required",
      "vpc-default-security-group-closed",
    ]);
    expect(byPolicy.get("vpc-default-security-group-closed")).toMatchObject({
      enforcementLevel: "advisory",
      urn,
    });
    expect(byPolicy.get("ses-domain-dmarc-published")?.message).toMatch(
      /no DMARC record for "example\.com"/,
    );
    expect(byPolicy.get("ses-tls-required")?.message).toMatch(/configurationSetName is unknown/);
  });

  it("applies Configure: exemptions, raised minimums, changed and disabled levels", async () => {
    expect((await pack.analyze(relay)).diagnostics).toHaveLength(1);
    expect((await pack.analyze(spf)).diagnostics.map((d) => d.policyName)).toEqual([
      "spf-record-advice",
    ]);
    expect(
      (await pack.analyze(dmarc("v=DMARC1; p=quarantine; rua=mailto:d@example.com"))).diagnostics,
    ).toEqual([]);

    await pack.configure({
      "no-port-25-egress": { allowedDestinations: ["10.0.0.0/8"] },
      "dmarc-policy-enforced": { enforcementLevel: "advisory", minimumPolicy: "reject" },
      "spf-record-advice": "disabled",
    });

    expect((await pack.analyze(relay)).diagnostics).toEqual([]);
    expect((await pack.analyze(allEgress("0.0.0.0/0"))).diagnostics).toHaveLength(1);
    expect((await pack.analyze(spf)).diagnostics).toEqual([]);
    const d = (await pack.analyze(dmarc("v=DMARC1; p=quarantine; rua=mailto:d@example.com")))
      .diagnostics;
    expect(d.map((x) => [x.policyName, x.enforcementLevel])).toEqual([
      ["dmarc-policy-enforced", "advisory"],
    ]);
    expect(d[0].message).toMatch(/p=quarantine .* weaker than reject/);
  });

  it("applies Configure to ports: judges the configured ports, and refuses an empty list", async () => {
    const submission2525 = {
      type: SG,
      name: "submit",
      properties: {
        egress: [{ protocol: "tcp", fromPort: 2525, toPort: 2525, cidrBlocks: ["0.0.0.0/0"] }],
      },
    };
    await pack.configure({ "no-port-25-egress": { ports: [25] } });
    expect((await pack.analyze(submission2525)).diagnostics).toEqual([]);

    await pack.configure({ "no-port-25-egress": { ports: [25, 2525] } });
    const judged = (await pack.analyze(submission2525)).diagnostics;
    expect(judged.map((d) => [d.policyName, d.enforcementLevel])).toEqual([
      ["no-port-25-egress", "mandatory"],
    ]);
    expect(judged[0].message).toContain(
      `${SG} "submit": Egress rule egress[0] allows TCP port 2525 (protocol "tcp" ports 2525..2525) to 0.0.0.0/0.`,
    );

    await pack.configure({ "no-port-25-egress": { ports: [] } });
    const refused = (await pack.analyze(allEgress("0.0.0.0/0"))).diagnostics;
    expect(refused.map((d) => d.policyName)).toEqual(["no-port-25-egress"]);
    expect(refused[0].message).toContain(
      `${SG} "web": cannot be judged: Option ports is empty, so no port would be judged and every rule would pass.`,
    );
  });
});
