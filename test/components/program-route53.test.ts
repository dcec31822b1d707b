/**
 * The example program (index.ts) with the Route53 sample stack (Pulumi.route53.yaml over the
 * defaults in Pulumi.yaml), run as `pulumi up` would run it, under the provider simulator.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "../../cli/plan/config";
import { inventory, ProviderSimulator, resolve, settle, simulate } from "../helpers/mocks";

const ROOT = path.join(__dirname, "..", "..");
const R53 = "aws:route53/record:Record";

function readYaml<T>(file: string): T {
  return yaml.load(fs.readFileSync(path.join(ROOT, file), "utf8")) as T;
}

const project = readYaml<{ name: string; config: Record<string, { default?: unknown }> }>(
  "Pulumi.yaml",
);
const stack = readYaml<{ config: Record<string, unknown> }>("Pulumi.route53.yaml");

let sim: ProviderSimulator;
let program: Record<string, unknown>;

beforeAll(async () => {
  sim = await simulate({ region: "eu-west-1", project: "mailguard", stack: "route53" });
  // The configuration the CLI hands the program: the defaults, then the stack file, as strings.
  pulumi.runtime.setAllConfig(loadStackConfig(path.join(ROOT, "Pulumi.route53.yaml"), ROOT).values);
  program = await import("../../index");
  await resolve(program.smtp as pulumi.Output<unknown>);
  await settle(sim);
});

describe("the example program with Pulumi.route53.yaml", () => {
  it("sets every declared setting in the Route53 sample stack, and the AWS region", () => {
    for (const key of Object.keys(project.config)) {
      expect(Object.keys(stack.config)).toContain(`mailguard:${key}`);
    }
    expect(stack.config["aws:region"]).toBe("eu-west-1");
  });

  it("publishes the records with Route53MailRecords, one record set per name and type, and no Cloudflare record", () => {
    const dns = sim.find("mailguard:index:Route53MailRecords", "mail-dns")!;
    expect(inventory(sim.childrenOf(dns)).sort()).toEqual(
      [
        `${R53} mail-dns-dkim-0`,
        `${R53} mail-dns-dkim-1`,
        `${R53} mail-dns-dkim-2`,
        `${R53} mail-dns-mail-from-mx`,
        `${R53} mail-dns-mail-from-spf`,
        `${R53} mail-dns-dmarc`,
        `${R53} mail-dns-spf`,
      ].sort(),
    );
    expect(sim.resources.filter((r) => r.type.startsWith("cloudflare:"))).toEqual([]);
    for (const r of sim.ofType(R53)) expect(r.inputs.zoneId).toBe("Z0123456789ABCDEFGHIJ");
  });

  it("adopts the live apex record set, the Google Workspace SPF merged and the site verification kept", () => {
    const apex = sim.find(R53, "mail-dns-spf")!;
    expect(apex.inputs).toEqual({
      zoneId: "Z0123456789ABCDEFGHIJ",
      name: "example.com",
      type: "TXT",
      ttl: 3600,
      records: [
        "v=spf1 include:_spf.google.com ~all",
        "google-site-verification=rXOxyZounnZasA8Z7oaD3c14JdjS9aKSWvsR1EbUSIQ",
      ],
    });
    expect(apex.options?.import).toBe("Z0123456789ABCDEFGHIJ_example.com_TXT");
    expect(sim.find(R53, "mail-dns-dmarc")!.options?.import).toBeUndefined();
  });

  it("exports the records in the shape the Cloudflare stack does", async () => {
    const records = await resolve(
      program.dnsRecords as pulumi.Output<{ type: string; name: string; proxied: boolean }[]>,
    );
    expect(records.value!.map((r) => `${r.type} ${r.name}`).sort()).toEqual(
      [
        "CNAME 5cw123mgup8b5b6jc95uzo5k3kqiqtw1._domainkey.example.com",
        "CNAME pm8wrap3s5tuztzftd6er201zvgoqdkm._domainkey.example.com",
        "CNAME yqa8qfno8bi60l68yg7b6r55cskczlsm._domainkey.example.com",
        "MX mail.example.com",
        "TXT _dmarc.example.com",
        "TXT example.com",
        "TXT example.com",
        "TXT mail.example.com",
      ].sort(),
    );
    expect(records.value!.every((r) => r.proxied === false)).toBe(true);
  });
});
