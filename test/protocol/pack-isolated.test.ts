/**
 * The pack as `pulumi policy publish` ships it: policies/ alone, copied outside the repository,
 * its dependencies installed from its own lockfile with `npm ci` (whose `prepare` compiles the pack
 * with its own TypeScript to bin/, its main), then started as the CLI starts it (run-policy-pack
 * from the pack's own node_modules). Nothing resolves from the repository's node_modules, and nothing is written inside
 * the repository.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import {
  PolicyPackSession,
  runPolicyPackScript,
  startPolicyPack,
} from "../../cli/analyzer/policy-pack";

const run = promisify(execFile);
const repoPackDir = path.join(__dirname, "..", "..", "policies");

/** The published policy list: names are the public API, levels the defaults. */
const POLICIES: [string, "advisory" | "mandatory"][] = [
  ["no-port-25-egress", "mandatory"],
  ["vpc-default-security-group-closed", "advisory"],
  ["ec2-security-group-explicit", "advisory"],
  ["ses-tls-required", "mandatory"],
  ["ses-dkim-enabled", "mandatory"],
  ["ses-domain-dmarc-published", "mandatory"],
  ["ses-dns-records", "mandatory"],
  ["spf-record-valid", "mandatory"],
  ["spf-record-not-permissive", "mandatory"],
  ["spf-record-advice", "advisory"],
  ["dmarc-record-valid", "mandatory"],
  ["dmarc-policy-enforced", "mandatory"],
  ["dmarc-record-advice", "advisory"],
  ["dkim-record-valid", "mandatory"],
  ["dkim-key-strength", "advisory"],
  ["dkim-record-advice", "advisory"],
  ["mail-dns-not-proxied", "mandatory"],
  ["smtp-user-least-privilege", "mandatory"],
  ["smtp-endpoint-reachable", "advisory"],
];

/**
 * The environment without what would tie the install to the repository: NODE_PATH, and the
 * `npm_*` variables `npm test` sets (`npm_config_local_prefix` would point npm ci at the
 * repository's own folder).
 */
const isolatedEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: "" };
  for (const k of Object.keys(env)) {
    if (k.startsWith("npm_")) {
      delete env[k];
    }
  }
  return env;
};

let tmp: string;
let packDir: string;
let pack: PolicyPackSession | undefined;
let installMs = 0;

beforeAll(async () => {
  tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), "mailguard-pack-"));
  packDir = path.join(tmp, "policies");
  // The sources only: the copy must compile itself.
  await fs.promises.cp(repoPackDir, packDir, {
    recursive: true,
    filter: (src) => !["node_modules", "bin"].includes(path.basename(src)),
  });
  const started = Date.now();
  await run("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], {
    cwd: packDir,
    env: isolatedEnv(),
    maxBuffer: 16 * 1024 * 1024,
  });
  installMs = Date.now() - started;
  pack = await startPolicyPack({ packDir, timeoutMs: 45_000, env: { NODE_PATH: "" } });
}, 100_000);

afterAll(async () => {
  await pack?.close();
  if (tmp !== undefined) {
    await fs.promises.rm(tmp, { recursive: true, force: true });
  }
});

describe("the pack published alone", () => {
  it("installs from its own lockfile and compiles itself to the main run-policy-pack loads", () => {
    expect(JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8")).main).toBe(
      "bin/index.js",
    );
    expect(fs.existsSync(path.join(packDir, "bin", "index.js"))).toBe(true);
    for (const dep of [
      "@pulumi/policy",
      "@pulumi/pulumi",
      "typescript",
      "ts-node",
      "@types/node",
    ]) {
      expect([dep, fs.existsSync(path.join(packDir, "node_modules", dep, "package.json"))]).toEqual(
        [dep, true],
      );
    }
    expect(runPolicyPackScript(packDir)).toBe(
      path.join(packDir, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack"),
    );
    expect(installMs).toBeGreaterThan(0);
  });

  it("starts outside the repository and lists every policy with its level", async () => {
    const info = await pack!.info();
    expect(info.name).toBe("mailguard");
    expect(info.policies.map((p) => [p.name, p.enforcementLevel])).toEqual(POLICIES);
  });

  it("finds an egress violation on Analyze", async () => {
    const result = await pack!.analyze({
      type: "aws:ec2/securityGroup:SecurityGroup",
      name: "web",
      properties: {
        egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
      },
    });
    expect(result.diagnostics.map((d) => [d.policyName, d.enforcementLevel])).toEqual([
      ["no-port-25-egress", "mandatory"],
    ]);
    expect(result.diagnostics[0].message).toContain(
      'aws:ec2/securityGroup:SecurityGroup "web": Egress rule egress[0] allows TCP port 25',
    );
  });
});
