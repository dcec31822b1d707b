/**
 * mailguard in an infra repo, as a user installs it: the packed tarball (what `npm publish` would
 * ship) installed into a throwaway Pulumi project from the registry, once with the lowest SDK
 * versions mailguard supports and once with the newest the registry serves. In each: one copy of
 * @pulumi/pulumi, a MailDomain program that type-checks, `npx mailguard plan` on it, the policy
 * pack shipped in node_modules/mailguard/policies, and an ordinary setMocks unit test of the
 * program with mailguard/testing. Needs the npm registry and takes minutes: `npm run test:package`.
 */
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runPolicyPackScript, startPolicyPack } from "../../cli/analyzer/policy-pack";

const REPO = path.join(__dirname, "..", "..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const INSTALL_TIMEOUT = 900_000;

/** The SDK versions installed next to mailguard: the lowest its peer ranges allow, and the newest. */
const SDKS: [string, Record<string, string>][] = [
  [
    "lowest supported",
    {
      "@pulumi/pulumi": "3.212.0",
      "@pulumi/aws": "7.2.0",
      "@pulumi/cloudflare": "6.1.2",
      "@pulumi/tls": "5.0.1",
    },
  ],
  [
    "newest",
    {
      "@pulumi/pulumi": "latest",
      "@pulumi/aws": "latest",
      "@pulumi/cloudflare": "latest",
      "@pulumi/tls": "latest",
    },
  ],
];

const env = (): NodeJS.ProcessEnv => {
  const e: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_PATH: "",
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
  };
  // `npm run` sets npm_* variables that would tie npm in the project to this repository.
  for (const k of Object.keys(e))
    if (k.startsWith("npm_") && !k.startsWith("npm_config_")) delete e[k];
  delete e.npm_config_local_prefix;
  delete e.INIT_CWD;
  return e;
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(
  cmd: string,
  args: string[],
  cwd: string,
  extra: NodeJS.ProcessEnv = {},
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd, env: { ...env(), ...extra }, maxBuffer: 64 * 1024 * 1024, timeout: INSTALL_TIMEOUT },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Process ids of live processes whose environment carries the mark (Linux /proc). */
function processesMarked(mark: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = fs.readFileSync(`/proc/${entry}/environ`, "utf8");
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      if (environ.includes(`MAILGUARD_TEST_MARK=${mark}`) && !/^\d+ \(.*\) Z /.test(stat)) {
        pids.push(Number(entry));
      }
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Every installed copy of a package below `dir`. */
function copiesOf(dir: string, pkg: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const full = path.join(d, entry.name);
      if (full.endsWith(path.join("node_modules", pkg))) out.push(full);
      else if (
        entry.name === "node_modules" ||
        entry.name.startsWith("@") ||
        d.endsWith("node_modules")
      )
        walk(full);
      else if (fs.existsSync(path.join(full, "node_modules")))
        walk(path.join(full, "node_modules"));
    }
  };
  walk(path.join(dir, "node_modules"));
  return [...new Set(out)];
}

const PROGRAM = `import * as aws from "@pulumi/aws";
import { MailDomain, NoSmtpEgressSecurityGroup } from "mailguard";

const vpc = new aws.ec2.Vpc("main", { cidrBlock: "10.0.0.0/16" });
// Adopt and close the VPC's default security group, which otherwise keeps allow-all egress.
new aws.ec2.DefaultSecurityGroup("default", { vpcId: vpc.id });

const mail = new MailDomain("mail", {
  domain: "example.com",
  cloudflareZoneId: "023e105f4ecef8ad9ca31a8372d0c353",
  region: "eu-west-1",
});

const app = new NoSmtpEgressSecurityGroup("app", { vpcId: vpc.id });

export const smtp = mail.smtp;
export const records = mail.records;
export const securityGroupId = app.securityGroupId;
`;

const UNIT_TEST = `import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ProviderSimulator } from "mailguard/testing";

const sim = new ProviderSimulator({ region: "eu-west-1" });

test("the program publishes the MAIL FROM MX to SES's feedback host, unproxied", async () => {
  await pulumi.runtime.setMocks(sim, "infra", "test", false);
  const infra = await import("../index");
  const records = await new Promise<{ type: string; name: string; content: string; proxied: boolean }[]>(
    (resolve) => (infra.records as pulumi.Output<never>).apply(resolve),
  );
  const mx = records.find((r) => r.type === "MX");
  assert.deepEqual(mx && [mx.name, mx.content, mx.proxied], [
    "mail.example.com",
    "feedback-smtp.eu-west-1.amazonses.com",
    false,
  ]);
  assert.equal(sim.ofType("aws:iam/accessKey:AccessKey").length, 1);
});
`;

let work: string;
let tarball: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "mailguard-infra-"));
  const packed = await run(NPM, ["pack", "--pack-destination", work], REPO);
  expect(packed.code).toBe(0);
  tarball = path.join(
    work,
    fs.readdirSync(work).find((f) => f.endsWith(".tgz"))!,
  );
}, INSTALL_TIMEOUT);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  it("holds the compiled package, the pack, the docs and the license, and no sources or tests", () => {
    const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" })
      .split("\n")
      .filter((f) => f !== "")
      .map((f) => f.replace(/^package\//, ""));
    expect(files).toEqual(
      expect.arrayContaining([
        "package.json",
        "LICENSE",
        "README.md",
        "bin/components/index.js",
        "bin/components/index.d.ts",
        "bin/policies/core/ses-regions.js",
        "bin/cli/main.js",
        "bin/cli/plan/main.js",
        "bin/testing/index.js",
        "bin/testing/index.d.ts",
        "policies/package.json",
        "policies/PulumiPolicy.yaml",
        "policies/bin/index.js",
        "docs/regions.md",
      ]),
    );
    const stray = files.filter(
      (f) =>
        (f.endsWith(".ts") && !f.endsWith(".d.ts")) ||
        /^(test|tools|bench|components|cli|testing)\//.test(f) ||
        f.startsWith("policies/rules/") ||
        f.startsWith("policies/node_modules/"),
    );
    expect(stray).toEqual([]);
  });
});

describe.each(SDKS)("in an infra repo with the %s SDKs", (_label, versions) => {
  let project: string;
  let installed: Record<string, string>;

  beforeAll(async () => {
    project = fs.mkdtempSync(path.join(work, "infra-"));
    fs.writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({ name: "infra", version: "1.0.0", private: true, main: "index.ts" }),
    );
    fs.writeFileSync(
      path.join(project, "Pulumi.yaml"),
      "name: infra\nruntime:\n  name: nodejs\n  options:\n    typescript: true\ndescription: Mail for example.com\n",
    );
    fs.writeFileSync(path.join(project, "Pulumi.dev.yaml"), "config:\n  aws:region: eu-west-1\n");
    fs.writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          outDir: "bin",
          target: "es2020",
          module: "commonjs",
          moduleResolution: "node",
          sourceMap: true,
          forceConsistentCasingInFileNames: true,
        },
        files: ["index.ts"],
      }),
    );
    fs.writeFileSync(path.join(project, "index.ts"), PROGRAM);
    fs.mkdirSync(path.join(project, "test"));
    fs.writeFileSync(path.join(project, "test", "program.test.ts"), UNIT_TEST);
    const install = await run(
      NPM,
      [
        "install",
        "--no-audit",
        "--no-fund",
        tarball,
        ...Object.entries(versions).map(([p, v]) => `${p}@${v}`),
        "typescript@~5.9.3",
        "ts-node@^10.9.2",
        "@types/node@^20",
      ],
      project,
    );
    expect(install.stderr).not.toMatch(/ERESOLVE|peer dep missing/i);
    expect(install.code).toBe(0);
    installed = Object.fromEntries(
      Object.keys(versions).map((p) => [
        p,
        (
          JSON.parse(
            fs.readFileSync(path.join(project, "node_modules", p, "package.json"), "utf8"),
          ) as { version: string }
        ).version,
      ]),
    );
  }, INSTALL_TIMEOUT);

  it("installs the SDK versions asked for, and exactly one copy of @pulumi/pulumi", () => {
    for (const [p, v] of Object.entries(versions)) {
      // Pulumi provider SDKs write their version with a leading v in package.json.
      if (v !== "latest") expect([p, installed[p].replace(/^v/, "")]).toEqual([p, v]);
    }
    expect(copiesOf(project, path.join("@pulumi", "pulumi"))).toEqual([
      path.join(project, "node_modules", "@pulumi", "pulumi"),
    ]);
  });

  it(
    "type-checks the MailDomain program, and refuses one with a wrong argument",
    async () => {
      const tsc = path.join(project, "node_modules", "typescript", "bin", "tsc");
      expect(await run(process.execPath, [tsc, "--noEmit", "-p", "."], project)).toEqual({
        code: 0,
        stdout: "",
        stderr: "",
      });
      fs.writeFileSync(
        path.join(project, "bad.ts"),
        'import { MailDomain } from "mailguard";\nexport const m = new MailDomain("mail", { domain: 42, cloudflareZoneId: "z" });\n',
      );
      const bad = await run(process.execPath, [tsc, "--noEmit", "--strict", "bad.ts"], project);
      fs.rmSync(path.join(project, "bad.ts"));
      expect(bad.code).not.toBe(0);
      expect(bad.stdout).toMatch(
        /bad\.ts\(2,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/,
      );
    },
    INSTALL_TIMEOUT,
  );

  it(
    "plans the program with npx mailguard plan, exit 0, and leaves no process behind",
    async () => {
      const mark = `infra-${process.pid}-${Date.now()}`;
      const plan = await run(
        NPM,
        ["exec", "--", "mailguard", "plan", "--config", "Pulumi.dev.yaml", "--timeout", "120"],
        project,
        { MAILGUARD_TEST_MARK: mark, NO_COLOR: "1" },
      );
      expect(plan.stderr).toBe("");
      expect(plan.code).toBe(0);
      expect(plan.stdout).toMatch(/^Offline plan of infra\/dev /);
      expect(plan.stdout).toMatch(
        /Policy findings \(mailguard [\d.]+, \d+ policies\): 0 mandatory/,
      );
      expect(plan.stdout).toMatch(
        /\n {2}mail\.example\.com +MX +3600 +no +10 feedback-smtp\.eu-west-1\.amazonses\.com\n/,
      );
      expect(plan.stdout).toMatch(/PASS: no mandatory policy violation\./);
      expect(processesMarked(mark)).toEqual([]);
    },
    INSTALL_TIMEOUT,
  );

  it(
    "ships a complete policy pack in node_modules/mailguard/policies",
    async () => {
      const packDir = path.join(project, "node_modules", "mailguard", "policies");
      expect(runPolicyPackScript(packDir)).toBe(
        path.join(project, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack"),
      );
      const pack = await startPolicyPack({ packDir, timeoutMs: 120_000, env: { NODE_PATH: "" } });
      try {
        const info = await pack.info();
        expect([info.name, info.version]).toEqual([
          "mailguard",
          (
            JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as {
              version: string;
            }
          ).version,
        ]);
        expect(info.policies.map((p) => p.name)).toContain("no-port-25-egress");
        const result = await pack.analyze({
          type: "aws:ec2/securityGroup:SecurityGroup",
          name: "web",
          properties: {
            egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
          },
        });
        expect(result.diagnostics.map((d) => [d.policyName, d.enforcementLevel])).toEqual([
          ["no-port-25-egress", "mandatory"],
        ]);
      } finally {
        await pack.close();
      }
    },
    INSTALL_TIMEOUT,
  );

  it(
    "passes an ordinary setMocks unit test of the program with mailguard/testing",
    async () => {
      const test = await run(
        process.execPath,
        ["--test", "-r", "ts-node/register/transpile-only", "test/program.test.ts"],
        project,
      );
      expect([test.code, test.stdout]).toEqual([0, expect.stringMatching(/# pass 1\n# fail 0\n/)]);
    },
    INSTALL_TIMEOUT,
  );
});
