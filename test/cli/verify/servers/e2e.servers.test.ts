/**
 * The whole command, as a user runs it (`node -r ts-node/register/transpile-only
 * cli/main.ts verify`, what `npm run verify` does), against knotd and Postfix: the correct zone
 * passes, each broken variant fails with exit status 1 naming the record, and `--json` is parsed
 * check by check. Every run is bounded by a timeout.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { startKnot, type KnotServer } from "./knot";
import { startPostfix, type PostfixServers, type SmtpServerName } from "./postfix";
import { freePort } from "./process";
import {
  addLines,
  correctZones,
  replaceLine,
  STACK_OUTPUTS_FILE,
  TOKENS,
  withExample,
  type Zones,
} from "./zones";

const REPO = path.join(__dirname, "..", "..", "..", "..");
const USER = {
  username: "AKIAIOSFODNN7EXAMPLE",
  password: "BFixturePasswordForTheTestServer0000000000",
};
const RUN_TIMEOUT_MS = 60000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the command with `args`, feeding `stdin`; resolves when it exits or is killed at the timeout. */
function verify(args: string[], stdin = ""): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "cli/main.ts", "verify", ...args],
      {
        cwd: REPO,
        timeout: RUN_TIMEOUT_MS,
        env: {
          ...process.env,
          MAILGUARD_SMTP_USERNAME: USER.username,
          MAILGUARD_SMTP_PASSWORD: USER.password,
          NO_COLOR: "1",
          INIT_CWD: REPO,
        },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(stdin);
  });
}

interface JsonCheck {
  id: string;
  status: string;
  subject: string;
  observed: string;
  fix: string;
}

function checks(run: Run): Record<string, JsonCheck> {
  const doc = JSON.parse(run.stdout) as { checks: JsonCheck[] };
  return Object.fromEntries(doc.checks.map((c) => [c.id, c]));
}

function failing(run: Run): string[] {
  return Object.values(checks(run))
    .filter((c) => c.status === "fail")
    .map((c) => `${c.id} ${c.subject}`);
}

let postfix: PostfixServers;
let closedPort: number;
const started: KnotServer[] = [];

async function knot(zones: Zones): Promise<KnotServer> {
  const server = await startKnot(zones);
  started.push(server);
  return server;
}

beforeAll(async () => {
  postfix = await startPostfix([USER]);
  closedPort = await freePort();
}, 60000);

afterAll(async () => {
  await Promise.all([postfix?.stop(), ...started.map((s) => s.stop())]);
});

/** The command of the "done when", plus a probe target on loopback. */
function command(dns: KnotServer, smtp: SmtpServerName = "submission"): string[] {
  return [
    "--domain",
    "example.com",
    "--region",
    "eu-west-1",
    "--resolver",
    dns.address,
    "--no-aws",
    "--smtp-host",
    "127.0.0.1",
    "--smtp-port",
    String(postfix.ports[smtp]),
    "--ca",
    postfix.pki.caFile,
    "--probe-port-25",
    `127.0.0.1:${closedPort}`,
  ];
}

describe("mailguard verify end to end", () => {
  it("passes on the correct zone with the issue's command (exit 0), check by check", async () => {
    const run = await verify([...command(await knot(correctZones())), "--json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const c = checks(run);
    expect(Object.fromEntries(Object.values(c).map((x) => [x.id, x.status]))).toEqual({
      "dns-dkim": "skip",
      "dns-mail-from-mx": "pass",
      "dns-mail-from-spf": "pass",
      "dns-spf-apex": "pass",
      "dns-dmarc": "pass",
      "dns-dmarc-report-auth": "pass",
      "dns-drift": "skip",
      "dns-reply": "pass",
      "ses-identity": "skip",
      "ses-dkim": "skip",
      "ses-mail-from": "skip",
      "ses-default-configuration-set": "skip",
      "ses-configuration-set": "skip",
      "ses-account-production": "skip",
      "ses-account-sending": "skip",
      "ses-account-enforcement": "skip",
      "ses-reputation-alarms": "skip",
      "smtp-starttls": "pass",
      "smtp-starttls-certificate": "pass",
      "smtp-starttls-auth": "pass",
      "smtp-implicit-tls": "skip",
      "smtp-implicit-tls-auth": "skip",
      "smtp-send-test": "skip",
      "egress-port-25": "pass",
    });
    expect(c["smtp-starttls-auth"].observed).toContain(
      "235 2.7.0 Authentication successful for AKIAIOSFODNN7EXAMPLE",
    );
    expect(c["smtp-implicit-tls"].observed).toBe(
      "--smtp-port moved the STARTTLS port and no --smtp-tls-port says where implicit TLS is.",
    );
  });

  it("passes everything but SES with the stack outputs, implicit TLS and a test message", async () => {
    const dns = await knot(correctZones());
    const run = await verify([
      ...command(dns),
      "--smtp-tls-port",
      String(postfix.ports.implicitTls),
      "--stack-outputs",
      STACK_OUTPUTS_FILE,
      "--send-test",
      "success@simulator.amazonses.com",
      "--json",
    ]);
    expect(run.code).toBe(0);
    const notPassing = Object.values(checks(run)).filter((x) => x.status !== "pass");
    expect(notPassing.map((x) => x.id)).toEqual([
      "ses-identity",
      "ses-dkim",
      "ses-mail-from",
      "ses-default-configuration-set",
      "ses-configuration-set",
      "ses-account-production",
      "ses-account-sending",
      "ses-account-enforcement",
      "ses-reputation-alarms",
    ]);
    expect(notPassing.every((x) => x.status === "skip")).toBe(true);
  });

  it("fails each broken zone with exit 1, naming the record", async () => {
    const cases: [string, Zones, string[], string[]][] = [
      [
        "MAIL FROM MX on amazonaws.com",
        withExample((z) =>
          replaceLine(z, "mail-from-mx", "mail MX 10 feedback-smtp.eu-west-1.amazonaws.com."),
        ),
        [],
        ["dns-mail-from-mx mail.example.com"],
      ],
      [
        "no DMARC record",
        withExample((z) => replaceLine(z, "dmarc")),
        [],
        ["dns-dmarc _dmarc.example.com"],
      ],
      [
        "a second SPF record at the MAIL FROM domain",
        withExample((z) => addLines(z, 'mail TXT "v=spf1 a -all"')),
        [],
        ["dns-mail-from-spf mail.example.com"],
      ],
      [
        "a null MX",
        withExample((z) => replaceLine(z, "reply-mx", "@ MX 0 .")),
        [],
        ["dns-reply example.com"],
      ],
      [
        "DKIM at the wrong DKIM domain (stack outputs on standard input)",
        withExample((z) =>
          replaceLine(
            z,
            "dkim-2",
            `${TOKENS[1]}._domainkey CNAME ${TOKENS[1]}.dkim.eu-south-1.amazonses.com.`,
          ),
        ),
        ["--stack-outputs", "-"],
        [`dns-dkim-2 ${TOKENS[1]}._domainkey.example.com`, "dns-drift example.com"],
      ],
    ];
    const stackJson = fs.readFileSync(STACK_OUTPUTS_FILE, "utf8");
    const runs = await Promise.all(
      cases.map(async ([, zones, extra]) =>
        verify(
          [...command(await knot(zones)), ...extra, "--json"],
          extra.includes("-") ? stackJson : "",
        ),
      ),
    );
    cases.forEach(([name, , , expected], i) => {
      expect({ name, code: runs[i].code, failing: failing(runs[i]) }).toEqual({
        name,
        code: 1,
        failing: expected,
      });
    });
  });

  it("fails a server that offers AUTH before STARTTLS, with exit 1", async () => {
    const run = await verify([...command(await knot(correctZones()), "authBeforeTls"), "--json"]);
    expect(run.code).toBe(1);
    expect(failing(run)).toEqual([`smtp-starttls 127.0.0.1:${postfix.ports.authBeforeTls}`]);
  });

  it("prints the report as a table, with the fix under it", async () => {
    const zones = withExample((z) =>
      replaceLine(z, "mail-from-mx", "mail MX 10 feedback-smtp.eu-west-1.amazonaws.com."),
    );
    const run = await verify(command(await knot(zones)));
    expect(run.code).toBe(1);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe("mailguard verify: example.com (SES eu-west-1)");
    expect(lines).toContain("1. DNS as receivers see it");
    expect(lines.some((l) => /^ {2}FAIL {2}dns-mail-from-mx +MX 10 +MX 10$/.test(l))).toBe(true);
    expect(run.stdout.replace(/\s+/g, " ")).toContain(
      " FAIL dns-mail-from-mx: Fix: feedback-smtp.eu-west-1.amazonaws.com is on amazonaws.com; SES's feedback host is on amazonses.com: point the MX at feedback-smtp.eu-west-1.amazonses.com. ",
    );
    expect(run.stdout).toContain("5. Mailbox providers' bulk-sender rules");
    expect(lines.at(-2)).toMatch(
      /^FAILED: \d+ passed, 1 failed, \d+ warnings, \d+ skipped \(\d+\.\d s\)\.$/,
    );
  });

  it("exits 2 on a usage error, printing why", async () => {
    const run = await verify([
      "--domain",
      "example.com",
      "--region",
      "eu-west-1",
      "--resolver",
      "dns.example",
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "error: --resolver dns.example: give an IP address, with :PORT if not 53 (IPv6 in brackets: [::1]:53)\n",
    );
  });
});
