/**
 * `npm start`: the offline plan. Simulates a deployment of a Pulumi program with no cloud account
 * (Pulumi's mock runtime and the provider simulator), enforces the policy pack over the analyzer protocol as
 * `pulumi preview --policy-pack` does, and says whether the mail SES sends for the domain will pass
 * SPF, DKIM and DMARC. Exits 1 on any mandatory policy violation, 2 on a usage or program error.
 */
import * as fs from "fs";
import * as path from "path";
import { ProviderSimulator } from "../simulator";
import { parseArgs, USAGE, UsageError, type PlanArgs } from "./args";
import { ConfigError, loadStackConfig } from "./config";
import { smtpSettings, sesDomains } from "./mail";
import { analyzePlan, effectiveConfig, startPolicyPack, type PolicyPackSession } from "./pack";
import { mandatoryOf, PolicyConfigError, readPolicyConfig, type PolicyConfig } from "./policy";
import { runProgram } from "./program";
import { cloudflareZoneNames, plannedRecords } from "./records";
import { COLOR, PLAIN, renderReport, reportJson, zoneFile, type PlanReport } from "./render";
import { deliverabilityVerdict } from "./verdict";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/**
 * Where relative paths on the command line are meant from: npm runs scripts in the package root,
 * but keeps the folder `npm start` was typed in as INIT_CWD.
 */
export function fromUser(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

/** A one-line spinner on stderr when it is a terminal; silent otherwise. */
export class Progress {
  private timer?: NodeJS.Timeout;
  private label = "";
  private frame = 0;
  private readonly started = Date.now();
  constructor(private readonly stream: NodeJS.WriteStream & { isTTY?: boolean }) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  step(label: string): void {
    if (!this.enabled) return;
    this.label = label;
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.draw(), 100);
      this.timer.unref();
    }
    this.draw();
  }

  private draw(): void {
    const frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
    const secs = ((Date.now() - this.started) / 1000).toFixed(1);
    this.stream.write(
      `\r\u001b[2K${frames[this.frame++ % frames.length]} ${this.label} (${secs}s)`,
    );
  }

  done(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.enabled) this.stream.write("\r\u001b[2K");
  }
}

/** The program or the policy pack failed; the message says which and why. */
class ProgramError extends Error {}

function resolveInputs(args: PlanArgs) {
  const programDir = args.program !== undefined ? fromUser(args.program) : REPO_ROOT;
  if (!fs.existsSync(programDir) || !fs.statSync(programDir).isDirectory()) {
    throw new UsageError(`--program ${args.program}: not a folder`);
  }
  let configFile =
    args.config !== undefined ? fromUser(args.config) : path.join(programDir, "Pulumi.dev.yaml");
  if (args.config === undefined && !fs.existsSync(configFile)) {
    const stacks = fs.readdirSync(programDir).filter((f) => /^Pulumi\..+\.ya?ml$/.test(f));
    if (stacks.length !== 1) {
      throw new UsageError(
        `no Pulumi.dev.yaml in ${programDir}: pass the stack file with --config FILE`,
      );
    }
    configFile = path.join(programDir, stacks[0]);
  }
  if (!fs.existsSync(configFile)) throw new UsageError(`--config ${args.config}: no such file`);
  const packDir =
    args.policyPack !== undefined ? fromUser(args.policyPack) : path.join(REPO_ROOT, "policies");
  if (!fs.existsSync(path.join(packDir, "PulumiPolicy.yaml"))) {
    throw new UsageError(`${packDir} is not a policy pack (no PulumiPolicy.yaml)`);
  }
  return { programDir, configFile, packDir };
}

/** Builds the plan; the pack is started while the program runs, and always closed. */
export async function buildPlan(args: PlanArgs, progress: Progress): Promise<PlanReport> {
  const { programDir, configFile, packDir } = resolveInputs(args);
  const config = loadStackConfig(configFile, programDir);
  const policyConfig: PolicyConfig =
    args.policyConfig !== undefined ? readPolicyConfig(fromUser(args.policyConfig)) : {};
  const region = config.values["aws:region"] ?? "us-east-1";

  const t0 = Date.now();
  const timings: Record<string, number> = {};
  progress.step("Starting the policy pack and running the program");
  const packStart = startPolicyPack({ packDir });
  // A failed start is reported where it is awaited; do not let it go unhandled meanwhile.
  packStart.catch(() => undefined);
  let session: PolicyPackSession | undefined;
  try {
    const simulator = new ProviderSimulator({ region });
    let run;
    try {
      run = await runProgram({ programDir, config, mocks: simulator });
      timings.program = Date.now() - t0;
    } catch (e) {
      throw new ProgramError(
        `the program in ${programDir} failed: ${(e as Error).message ?? String(e)}`,
      );
    }
    progress.step("Waiting for the policy pack");
    try {
      session = await packStart;
    } catch (e) {
      throw new ProgramError(
        `the policy pack in ${packDir} did not start: ${(e as Error).message}`,
      );
    }
    timings.packStart = session.startupMs;
    const t1 = Date.now();
    const info = await session.info();
    await session.configure(effectiveConfig(info, policyConfig));
    progress.step(`Analyzing ${run.resources.length} resources`);
    const findings = await analyzePlan(session, run.resources);
    timings.analyze = Date.now() - t1;
    const t2 = Date.now();

    progress.step("Judging SPF, DKIM and DMARC");
    const records = plannedRecords(run.resources, cloudflareZoneNames(run.resources));
    const verdicts = [];
    for (const d of sesDomains(run.resources, region)) {
      verdicts.push(
        await deliverabilityVerdict({
          domain: d.domain,
          region: d.region,
          records,
          mailFromDomain: d.mailFromDomain,
          dkim: d.dkim,
        }),
      );
    }
    timings.verdict = Date.now() - t2;
    timings.total = Date.now() - t0;
    const notes = [
      ...run.warnings,
      ...config.undecrypted.map(
        (k) =>
          `Config ${k} is encrypted (secure:) and cannot be decrypted offline; the program saw a placeholder.`,
      ),
    ];
    return {
      project: config.project,
      stack: config.stack,
      program: path.relative(fromUser("."), programDir) || ".",
      config: path.relative(fromUser("."), configFile),
      resources: run.resources,
      records,
      smtp: smtpSettings(run, region),
      findings,
      verdicts,
      policyPack: { name: info.name, version: info.version, policies: info.policies.length },
      notes,
      timings,
    };
  } finally {
    if (session === undefined) session = await packStart.catch(() => undefined);
    await session?.close();
  }
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (stream.write(text)) resolve();
    else stream.once("drain", () => resolve());
  });
}

/** Runs the command and returns its exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  let args: PlanArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    await write(process.stderr, `error: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    await write(process.stdout, USAGE);
    return 0;
  }
  const progress = new Progress(process.stderr);
  let report: PlanReport;
  try {
    report = await buildPlan(args, progress);
  } catch (e) {
    progress.done();
    const known =
      e instanceof UsageError ||
      e instanceof ConfigError ||
      e instanceof PolicyConfigError ||
      e instanceof ProgramError;
    await write(
      process.stderr,
      `error: ${known ? e.message : ((e as Error).stack ?? String(e))}\n`,
    );
    return 2;
  }
  progress.done();

  if (args.zoneFile !== undefined) {
    const domains = [...new Set(report.verdicts.map((v) => v.domain))].join(", ") || "the plan";
    try {
      fs.writeFileSync(
        fromUser(args.zoneFile),
        zoneFile(report.records, [
          `DNS records of ${report.project}/${report.stack} for ${domains}, from the mailguard offline plan.`,
          "Publish every record unproxied; Cloudflare's automatic TTL is written as 300.",
        ]),
      );
    } catch (e) {
      await write(process.stderr, `error: cannot write the zone file: ${(e as Error).message}\n`);
      return 2;
    }
  }
  if (args.json) {
    await write(process.stdout, `${JSON.stringify(reportJson(report), null, 2)}\n`);
  } else {
    const tty = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
    await write(
      process.stdout,
      renderReport(report, tty ? COLOR : PLAIN, process.stdout.columns ?? 120),
    );
    if (args.zoneFile !== undefined)
      await write(process.stdout, `Zone file written to ${args.zoneFile}\n`);
  }
  return mandatoryOf(report.findings).length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`error: ${String(e)}\n`);
      process.exit(2);
    },
  );
}
