/**
 * The offline plan end to end, through the real command as the README runs it (`npm start`, i.e.
 * node with ts-node's transpile-only loader on cli/plan/main.ts): a child process that runs the
 * program under the simulator, starts the policy pack with run-policy-pack and talks the analyzer
 * protocol to it. Each test starts the pack once; the tests run concurrently, as each spends most
 * of its time waiting for its pack to start.
 */
import { execFile, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { dkimTokensFor } from "../../testing/simulator";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(__dirname, "fixtures");
const TIMEOUT = 150_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function spawnRun(file: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: "1", INIT_CWD: ROOT },
        maxBuffer: 64 * 1024 * 1024,
        timeout: TIMEOUT,
      },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** `mailguard plan` with a mark in its environment, which every process it starts inherits. */
function spawnMarked(mark: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(ROOT, "cli", "main.ts"), "plan", ...args],
      { cwd: ROOT, env: { ...process.env, MAILGUARD_TEST_MARK: mark }, timeout: TIMEOUT },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Process ids of live processes whose environment carries the mark (Linux /proc). */
async function processesMarked(mark: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await fs.promises.readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = await fs.promises.readFile(`/proc/${entry}/environ`, "utf8");
      const stat = await fs.promises.readFile(`/proc/${entry}/stat`, "utf8");
      // A zombie (state Z) has ended; only its exit status waits to be read.
      if (env.includes(`MAILGUARD_TEST_MARK=${mark}`) && !/^\d+ \(.*\) Z /.test(stat)) {
        pids.push(Number(entry));
      }
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/** The command behind `npm start`, run directly (what the script line runs). */
function plan(...args: string[]): Promise<Run> {
  return spawnRun(process.execPath, [
    "-r",
    "ts-node/register/transpile-only",
    path.join(ROOT, "cli", "main.ts"),
    "plan",
    ...args,
  ]);
}

/** `npm start --silent -- <args>`, literally as the README says. */
function npmStart(...args: string[]): Promise<Run> {
  return spawnRun(process.platform === "win32" ? "npm.cmd" : "npm", [
    "start",
    "--silent",
    "--",
    ...args,
  ]);
}

/** A v4 SES SMTP password: base64 of 0x04 and a 32-byte HMAC, 44 characters starting with B. */
const SMTP_PASSWORD_SHAPE = /(?<![A-Za-z0-9+/=])B[A-Za-z0-9+/]{43}(?![A-Za-z0-9+/=])/;

describe("npm start (offline plan)", () => {
  it.concurrent(
    "passes the sample stack with no mandatory finding, showing its records, SMTP settings and verdict",
    async () => {
      const sample = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as {
        config: Record<string, unknown>;
      };
      const domain = String(sample.config["mailguard:domain"]);
      const region = String(sample.config["mailguard:sesRegion"] || sample.config["aws:region"]);
      const zones = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-e2e-")), "zones");
      const run = await npmStart("--zone-file", zones);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      const out = run.stdout;
      expect(out).toMatch(/^Offline plan of mailguard\/dev /);
      expect(out).toMatch(/Policy findings \(mailguard [\d.]+, \d+ policies\): 0 mandatory/);
      expect(out).toMatch(/PASS: no mandatory policy violation\.\n/);
      expect(out).toMatch(/├─ mailguard:index:MailDomain {2}mail\n/);

      const row = (name: string, type: string, value: string) =>
        new RegExp(
          `\\n {2}${name.replace(/\./g, "\\.")} +${type} +\\S+ +no +${value.replace(/[.()]/g, "\\$&")}\\n`,
        );
      for (const token of dkimTokensFor(domain)) {
        expect(out).toMatch(
          row(`${token}._domainkey.${domain}`, "CNAME", `${token}.dkim.amazonses.com`),
        );
      }
      expect(out).toMatch(row(`mail.${domain}`, "MX", `10 feedback-smtp.${region}.amazonses.com`));
      expect(out).toMatch(row(`mail.${domain}`, "TXT", '"v=spf1 include:amazonses.com -all"'));
      expect(out).toMatch(
        new RegExp(
          `\\n {2}_dmarc\\.${domain.replace(/\./g, "\\.")} +TXT +\\S+ +no +"v=DMARC1; p=quarantine`,
        ),
      );

      expect(out).toMatch(
        new RegExp(`Domain: {4}${domain.replace(/\./g, "\\.")}\\n {2}Region: {4}${region}\\n`),
      );
      expect(out).toMatch(new RegExp(`Host: {6}email-smtp\\.${region}\\.amazonaws\\.com\\n`));
      expect(out).toMatch(/Port: {6}587 \(STARTTLS\)\n {2}Port: {6}465 \(implicit TLS\)\n/);
      expect(out).toMatch(
        /Username: {2}<access key id: pulumi stack output smtp --show-secrets, field username>/,
      );
      expect(out).toMatch(
        /Password: {2}<secret: pulumi stack output smtp --show-secrets, field password, or Secrets Manager secret mail-smtp-secret-[0-9a-f]{7}>/,
      );
      expect(out).not.toMatch(SMTP_PASSWORD_SHAPE);

      expect(out).toMatch(
        new RegExp(`✓ SPF {4}pass for mail\\.${domain.replace(/\./g, "\\.")}; aligned`),
      );
      expect(out).toMatch(
        /✓ DKIM {3}pass .*; aligned \[Easy DKIM, simulated SES keys: 3 of 3 tokens verify\]/,
      );
      expect(out).toMatch(/✓ DMARC {2}pass by spf and dkim, p=quarantine; disposition: deliver/);
      expect(out).toMatch(
        new RegExp(
          `Mailbox providers' bulk-sender rules for ${domain.replace(/\./g, "\\.")} \\(from the planned records\\)`,
        ),
      );
      expect(out).toContain("Microsoft: no required rule fails here");
      expect(out).toMatch(
        /amazonses\.com SPF, an older published value \(undated capture, not current/,
      );

      expect(fs.readdirSync(zones)).toEqual([`${domain}.zone`]);
      const zone = path.join(zones, `${domain}.zone`);
      const zoneText = fs.readFileSync(zone, "utf8");
      expect(out).toContain(`Zone file written: ${path.relative(ROOT, zone)}`);
      expect(zoneText).toContain(`$ORIGIN ${domain}.\n`);
      expect(zoneText).toMatch(/\n@\t3600\tIN\tSOA\t/);
      expect(zoneText).toContain("; simulated: an Easy DKIM token made up by the plan's simulator");
      expect(zoneText).toContain(
        `mail.${domain}.\t3600\tIN\tMX\t10 feedback-smtp.${region}.amazonses.com.\n`,
      );
      expect(zoneText).toContain(
        `mail.${domain}.\t3600\tIN\tTXT\t"v=spf1 include:amazonses.com -all"\n`,
      );
      const [token] = dkimTokensFor(domain);
      expect(zoneText).toContain(
        `${token}._domainkey.${domain}.\t3600\tIN\tCNAME\t${token}.dkim.amazonses.com.\n`,
      );
      // The sample adopts the live apex SPF: one SPF record at the apex, the merged value.
      expect(zoneText.split("\n").filter((l) => l.startsWith(`${domain}.\t`))).toEqual([
        `${domain}.\t3600\tIN\tTXT\t"v=spf1 include:_spf.google.com ~all"`,
      ]);
      expect(out).toContain(
        `cloudflare:index/dnsRecord:DnsRecord "mail-dns-spf" adopts the live resource 023e105f4ecef8ad9ca31a8372d0c353/372e67954025e0ba6aaa6d586b9e0b59 (the import option)`,
      );
    },
    TIMEOUT,
  );

  it.concurrent(
    "passes the Route53 sample stack with a DMARC pass verdict and the same records in its zone file, and names a looked-up zone after its lookup",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-e2e-"));
      const zones = path.join(dir, "zones");
      // The same stack with its zone looked up by name, for news.example.com, adopting nothing.
      const lookup = path.join(dir, "Pulumi.lookup.yaml");
      fs.writeFileSync(
        lookup,
        fs
          .readFileSync(path.join(ROOT, "Pulumi.route53.yaml"), "utf8")
          .replace(/mailguard:route53ZoneId: .*/, 'mailguard:route53ZoneId: ""')
          .replace(/mailguard:route53AdoptApexTxt: .*/, "mailguard:route53AdoptApexTxt: false")
          .replace(/mailguard:domain: .*/, "mailguard:domain: news.example.com")
          .replace(/(app|alerts)@example\.com/g, "$1@news.example.com"),
      );
      const lookupZones = path.join(dir, "lookup-zones");
      const [run, looked] = await Promise.all([
        npmStart("--config", "Pulumi.route53.yaml", "--zone-file", zones, "--json"),
        plan("--config", lookup, "--zone-file", lookupZones, "--json"),
      ]);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      const doc = JSON.parse(run.stdout);
      expect(doc.stack).toBe("route53");
      expect(doc.findings.mandatory).toEqual([]);
      const [t0, t1, t2] = dkimTokensFor("example.com");
      const dmarc =
        "v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:dmarc@example.com,mailto:example@rua.dmarc-reports.example.net";
      const verification = "google-site-verification=rXOxyZounnZasA8Z7oaD3c14JdjS9aKSWvsR1EbUSIQ";
      const expected = [
        ["mail.example.com", "TXT", "v=spf1 include:amazonses.com -all", undefined],
        ["_dmarc.example.com", "TXT", dmarc, undefined],
        ["example.com", "TXT", "v=spf1 include:_spf.google.com ~all", undefined],
        ["example.com", "TXT", verification, undefined],
        ["mail.example.com", "MX", "feedback-smtp.eu-west-1.amazonses.com", 10],
        [`${t0}._domainkey.example.com`, "CNAME", `${t0}.dkim.amazonses.com`, undefined],
        [`${t1}._domainkey.example.com`, "CNAME", `${t1}.dkim.amazonses.com`, undefined],
        [`${t2}._domainkey.example.com`, "CNAME", `${t2}.dkim.amazonses.com`, undefined],
      ];
      type Rec = { name: string; type: string; value: string; priority?: number; zone: string };
      const records = doc.records as Rec[];
      expect(records.map((r) => [r.name, r.type, r.value, r.priority]).sort()).toEqual(
        [...expected].sort(),
      );
      expect(new Set(records.map((r) => r.zone))).toEqual(new Set(["example.com"]));
      const [v] = doc.deliverability;
      expect(v.spf).toMatchObject({ result: "pass", domain: "mail.example.com", aligned: true });
      expect(v.dkim).toMatchObject({ mode: "easy-dkim-simulated", result: "pass", aligned: true });
      expect(v.dmarc).toMatchObject({
        result: "pass",
        policy: "quarantine",
        disposition: "deliver",
      });
      expect(doc.notes).toContain(
        'aws:route53/record:Record "mail-dns-spf" adopts the live resource Z0123456789ABCDEFGHIJ_example.com_TXT (the import option): pulumi up takes it over and replaces its value in place, which needs Pulumi CLI 3.174.0 or later. The plan cannot read the live record; it shows what the deployment publishes.',
      );

      expect(fs.readdirSync(zones)).toEqual(["example.com.zone"]);
      const zoneText = fs.readFileSync(path.join(zones, "example.com.zone"), "utf8");
      expect(zoneText).toContain("; Zone example.com (zone id Z0123456789ABCDEFGHIJ)");
      for (const [name, type, value, priority] of expected) {
        const rdata =
          type === "TXT"
            ? `"${String(value)}"`
            : type === "MX"
              ? `${String(priority)} ${String(value)}.`
              : `${String(value)}.`;
        expect(zoneText).toContain(`\n${String(name)}.\t3600\tIN\t${String(type)}\t${rdata}\n`);
      }
      expect(zoneText.split("\n").filter((l) => /\tIN\t(TXT|MX|CNAME)\t/.test(l))).toHaveLength(
        expected.length,
      );

      expect(looked.code).toBe(0);
      const lookedDoc = JSON.parse(looked.stdout);
      expect(lookedDoc.findings.mandatory).toEqual([]);
      expect(lookedDoc.deliverability[0].dmarc.result).toBe("pass");
      // The hosted zone the simulator finds for example.com, which holds news.example.com.
      expect(fs.readdirSync(lookupZones)).toEqual(["example.com.zone"]);
      expect(fs.readFileSync(path.join(lookupZones, "example.com.zone"), "utf8")).toContain(
        "; Zone example.com (zone id ZQAV4CUE4EC8LI16KBUXP)",
      );
      expect(lookedDoc.notes).toContain(
        'Warning: Route53MailRecords "mail-dns": apexSpf.existing is what news.example.com publishes today, and Route53 keeps every TXT value of a name in one record set: while the live set exists, creating the component\'s fails. Adopt it (adopt: { spf: true }, with every value it holds listed in apexSpf.existing, which are kept), so the merged set replaces it in place, or delete it before pulumi up.',
      );
    },
    TIMEOUT,
  );

  it.concurrent(
    "fails a stack with all-egress, DMARC p=none and a proxied DKIM record, naming the three policies",
    async () => {
      const run = await plan("--program", path.join(FIXTURES, "failing"), "--json");
      expect(run.stderr).toBe("");
      expect(run.code).toBe(1);
      const doc = JSON.parse(run.stdout);
      expect(doc.passed).toBe(false);
      const mandatory = doc.findings.mandatory.map(
        (f: { policyName: string; name: string }) => `${f.policyName} ${f.name}`,
      );
      expect(mandatory).toEqual(
        expect.arrayContaining([
          "no-port-25-egress wide-open",
          "dmarc-policy-enforced failing-dns-dmarc",
          "mail-dns-not-proxied legacy-dkim",
        ]),
      );
      expect(
        new Set(doc.findings.mandatory.map((f: { policyName: string }) => f.policyName)),
      ).toEqual(new Set(["no-port-25-egress", "dmarc-policy-enforced", "mail-dns-not-proxied"]));
      const egress = doc.findings.mandatory.find(
        (f: { policyName: string }) => f.policyName === "no-port-25-egress",
      );
      expect(egress.message).toMatch(/0\.0\.0\.0\/0/);
      expect(doc.records).toContainEqual(
        expect.objectContaining({
          name: "legacy0dkim0token000000000000000._domainkey.failing.example.net",
          proxied: true,
        }),
      );
      expect(JSON.stringify(doc)).not.toMatch(SMTP_PASSWORD_SHAPE);
    },
    TIMEOUT,
  );

  it.concurrent(
    "says SPF does not align without MAIL FROM while DMARC still passes by DKIM",
    async () => {
      const run = await plan("--program", path.join(FIXTURES, "no-mail-from"), "--json");
      expect(run.code).toBe(0);
      const doc = JSON.parse(run.stdout);
      expect(doc.findings.mandatory).toEqual([]);
      expect(doc.deliverability).toHaveLength(1);
      const v = doc.deliverability[0];
      expect(v.domain).toBe("nomailfrom.example.com");
      expect(v.spf).toMatchObject({
        result: "pass",
        domain: "amazonses.com",
        aligned: false,
        customMailFrom: "not-configured",
      });
      expect(v.dkim).toMatchObject({ mode: "easy-dkim-simulated", result: "pass", aligned: true });
      expect(v.dkim.selector).toBe(dkimTokensFor("nomailfrom.example.com")[0]);
      expect(v.dmarc).toMatchObject({
        result: "pass",
        policy: "reject",
        passedBy: ["dkim"],
        disposition: "deliver",
      });
    },
    TIMEOUT,
  );

  it.concurrent(
    "signs a sample message with the BYODKIM key and verifies it, and prints the SMTP settings without the password",
    async () => {
      const run = await plan("--program", path.join(FIXTURES, "byodkim"));
      expect(run.code).toBe(0);
      const out = run.stdout;
      expect(out).toMatch(
        /✓ DKIM {3}pass d=byodkim\.example\.org s=plan \(2048-bit\); aligned \[BYODKIM, signed with the planned key\]/,
      );
      expect(out).toMatch(/✓ DMARC {2}pass by spf and dkim, p=reject; disposition: deliver/);
      expect(out).toMatch(
        /plan\._domainkey\.byodkim\.example\.org\s+TXT\s+3600\s+no\s+"v=DKIM1; k=rsa; p=MIIB/,
      );
      expect(out).toMatch(/Host: {6}email-smtp\.eu-west-1\.amazonaws\.com/);
      expect(out).toMatch(/Port: {6}587 \(STARTTLS\)/);
      expect(out).toMatch(/Port: {6}465 \(implicit TLS\)/);
      expect(out).toMatch(
        /Password: {2}<secret: pulumi stack output smtp --show-secrets, field password, or Secrets Manager secret byodkim-smtp-secret-[0-9a-f]{7}>/,
      );
      expect(out).not.toMatch(SMTP_PASSWORD_SHAPE);
      expect(out).not.toMatch(/PRIVATE KEY/);
      expect(out).toMatch(/PASS: no mandatory policy violation\./);
    },
    TIMEOUT,
  );

  it.concurrent(
    "plans private submission with no mandatory finding: an allowlist-only workload, the SES endpoint, a bundle naming it",
    async () => {
      const run = await plan("--program", path.join(FIXTURES, "private-smtp"), "--json");
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      const doc = JSON.parse(run.stdout);
      expect(doc.passed).toBe(true);
      expect(doc.findings.mandatory).toEqual([]);
      const advisory = doc.findings.advisory.map((f: { policyName: string }) => f.policyName);
      expect(advisory).not.toContain("smtp-endpoint-reachable");

      interface Planned {
        type: string;
        name: string;
        inputs: Record<string, unknown>;
      }
      const resources: Planned[] = doc.resources;
      const one = (type: string, name: string) => {
        const found = resources.filter((r) => r.type === type && r.name === name);
        expect(found).toHaveLength(1);
        return found[0];
      };
      const endpoint = one("aws:ec2/vpcEndpoint:VpcEndpoint", "ses-endpoint");
      expect(endpoint.inputs).toMatchObject({
        serviceName: "com.amazonaws.eu-west-1.email-smtp",
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
      });
      const [endpointGroup] = endpoint.inputs.securityGroupIds as string[];
      expect(endpointGroup).toMatch(/^sg-[0-9a-f]{17}$/);

      // The workload's egress: 587 and 465 to the endpoint's group, 443 to a prefix list, and no
      // CIDR at all, so no 0.0.0.0/0.
      const egress = resources.filter(
        (r) => r.type === "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
      );
      expect(
        egress.map((r) => [
          r.name,
          r.inputs.fromPort,
          r.inputs.referencedSecurityGroupId ?? r.inputs.prefixListId,
        ]),
      ).toEqual([
        ["app-egress-tcp-587-sg-ses", 587, endpointGroup],
        ["app-egress-tcp-465-sg-ses", 465, endpointGroup],
        ["app-egress-tcp-443-pl-s3", 443, expect.stringMatching(/^pl-[0-9a-f]{8}$/)],
      ]);
      for (const r of egress) {
        expect([r.name, r.inputs.cidrIpv4, r.inputs.cidrIpv6]).toEqual([
          r.name,
          undefined,
          undefined,
        ]);
      }

      expect(doc.smtp).toHaveLength(1);
      expect(doc.smtp[0]).toMatchObject({
        domain: "private.example.com",
        host: "email-smtp.eu-west-1.amazonaws.com",
        region: "eu-west-1",
        vpcEndpoint: {
          type: "aws:ec2/vpcEndpoint:VpcEndpoint",
          resource: "ses-endpoint",
          from: "bundle",
        },
      });
      expect(doc.smtp[0].vpcEndpoint.id).toMatch(/^vpce-[0-9a-f]{17}$/);
      expect(doc.smtp[0].notes[0]).toBe(
        `Inside the endpoint's VPC, private DNS resolves email-smtp.eu-west-1.amazonaws.com to VPC endpoint ${doc.smtp[0].vpcEndpoint.id}: no internet route is needed, only egress on 587 and 465 to the endpoint's security group.`,
      );
      expect(JSON.stringify(doc)).not.toMatch(SMTP_PASSWORD_SHAPE);
    },
    TIMEOUT,
  );

  it.concurrent(
    "applies a --policy-config that makes every policy advisory, so the failing stack exits 0",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-e2e-"));
      const config = path.join(dir, "policy-config.json");
      fs.writeFileSync(config, JSON.stringify({ all: "advisory" }));
      const run = await plan(
        "--program",
        path.join(FIXTURES, "failing"),
        "--policy-config",
        config,
        "--json",
      );
      expect(run.code).toBe(0);
      const doc = JSON.parse(run.stdout);
      expect(doc.findings.mandatory).toEqual([]);
      const advisory = doc.findings.advisory.map((f: { policyName: string }) => f.policyName);
      expect(advisory).toEqual(
        expect.arrayContaining([
          "no-port-25-egress",
          "dmarc-policy-enforced",
          "mail-dns-not-proxied",
        ]),
      );
    },
    TIMEOUT,
  );

  it.concurrent(
    "exits 2 with the program's error when a component refuses its arguments",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-e2e-"));
      const config = path.join(dir, "Pulumi.bad.yaml");
      const sample = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
      fs.writeFileSync(
        config,
        sample.replace(/mailguard:domain: .*/, 'mailguard:domain: "bad domain..com"'),
      );
      const run = await plan("--config", config);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(
        /^error: the program in .+ failed: MailDomain "mail": invalid domain "bad domain\.\.com"/,
      );
    },
    TIMEOUT,
  );

  it.concurrent(
    "plans a me-central-1 stack with its regional DKIM domain, and refuses a region SES lacks",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-e2e-"));
      const sample = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
      const stack = (region: string) => {
        const file = path.join(dir, `Pulumi.${region}.yaml`);
        fs.writeFileSync(
          file,
          sample
            .replace(/aws:region: .*/, `aws:region: ${region}`)
            .replace(/mailguard:sesRegion: .*/, `mailguard:sesRegion: ${region}`),
        );
        return file;
      };
      const [uae, unknown] = await Promise.all([
        plan("--config", stack("me-central-1"), "--json"),
        plan("--config", stack("eu-west-9")),
      ]);
      expect(uae.code).toBe(0);
      const doc = JSON.parse(uae.stdout);
      const values = doc.records.map(
        (r: { type: string; value: string }) => `${r.type} ${r.value}`,
      );
      for (const token of dkimTokensFor("example.com")) {
        expect(values).toContain(`CNAME ${token}.dkim.me-central-1.amazonses.com`);
      }
      expect(values).toContain("MX feedback-smtp.me-central-1.amazonses.com");
      const [v] = doc.deliverability;
      expect(v.dkim).toMatchObject({ mode: "easy-dkim-simulated", result: "pass", aligned: true });
      expect(v.spf).toMatchObject({ customMailFrom: "verified", aligned: true });
      expect(v.fixtures.join("\n")).toContain(
        "simulated Easy DKIM keys at <token>.dkim.me-central-1.amazonses.com",
      );
      expect(doc.smtp[0].host).toBe("email-smtp.me-central-1.amazonaws.com");
      expect(doc.findings.mandatory).toEqual([]);

      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain(
        'MailDomain "mail": invalid region "eu-west-9": SES does not run in eu-west-9',
      );
    },
    TIMEOUT,
  );

  it.concurrent(
    "gives up at the deadline on a program that never finishes, names it, and leaves no pack running",
    async () => {
      const mark = `deadline-${process.pid}-${Date.now()}`;
      const run = await spawnMarked(mark, [
        "--program",
        path.join(FIXTURES, "hangs"),
        "--timeout",
        "10",
      ]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(
        /^error: the plan did not finish within 10 s \(--timeout\): the program in \S+hangs did not finish: it registered \d+ resources, the last aws:sns\/topic:Topic "before-the-wait", then waited on something that never resolved\.\n$/,
      );
      expect(await processesMarked(mark)).toEqual([]);
    },
    TIMEOUT,
  );

  it.concurrent(
    "ends the policy pack it started when interrupted with Ctrl-C (SIGINT)",
    async () => {
      const mark = `sigint-${process.pid}-${Date.now()}`;
      const child = spawn(
        process.execPath,
        [
          "-r",
          "ts-node/register/transpile-only",
          path.join(ROOT, "cli", "main.ts"),
          "plan",
          "--program",
          path.join(FIXTURES, "hangs"),
          "--timeout",
          "120",
        ],
        { cwd: ROOT, env: { ...process.env, MAILGUARD_TEST_MARK: mark }, stdio: "ignore" },
      );
      const exited = new Promise<number | null>((resolve) =>
        child.once("exit", (code) => resolve(code)),
      );
      // Wait until the pack runs (a process other than the plan carries the mark).
      const started = Date.now();
      let pack: number[] = [];
      while (Date.now() - started < 60_000) {
        pack = (await processesMarked(mark)).filter((pid) => pid !== child.pid);
        if (pack.length > 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(pack.length).toBeGreaterThan(0);
      child.kill("SIGINT");
      expect(await exited).toBe(130);
      await new Promise((r) => setTimeout(r, 500));
      expect(await processesMarked(mark)).toEqual([]);
    },
    TIMEOUT,
  );

  it.concurrent(
    "exits 2 with the usage on an unknown argument, before starting anything",
    async () => {
      const run = await plan("--frobnicate");
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(/^error: unknown option '--frobnicate'\n/);
      expect(run.stderr).toContain("(run with --help for usage)");
    },
  );
});
