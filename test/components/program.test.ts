/**
 * The example program (index.ts) with the sample stack (Pulumi.dev.yaml over the defaults in
 * Pulumi.yaml), run as `pulumi up` would run it, under the provider simulator.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "../../cli/plan/config";
import { egressRulesOf, judgeEgress } from "../../policies/core/egress";
import { ProviderSimulator, resolve, settle, simulate } from "../helpers/mocks";

const ROOT = path.join(__dirname, "..", "..");

interface ConfigSpec {
  type: string;
  description?: string;
  default?: unknown;
  items?: { type: string };
}

function readYaml<T>(file: string): T {
  return yaml.load(fs.readFileSync(path.join(ROOT, file), "utf8")) as T;
}

const project = readYaml<{ name: string; main?: string; config: Record<string, ConfigSpec> }>(
  "Pulumi.yaml",
);
const stack = readYaml<{ config: Record<string, unknown> }>("Pulumi.dev.yaml");

let sim: ProviderSimulator;
let program: Record<string, unknown>;

beforeAll(async () => {
  sim = await simulate({ region: "eu-west-1", project: "mailguard", stack: "dev" });
  // The configuration the CLI hands the program: the defaults, then the stack file, as strings.
  pulumi.runtime.setAllConfig(loadStackConfig(path.join(ROOT, "Pulumi.dev.yaml"), ROOT).values);
  program = await import("../../index");
  await resolve(program.smtp as pulumi.Output<unknown>);
  await settle(sim);
});

describe("Pulumi.yaml", () => {
  it("makes the CLI run index.ts, not the library build package.json's main points at", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      main: string;
    };
    expect(pkg.main).toBe("bin/components/index.js");
    expect(project.main).toBe("index.ts");
  });

  it("declares every setting the program reads with a type and a description, and defaults for the optional ones", () => {
    const source = fs.readFileSync(path.join(ROOT, "index.ts"), "utf8");
    const read = [
      ...source.matchAll(
        /(?:optional|list<\w+>|config\.\w+(?:<[^>]+>)?)\("([A-Za-z][A-Za-z0-9]*)"\)/g,
      ),
    ].map((m) => m[1]);
    expect(new Set(read)).toEqual(new Set(Object.keys(project.config)));
    for (const [key, spec] of Object.entries(project.config)) {
      expect({ key, type: ["string", "integer", "boolean", "array"].includes(spec.type) }).toEqual({
        key,
        type: true,
      });
      expect(spec.description?.length ?? 0).toBeGreaterThan(10);
      if (key !== "domain")
        expect({ key, hasDefault: "default" in spec }).toEqual({ key, hasDefault: true });
    }
  });
});

describe("the example program with Pulumi.dev.yaml", () => {
  it("sets every declared setting in the sample stack, and the AWS region", () => {
    for (const key of Object.keys(project.config)) {
      expect(Object.keys(stack.config)).toContain(`mailguard:${key}`);
    }
    expect(stack.config["aws:region"]).toBe("eu-west-1");
  });

  it("exercises every component, the security group included", () => {
    const components = sim.resources
      .filter((r) => r.type.startsWith("mailguard:index:"))
      .map((r) => `${r.type} ${r.name}`);
    expect(components.sort()).toEqual(
      [
        "mailguard:index:MailDomain mail",
        "mailguard:index:SesSender mail-ses",
        "mailguard:index:SmtpCredentials mail-smtp",
        "mailguard:index:CloudflareMailRecords mail-dns",
        "mailguard:index:NoSmtpEgressSecurityGroup app",
      ].sort(),
    );
    expect(sim.find("aws:ec2/securityGroup:SecurityGroup", "app-group")!.inputs.vpcId).toBe(
      "vpc-0123456789abcdef0",
    );
    expect(sim.ofType("aws:ec2/networkAclRule:NetworkAclRule")).toHaveLength(2);
    const spf = sim.find("cloudflare:index/dnsRecord:DnsRecord", "mail-dns-spf")!;
    expect(spf.inputs.content).toBe('"v=spf1 include:_spf.google.com ~all"');
    // The sample adopts the domain's live SPF record by its id.
    expect(spf.options?.import).toBe(
      "023e105f4ecef8ad9ca31a8372d0c353/372e67954025e0ba6aaa6d586b9e0b59",
    );
  });

  it("creates only egress rules the core judges clear of TCP 25", () => {
    const rules = sim.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
    expect(
      rules.map((r) => `${String(r.inputs.ipProtocol)}/${String(r.inputs.fromPort)}`).sort(),
    ).toEqual(
      ["tcp/443", "tcp/587", "tcp/465", "tcp/53", "udp/53", "udp/123"]
        .flatMap((p) => [p, p])
        .sort(),
    );
    for (const r of rules) {
      for (const rule of egressRulesOf(r.type, r.inputs))
        expect(judgeEgress(rule).status).toBe("clear");
    }
  });

  it("exports the SMTP bundle as a secret, and the records and report authorizations as plain data", async () => {
    const smtp = await resolve(program.smtp as pulumi.Output<{ host: string; port: number }>);
    expect(smtp.secret).toBe(true);
    expect(smtp.value).toMatchObject({ host: "email-smtp.eu-west-1.amazonaws.com", port: 587 });
    const records = await resolve(
      program.dnsRecords as pulumi.Output<{ type: string; proxied: boolean }[]>,
    );
    expect(records.value!.map((r) => r.type).sort()).toEqual([
      "CNAME",
      "CNAME",
      "CNAME",
      "MX",
      "TXT",
      "TXT",
      "TXT",
    ]);
    expect(records.value!.every((r) => r.proxied === false)).toBe(true);
    expect(program.dmarcReportAuthorizations).toEqual([
      {
        uri: "mailto:example@rua.dmarc-reports.example.net",
        destination: "rua.dmarc-reports.example.net",
        name: "example.com._report._dmarc.rua.dmarc-reports.example.net",
        content: "v=DMARC1;",
      },
    ]);
    expect((await resolve(program.securityGroupId as pulumi.Output<string>)).value).toMatch(/^sg-/);
  });
});
