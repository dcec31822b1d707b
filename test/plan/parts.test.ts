import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { mailguardProgram, run } from "../../cli/main";
import { ConfigError, loadStackConfig } from "../../cli/plan/config";
import { readPolicyConfig, PolicyConfigError, type PolicyFinding } from "../../cli/plan/policy";
import {
  lookedUpZoneNames,
  zoneNamesOf,
  makeRecord,
  plannedRecords,
  plannedZones,
} from "../../cli/plan/records";
import { PLAIN, renderFindings, renderRecords, renderTree, zoneFile } from "../../cli/plan/render";
import { programEntry, type PlannedResource } from "../../cli/plan/program";
import { outputPathOf, pemOfSesSigningKey } from "../../cli/plan/mail";
import { effectiveConfig, providerOf } from "../../cli/plan/pack";
import type { AnalyzerInfo } from "../../cli/analyzer/policy-pack";
import { adoptionNotes, Progress } from "../../cli/plan/main";
import * as crypto from "crypto";
import { observationsOf, tlsRequiredOf } from "../../cli/plan/providers";
import { mailboxProviderTable } from "../../cli/verify/providers";
import type { DeliverabilityVerdict } from "../../cli/plan/verdict";

const FIXTURES = path.join(__dirname, "fixtures", "config");

function tmpFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-test-"));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe("mailguard plan options", () => {
  /** The options the plan subcommand hands runPlan, or the exit status commander ends with. */
  async function parse(argv: string[]): Promise<Record<string, unknown> | number> {
    const program = mailguardProgram(() => undefined);
    const plan = program.commands.find((c) => c.name() === "plan")!;
    let seen: Record<string, unknown> | undefined;
    plan.action((opts: Record<string, unknown>) => {
      seen = opts;
    });
    for (const c of [program, plan])
      c.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    try {
      await program.parseAsync(["plan", ...argv], { from: "user" });
    } catch (e) {
      return (e as { exitCode: number }).exitCode;
    }
    return seen!;
  }

  it("reads every option in both --flag value and --flag=value forms, with defaults", async () => {
    expect(
      await parse([
        "--config",
        "a.yaml",
        "--program=dir",
        "--policy-config",
        "p.json",
        "--policy-pack",
        "pack",
        "--zone-file=zones",
        "--json",
        "--timeout",
        "30",
      ]),
    ).toEqual({
      config: "a.yaml",
      program: "dir",
      policyConfig: "p.json",
      policyPack: "pack",
      zoneFile: "zones",
      json: true,
      timeout: 30,
    });
    expect(await parse([])).toEqual({ program: ".", json: false, timeout: 180 });
  });

  it("ends with commander's usage status on an unknown option, a missing value or a bad timeout", async () => {
    expect(await parse(["--verbose"])).toBe(1);
    expect(await parse(["--config"])).toBe(1);
    expect(await parse(["--timeout", "soon"])).toBe(1);
    expect(await parse(["--timeout", "0"])).toBe(1);
  });

  it("maps usage errors to exit status 2 and help to 0 in the mailguard command", async () => {
    const quiet = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    const out = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      expect(await run(["plan", "--frobnicate"])).toBe(2);
      expect(await run(["frobnicate"])).toBe(2);
      expect(await run(["plan", "--help"])).toBe(0);
      expect(await run(["--version"])).toBe(0);
      expect(await run([])).toBe(2);
    } finally {
      quiet.mockRestore();
      out.mockRestore();
    }
  });
});

describe("loadStackConfig", () => {
  const cfg = loadStackConfig(path.join(FIXTURES, "Pulumi.staging.yaml"), FIXTURES);

  it("takes the stack name from the file name and the project from Pulumi.yaml", () => {
    expect(cfg.project).toBe("cfgproject");
    expect(cfg.stack).toBe("staging");
  });

  it("qualifies bare keys with the project and passes values as the CLI does (JSON for non-strings)", () => {
    expect(cfg.values).toMatchObject({
      "aws:region": "eu-west-1",
      "cfgproject:domain": "example.com",
      "cfgproject:count": "3",
      "cfgproject:enabled": "true",
      "cfgproject:tags": '{"team":"mail"}',
      "cfgproject:greeting": "hello",
    });
  });

  it("keeps secure values secret behind a placeholder naming the key, since they cannot be decrypted offline", () => {
    expect(cfg.values["cfgproject:dbPassword"]).toBe(
      "<secret cfgproject:dbPassword: encrypted in Pulumi.staging.yaml, not decrypted offline>",
    );
    expect(cfg.secretKeys).toEqual(["cfgproject:apiToken", "cfgproject:dbPassword"]);
    expect(cfg.undecrypted).toEqual(["cfgproject:dbPassword"]);
  });

  it("reports a program folder without Pulumi.yaml and a stack file that is not a mapping", () => {
    expect(() => loadStackConfig(path.join(FIXTURES, "Pulumi.staging.yaml"), os.tmpdir())).toThrow(
      ConfigError,
    );
    const bad = tmpFile("Pulumi.x.yaml", "- a\n- b\n");
    expect(() => loadStackConfig(bad, FIXTURES)).toThrow(/must be a mapping/);
  });
});

describe("readPolicyConfig", () => {
  it("reads levels and per-policy objects in the --policy-pack-config format", () => {
    expect(readPolicyConfig(path.join(FIXTURES, "policy-config.json"))).toEqual({
      all: "advisory",
      "no-port-25-egress": { enforcementLevel: "mandatory", allowedDestinations: ["10.0.0.0/8"] },
      "dmarc-policy-enforced": "mandatory",
    });
  });

  it("rejects an unknown enforcement level, naming the policy", () => {
    const file = tmpFile("p.json", JSON.stringify({ "dmarc-policy-enforced": "strict" }));
    expect(() => readPolicyConfig(file)).toThrow(PolicyConfigError);
    expect(() => readPolicyConfig(file)).toThrow(
      /"dmarc-policy-enforced": "strict" is not an enforcement level/,
    );
  });
});

function res(urn: string, parent?: string): PlannedResource {
  const [type, name] = urn.split("::").slice(-2);
  return {
    urn,
    type: type.split("$").pop()!,
    name,
    custom: true,
    parent,
    inputs: {},
    outputs: {},
    wireInputs: {},
    wireOutputs: {},
    secretOutputs: [],
    options: {
      protect: false,
      ignoreChanges: [],
      additionalSecretOutputs: [],
      aliases: [],
      dependencies: [],
    },
  };
}

describe("rendering", () => {
  it("draws resources as a tree under their component", () => {
    const stack = res("urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev");
    const comp = res("urn:pulumi:dev::p::mailguard:index:MailDomain::mail", stack.urn);
    const a = res(
      "urn:pulumi:dev::p::mailguard:index:MailDomain$aws:sesv2/emailIdentity:EmailIdentity::mail-identity",
      comp.urn,
    );
    const b = res(
      "urn:pulumi:dev::p::mailguard:index:MailDomain$cloudflare:index/dnsRecord:DnsRecord::mail-dmarc",
      comp.urn,
    );
    const sg = res("urn:pulumi:dev::p::aws:ec2/securityGroup:SecurityGroup::web", stack.urn);
    expect(renderTree([stack, comp, a, b, sg])).toEqual([
      "pulumi:pulumi:Stack  p-dev",
      "├─ mailguard:index:MailDomain  mail",
      "│  ├─ aws:sesv2/emailIdentity:EmailIdentity  mail-identity",
      "│  └─ cloudflare:index/dnsRecord:DnsRecord  mail-dmarc",
      "└─ aws:ec2/securityGroup:SecurityGroup  web",
    ]);
  });

  const base = {
    proxied: false,
    resource: "r",
    resourceType: "cloudflare:index/dnsRecord:DnsRecord",
  };
  const longKey = "v=DKIM1; k=rsa; p=" + "A".repeat(392);
  const records = [
    makeRecord("mail.example.com", "MX", "feedback-smtp.eu-west-1.amazonses.com", {
      ...base,
      priority: 10,
      ttl: 1,
    }),
    makeRecord(
      "sel._domainkey.example.com",
      "TXT",
      `"${longKey.slice(0, 255)}" "${longKey.slice(255)}"`,
      { ...base, ttl: 3600 },
    ),
    makeRecord("tok._domainkey.example.com", "CNAME", "tok.dkim.amazonses.com", {
      ...base,
      ttl: 1,
      proxied: true,
    }),
  ];

  it("writes a BIND zone file a server can load: $ORIGIN, SOA, NS, absolute names, TXT in 255-octet strings, automatic TTL as 300", () => {
    records[2].simulated = "an Easy DKIM token made up by the plan's simulator";
    expect(zoneFile({ name: "example.com", records }, ["records for example.com"])).toBe(
      [
        "; records for example.com",
        "; The SOA and NS records are placeholders that let a DNS server load this file; your DNS",
        "; provider serves the zone with its own.",
        "$ORIGIN example.com.",
        "$TTL 3600",
        "@\t3600\tIN\tSOA\tns1.mailguard-plan.invalid. hostmaster.example.com. 1 7200 3600 1209600 300",
        "@\t3600\tIN\tNS\tns1.mailguard-plan.invalid.",
        "mail.example.com.\t300\tIN\tMX\t10 feedback-smtp.eu-west-1.amazonses.com.",
        `sel._domainkey.example.com.\t3600\tIN\tTXT\t"${longKey.slice(0, 255)}" "${longKey.slice(255)}"`,
        "; simulated: an Easy DKIM token made up by the plan's simulator",
        "; proxied on Cloudflare: published as Cloudflare edge addresses, not as below",
        "tok._domainkey.example.com.\t300\tIN\tCNAME\ttok.dkim.amazonses.com.",
        "",
      ].join("\n"),
    );
    delete records[2].simulated;
  });

  it("groups records by zone id, naming each zone by the declared name or the names its records share", () => {
    const at = (name: string, zoneId?: string) =>
      makeRecord(name, "TXT", "v=spf1 -all", { ...base, zoneId });
    const zones = plannedZones(
      [
        at("mail.example.com", "z1"),
        at("_dmarc.example.com", "z1"),
        at("a.news.example.org", "z2"),
        at("b.news.example.org", "z2"),
        at("x.example.net", "z3"),
        at("example.co.uk"),
      ],
      { z3: "example.net" },
    );
    expect(zones.map((z) => [z.name, z.zoneId, z.records.length])).toEqual([
      ["example.co.uk", undefined, 1],
      ["example.com", "z1", 2],
      ["example.net", "z3", 1],
      ["news.example.org", "z2", 2],
    ]);
  });

  it("tabulates records with the proxied flag and shortens long values to the width", () => {
    const lines = renderRecords(records, 110);
    expect(lines[0]).toMatch(/^NAME\s+TYPE\s+TTL\s+PROXIED\s+VALUE$/);
    expect(lines[1]).toMatch(
      /^mail\.example\.com\s+MX\s+auto\s+no\s+10 feedback-smtp\.eu-west-1\.amazonses\.com$/,
    );
    expect(lines[2]).toMatch(/TXT\s+3600\s+no\s+"v=DKIM1; k=rsa; p=A+…$/);
    expect(lines[3]).toMatch(/CNAME\s+auto\s+YES\s+tok\.dkim\.amazonses\.com$/);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(110);
  });

  it("lists mandatory findings before advisory ones with their messages", () => {
    const f = (
      policyName: string,
      enforcementLevel: PolicyFinding["enforcementLevel"],
    ): PolicyFinding => ({
      policyName,
      enforcementLevel,
      policyPackName: "mailguard",
      policyPackVersion: "0.1.0",
      description: "",
      message: `${policyName} message`,
      type: "aws:ec2/securityGroup:SecurityGroup",
      name: "web",
      phase: "resource",
    });
    const lines = renderFindings(
      [f("spf-record-advice", "advisory"), f("no-port-25-egress", "mandatory")],
      PLAIN,
    );
    expect(lines).toEqual([
      "1 mandatory, 1 advisory",
      "  mandatory  no-port-25-egress  aws:ec2/securityGroup:SecurityGroup  web",
      "      no-port-25-egress message",
      "  advisory  spf-record-advice  aws:ec2/securityGroup:SecurityGroup  web",
      "      spf-record-advice message",
    ]);
  });
});

describe("pemOfSesSigningKey", () => {
  it("turns SES's base64 PKCS#1 signing key back into a usable private key", () => {
    const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    const der = privateKey.export({ type: "pkcs1", format: "der" }).toString("base64");
    const pem = pemOfSesSigningKey(der);
    expect(pem).toBe(privateKey.export({ type: "pkcs1", format: "pem" }).toString());
    expect(pemOfSesSigningKey("bm90IGEga2V5")).toBeUndefined();
  });
});

describe("Progress", () => {
  function fakeStream(isTTY: boolean) {
    const written: string[] = [];
    const stream = { isTTY, write: (s: string) => written.push(s) > 0 };
    return { stream: stream as unknown as NodeJS.WriteStream, written };
  }

  it("draws a spinner line with the step on a terminal and clears it when done", () => {
    const { stream, written } = fakeStream(true);
    const p = new Progress(stream);
    p.step("Starting the policy pack");
    p.done();
    expect(written[0].startsWith("\r\u001b[2K⠋ Starting the policy pack (")).toBe(true);
    expect(written[0]).toMatch(/\(\d+\.\ds\)$/);
    expect(written[written.length - 1]).toBe("\r\u001b[2K");
  });

  it("writes nothing when the stream is not a terminal", () => {
    const { stream, written } = fakeStream(false);
    const p = new Progress(stream);
    p.step("Starting the policy pack");
    p.done();
    expect(written).toEqual([]);
  });
});

describe("programEntry", () => {
  function programDir(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-entry-"));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return dir;
  }

  it("starts the file Pulumi.yaml names with main:", () => {
    const dir = programDir({
      "Pulumi.yaml": "name: p\nmain: app.ts\n",
      "app.ts": "",
      "index.ts": "",
    });
    expect(programEntry(dir)).toEqual({ file: path.join(dir, "app.ts") });
  });

  it("starts index.ts and warns when package.json main would make the Pulumi CLI start another file", () => {
    const dir = programDir({
      "Pulumi.yaml": "name: p\n",
      "index.ts": "",
      "package.json": JSON.stringify({ main: "bin/components/index.js" }),
    });
    const entry = programEntry(dir);
    expect(entry.file).toBe(path.join(dir, "index.ts"));
    expect(entry.warning).toBe(
      `Pulumi.yaml has no main:, so the Pulumi CLI would start package.json's main (bin/components/index.js) rather than index.ts; add "main: index.ts" to Pulumi.yaml.`,
    );
  });

  it("reports a folder without a program", () => {
    expect(() => programEntry(programDir({ "Pulumi.yaml": "name: p\n" }))).toThrow(
      /no Pulumi program in/,
    );
  });
});

describe("providerOf", () => {
  const resource = (over: Partial<PlannedResource>): PlannedResource => ({
    urn: "urn:pulumi:dev::infra::aws:sesv2/emailIdentity:EmailIdentity::id",
    type: "aws:sesv2/emailIdentity:EmailIdentity",
    name: "id",
    custom: true,
    inputs: {},
    outputs: {},
    wireInputs: {},
    wireOutputs: {},
    secretOutputs: [],
    options: {
      protect: false,
      ignoreChanges: [],
      additionalSecretOutputs: [],
      aliases: [],
      dependencies: [],
    },
    ...over,
  });

  it("names the explicit provider a resource registered with, with its inputs", () => {
    const provider = resource({
      urn: "urn:pulumi:dev::infra::pulumi:providers:aws::uae",
      type: "pulumi:providers:aws",
      name: "uae",
      wireInputs: { region: "me-central-1" },
    });
    const identity = resource({
      provider: "urn:pulumi:dev::infra::pulumi:providers:aws::uae::abc-id",
    });
    expect(
      providerOf(identity, new Map([[provider.urn, provider]]), { "aws:region": "eu-west-1" }),
    ).toEqual({
      type: "pulumi:providers:aws",
      name: "uae",
      urn: "urn:pulumi:dev::infra::pulumi:providers:aws::uae",
      properties: { region: "me-central-1" },
    });
  });

  it("names the default provider of the package, with the stack's config of that package", () => {
    expect(
      providerOf(
        resource({}),
        new Map(),
        { "aws:region": "eu-west-1", "cloudflare:apiToken": "t" },
        "infra",
        "dev",
      ),
    ).toEqual({
      type: "pulumi:providers:aws",
      name: "default",
      urn: "urn:pulumi:dev::infra::pulumi:providers:aws::default",
      properties: { region: "eu-west-1" },
    });
  });

  it("gives components and providers none", () => {
    expect(providerOf(resource({ custom: false }), new Map(), {})).toBeUndefined();
    expect(providerOf(resource({ type: "pulumi:providers:aws" }), new Map(), {})).toBeUndefined();
  });
});

describe("effectiveConfig", () => {
  const info: AnalyzerInfo = {
    name: "mailguard",
    version: "0.1.0",
    displayName: "mailguard",
    description: "",
    supportsConfig: true,
    policies: [
      {
        name: "no-port-25-egress",
        displayName: "",
        description: "",
        enforcementLevel: "mandatory",
        policyType: "resource",
      },
      {
        name: "spf-record-advice",
        displayName: "",
        description: "",
        enforcementLevel: "advisory",
        policyType: "resource",
      },
      {
        name: "dmarc-policy-enforced",
        displayName: "",
        description: "",
        enforcementLevel: "mandatory",
        policyType: "resource",
        configSchema: {
          properties: {
            minimumPolicy: { type: "string", enum: ["none", "quarantine", "reject"] },
            ports: {
              type: "array",
              items: { type: "integer", minimum: 0, maximum: 65535 },
              minItems: 1,
            },
          },
          required: [],
        },
      },
    ],
  };

  it.each([
    [
      { minimumPolicy: "strict" },
      'minimumPolicy is "strict"; it must be one of "none", "quarantine", "reject"',
    ],
    [{ minimumPolicy: 1 }, "minimumPolicy is 1 (integer); it must be string"],
    [{ ports: [] }, "ports has 0 items; it must have at least 1"],
    [{ ports: [25, "x"] }, 'ports[1] is "x" (string); it must be integer'],
    [{ ports: [70000] }, "ports[0] is 70000; it must be at most 65535"],
  ])(
    "refuses %j, which the policy's configSchema does not allow, naming the property",
    (props, why) => {
      expect(() => effectiveConfig(info, { "dmarc-policy-enforced": props })).toThrow(
        `policy config for "dmarc-policy-enforced" does not match its schema: ${why}. Fix: see the policy's options in docs/policies.md.`,
      );
    },
  );

  it("passes a property the schema does not know on, and says the policy does not read it", () => {
    const notes: string[] = [];
    expect(
      effectiveConfig(info, { "dmarc-policy-enforced": { minimumpolicy: "reject" } }, (m) =>
        notes.push(m),
      ),
    ).toMatchObject({ "dmarc-policy-enforced": { minimumpolicy: "reject" } });
    expect(notes).toEqual([
      'Policy config for "dmarc-policy-enforced" sets "minimumpolicy", which the policy does not read (its options: minimumPolicy, ports).',
    ]);
  });

  it("gives every policy a level: its own entry, else all, else its default, keeping properties", () => {
    expect(
      effectiveConfig(info, {
        all: "advisory",
        "no-port-25-egress": { allowedDestinations: ["10.0.0.0/8"] },
        "dmarc-policy-enforced": "disabled",
      }),
    ).toEqual({
      "no-port-25-egress": { allowedDestinations: ["10.0.0.0/8"], enforcementLevel: "advisory" },
      "spf-record-advice": { enforcementLevel: "advisory" },
      "dmarc-policy-enforced": { enforcementLevel: "disabled" },
    });
    expect(effectiveConfig(info, {})).toEqual({
      "no-port-25-egress": { enforcementLevel: "mandatory" },
      "spf-record-advice": { enforcementLevel: "advisory" },
      "dmarc-policy-enforced": { enforcementLevel: "mandatory" },
    });
  });

  it("refuses a policy name the pack does not have, listing the ones it has", () => {
    expect(() => effectiveConfig(info, { "no-port-52-egress": "mandatory" })).toThrow(
      'policy config names "no-port-52-egress", which is not a policy of mailguard; its policies are: no-port-25-egress, spf-record-advice, dmarc-policy-enforced',
    );
  });
});

describe("outputPathOf", () => {
  it("finds a value as a whole stack output or as a field inside an object output", () => {
    const outputs = {
      region: "eu-west-1",
      smtp: { host: "h", password: "pw", list: ["a", "pw2"] },
    };
    expect(outputPathOf(outputs, "eu-west-1")).toBe("region");
    expect(outputPathOf(outputs, "pw")).toBe("smtp.password");
    expect(outputPathOf(outputs, "pw2")).toBe("smtp.list[1]");
    expect(outputPathOf(outputs, "absent")).toBeUndefined();
    expect(outputPathOf(outputs, "")).toBeUndefined();
  });
});

describe("plannedRecords", () => {
  const zone = {
    ...res("urn:pulumi:dev::p::cloudflare:index/zone:Zone::zone"),
    id: "zone-id-1",
    inputs: { name: "example.com" },
  };
  const record = (name: string, inputs: Record<string, unknown>) => ({
    ...res(`urn:pulumi:dev::p::cloudflare:index/dnsRecord:DnsRecord::${name}`),
    inputs,
  });

  it("completes names relative to a zone the plan creates, and keeps fully qualified ones", () => {
    const resources = [
      zone,
      record("dmarc", {
        zoneId: "zone-id-1",
        name: "_dmarc",
        type: "TXT",
        content: '"v=DMARC1; p=reject"',
        ttl: 1,
      }),
      record("apex", {
        zoneId: "zone-id-1",
        name: "@",
        type: "TXT",
        content: "v=spf1 -all",
        ttl: 1,
      }),
      record("fq", {
        zoneId: "zone-id-1",
        name: "mail.example.com.",
        type: "MX",
        content: "feedback-smtp.eu-west-1.amazonses.com",
        priority: 10,
        ttl: 300,
      }),
    ];
    const records = plannedRecords(resources, zoneNamesOf(resources));
    expect(records.map((r) => [r.name, r.type, r.value, r.priority, r.proxied])).toEqual([
      ["_dmarc.example.com", "TXT", "v=DMARC1; p=reject", undefined, false],
      ["example.com", "TXT", "v=spf1 -all", undefined, false],
      ["mail.example.com", "MX", "feedback-smtp.eu-west-1.amazonses.com", 10, false],
    ]);
  });

  it("reads Route 53 records, one per value, with the MX priority split off", () => {
    const r53 = {
      ...res("urn:pulumi:dev::p::aws:route53/record:Record::mx"),
      inputs: {
        zoneId: "Z1",
        name: "mail.example.org",
        type: "MX",
        ttl: 300,
        records: ["10 feedback-smtp.us-east-1.amazonses.com"],
      },
    };
    expect(plannedRecords([r53])).toEqual([
      expect.objectContaining({
        name: "mail.example.org",
        type: "MX",
        value: "feedback-smtp.us-east-1.amazonses.com",
        priority: 10,
        ttl: 300,
      }),
    ]);
  });
});

describe("Route53 record sets in the plan", () => {
  const set = (name: string, inputs: Record<string, unknown>) => ({
    ...res(`urn:pulumi:dev::p::aws:route53/record:Record::${name}`),
    inputs,
  });
  // A 300-character DKIM value, as Route53MailRecords writes it: 255 octets, "", the rest.
  const key = `v=DKIM1; k=rsa; p=${"A".repeat(282)}`;
  const resources = [
    set("apex", {
      zoneId: "ZLOOKEDUP",
      name: "example.com",
      type: "TXT",
      ttl: 3600,
      records: ["v=spf1 include:_spf.google.com ~all", "google-site-verification=abc"],
    }),
    set("dkim", {
      zoneId: "ZLOOKEDUP",
      name: "s1._domainkey.news.example.com",
      type: "TXT",
      ttl: 3600,
      records: [`${key.slice(0, 255)}""${key.slice(255)}`],
    }),
  ];

  it('joins a TXT value at Route53\'s "" boundaries and keeps each value of a set', () => {
    const records = plannedRecords(resources);
    expect(records.map((r) => [r.name, r.type, r.value])).toEqual([
      ["example.com", "TXT", "v=spf1 include:_spf.google.com ~all"],
      ["example.com", "TXT", "google-site-verification=abc"],
      ["s1._domainkey.news.example.com", "TXT", key],
    ]);
    expect(records[2].content).toBe(`${key.slice(0, 255)}""${key.slice(255)}`);
  });

  it("names a zone the program looked up by the name it asked for, and writes its records", () => {
    const names = lookedUpZoneNames([
      { token: "aws:index/getRegion:getRegion", result: { name: "eu-west-1" } },
      {
        token: "aws:route53/getZone:getZone",
        result: { id: "ZLOOKEDUP", zoneId: "ZLOOKEDUP", name: "Example.com." },
      },
    ]);
    expect(names).toEqual({ ZLOOKEDUP: "example.com" });
    const zones = plannedZones(plannedRecords(resources, names), names);
    expect(zones.map((z) => [z.name, z.zoneId, z.records.length])).toEqual([
      ["example.com", "ZLOOKEDUP", 3],
    ]);
    const file = zoneFile(zones[0]);
    expect(file).toContain(
      'example.com.\t3600\tIN\tTXT\t"v=spf1 include:_spf.google.com ~all"\n' +
        'example.com.\t3600\tIN\tTXT\t"google-site-verification=abc"\n',
    );
    expect(file).toContain(
      `s1._domainkey.news.example.com.\t3600\tIN\tTXT\t"${key.slice(0, 255)}" "${key.slice(255)}"\n`,
    );
  });

  it("notes each resource adopted with the import option, and the Pulumi CLI it needs", () => {
    const adopted = {
      ...resources[0],
      options: { ...resources[0].options, import: "ZLOOKEDUP_example.com_TXT" },
    };
    expect(adoptionNotes([adopted, resources[1]])).toEqual([
      'aws:route53/record:Record "apex" adopts the live resource ZLOOKEDUP_example.com_TXT (the import option): pulumi up takes it over and replaces its value in place, which needs Pulumi CLI 3.174.0 or later. The plan cannot read the live record; it shows what the deployment publishes.',
    ]);
  });
});

describe("the plan's mailbox-provider table", () => {
  const verdict = (over: Record<string, unknown>) =>
    ({
      domain: "example.com",
      spf: { result: "pass", aligned: false },
      dkim: { result: "fail", keyBits: 2048 },
      dmarc: { result: "fail", record: "v=DMARC1; p=none" },
      ...over,
    }) as unknown as DeliverabilityVerdict;

  it("judges each rule from what the verdict saw of the planned records", () => {
    const table = mailboxProviderTable(observationsOf(verdict({}), false));
    const status = Object.fromEntries(table.rows.map((r) => [r.id, r.status]));
    expect(status).toMatchObject({
      spf: "pass",
      dkim: "fail",
      "dkim-key-1024": "pass",
      "dmarc-rua": "fail",
      tls: "fail",
      "spf-aligned": "fail",
    });
  });

  it("reads the TLS policy of the identity's configuration set in the plan", () => {
    const set = (tlsPolicy: string) =>
      ({
        type: "aws:sesv2/configurationSet:ConfigurationSet",
        inputs: { configurationSetName: "s", deliveryOptions: { tlsPolicy } },
      }) as unknown as PlannedResource;
    expect(tlsRequiredOf([set("REQUIRE")], "s")).toBe(true);
    expect(tlsRequiredOf([set("OPTIONAL")], "s")).toBe(false);
    expect(tlsRequiredOf([set("REQUIRE")], "other")).toBeUndefined();
  });
});
