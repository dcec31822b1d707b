/**
 * Infra repos consume mailguard as a dependency. This packs the package as `npm publish` would
 * (running `prepare`, which builds), installs the tarball into a throwaway project and uses it
 * there, from JavaScript and from TypeScript.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const REPO = path.join(__dirname, "..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

let work: string;
let tarball: string;
let consumer: string;

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      npm_config_audit: "false",
      npm_config_fund: "false",
      npm_config_update_notifier: "false",
    },
  });
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "mailguard-pack-"));
  run(NPM, ["pack", "--pack-destination", work], REPO);
  const packed = fs.readdirSync(work).filter((f) => f.endsWith(".tgz"));
  expect(packed).toHaveLength(1);
  tarball = path.join(work, packed[0]);
  consumer = path.join(work, "consumer");
  fs.mkdirSync(consumer);
  fs.writeFileSync(
    path.join(consumer, "package.json"),
    JSON.stringify({ name: "consumer", version: "1.0.0", private: true }),
  );
  // Dependencies come from the npm cache when they are there (they are after the repo's install).
  run(NPM, ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], consumer);
}, 180_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("the packed package", () => {
  it("holds the compiled components and core with declarations, and no sources, tests or tools", () => {
    const files = run("tar", ["-tzf", tarball], work)
      .split("\n")
      .filter((f) => f !== "")
      .map((f) => f.replace(/^package\//, ""));
    expect(files).toEqual(
      expect.arrayContaining([
        "package.json",
        "bin/components/index.js",
        "bin/components/index.d.ts",
        "bin/components/mailDomain.js",
        "bin/components/mailDomain.d.ts",
        "bin/policies/core/finding.js",
        "bin/policies/core/spf.js",
      ]),
    );
    const stray = files.filter(
      (f) =>
        (f.endsWith(".ts") && !f.endsWith(".d.ts")) ||
        f.startsWith("test/") ||
        f.startsWith("tools/") ||
        f.startsWith("components/") ||
        f === "index.js" ||
        f.startsWith("bin/test/") ||
        f.startsWith("bin/tools/"),
    );
    expect(stray).toEqual([]);
  });

  it("installs into a new project, where require('mailguard').MailDomain is a component class", () => {
    const out = run(
      process.execPath,
      [
        "-e",
        `const m = require("mailguard");
         const names = ["MailDomain", "SesSender", "SmtpCredentials", "CloudflareMailRecords", "NoSmtpEgressSecurityGroup"];
         console.log(JSON.stringify({
           types: names.map((n) => typeof m[n]),
           component: Object.getPrototypeOf(m.MailDomain.prototype).constructor.name,
           resolved: require.resolve("mailguard"),
         }));`,
      ],
      consumer,
    );
    const result = JSON.parse(out.trim());
    expect(result.types).toEqual(["function", "function", "function", "function", "function"]);
    expect(result.component).toBe("ComponentResource");
    expect(result.resolved).toBe(
      path.join(
        fs.realpathSync(consumer),
        "node_modules",
        "mailguard",
        "bin",
        "components",
        "index.js",
      ),
    );
  });

  it("type-checks a TypeScript consumer that imports MailDomain through the declared types", () => {
    fs.writeFileSync(
      path.join(consumer, "index.ts"),
      [
        'import { MailDomain, MailDomainArgs, SmtpBundle } from "mailguard";',
        'const args: MailDomainArgs = { domain: "example.com", cloudflareZoneId: "zone", region: "eu-west-1" };',
        'export function build(): MailDomain { return new MailDomain("mail", args); }',
        "export type Bundle = SmtpBundle;",
        "",
      ].join("\n"),
    );
    fs.writeFileSync(
      path.join(consumer, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: "commonjs",
          moduleResolution: "node",
          target: "ES2022",
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ["index.ts"],
      }),
    );
    const tsc = (project: string) => {
      const r = spawnSync(
        process.execPath,
        [path.join(REPO, "node_modules", "typescript", "bin", "tsc"), "-p", project],
        { cwd: consumer, encoding: "utf8" },
      );
      return { status: r.status, output: `${r.stdout}${r.stderr}` };
    };
    expect(tsc("tsconfig.json")).toEqual({ status: 0, output: "" });
    // A wrong argument must fail, or the check above proves nothing.
    fs.writeFileSync(
      path.join(consumer, "bad.ts"),
      'import { MailDomain } from "mailguard";\nexport const m = new MailDomain("mail", { domain: 42 });\n',
    );
    fs.writeFileSync(
      path.join(consumer, "tsconfig.bad.json"),
      JSON.stringify({ extends: "./tsconfig.json", files: ["bad.ts"] }),
    );
    const bad = tsc("tsconfig.bad.json");
    expect(bad.status).not.toBe(0);
    expect(bad.output).toMatch(
      /bad\.ts\(2,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/,
    );
  });
});
