/**
 * `mailguard plan` (and `npm start` in this repository): the offline plan. Simulates a deployment
 * of a Pulumi program with no cloud account (Pulumi's mock runtime and the provider simulator),
 * enforces the policy pack over the analyzer protocol as `pulumi preview --policy-pack` does, and
 * says whether the mail SES sends for the domain will pass SPF, DKIM and DMARC. Exits 1 on any
 * mandatory policy violation, 2 on a usage or program error, or when the deadline passes.
 */
import * as fs from "fs";
import * as path from "path";
import { ProviderSimulator } from "../../testing/simulator";
import { fromUser, shippedPolicyPack } from "../paths";
import { UsageError, type PlanArgs } from "./args";
import { loadStackConfig } from "./config";
import { smtpSettings, sesDomains, type SesDomain } from "./mail";
import { analyzePlan, effectiveConfig, startPolicyPack, type PolicyPackSession } from "./pack";
import { readPolicyConfig, type PolicyConfig } from "./policy";
import { ROOT_STACK_TYPE, runProgram, type PlannedResource } from "./program";
import { providerTablesOf } from "./providers";
import {
  lookedUpZoneNames,
  plannedRecords,
  plannedZones,
  zoneNamesOf,
  type PlannedRecord,
} from "./records";
import type { PlanReport } from "./render";
import { deliverabilityVerdict } from "./verdict";

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
export class ProgramError extends Error {}

/** The plan did not finish in time; the message says what did not answer. */
export class DeadlineError extends Error {}

/**
 * One deadline for the whole plan: each step races it, and the step that is still waiting when
 * it passes is what the error names.
 */
export class Deadline {
  private readonly at: number;
  constructor(readonly seconds: number) {
    this.at = Date.now() + seconds * 1000;
  }

  /** Milliseconds left, at least 1. */
  remaining(): number {
    return Math.max(1, this.at - Date.now());
  }

  /** `promise`, or a DeadlineError naming `what` when the deadline passes first. */
  race<T>(promise: Promise<T>, what: () => string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new DeadlineError(
              `the plan did not finish within ${this.seconds} s (--timeout): ${what()}`,
            ),
          ),
        this.remaining(),
      );
    });
    return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
  }
}

function resolveInputs(args: PlanArgs) {
  const programDir = fromUser(args.program ?? ".");
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
  const packDir = args.policyPack !== undefined ? fromUser(args.policyPack) : shippedPolicyPack();
  if (!fs.existsSync(path.join(packDir, "PulumiPolicy.yaml"))) {
    throw new UsageError(`${packDir} is not a policy pack (no PulumiPolicy.yaml)`);
  }
  return { programDir, configFile, packDir };
}

/**
 * Marks the records whose values the simulator made up: Easy DKIM CNAMEs named after the tokens it
 * issued, and BYODKIM key records of the key it generated.
 */
export function markSimulated(records: PlannedRecord[], domains: readonly SesDomain[]): void {
  for (const d of domains) {
    for (const r of records) {
      const first = r.name.split(".")[0];
      if (
        d.dkim.kind === "easy" &&
        r.type === "CNAME" &&
        d.dkim.tokens.some((t) => t.toLowerCase() === first) &&
        r.name === `${first}._domainkey.${d.domain}`
      ) {
        r.simulated =
          "an Easy DKIM token made up by the plan's simulator; SES issues the real three when it creates the identity";
      } else if (
        d.dkim.kind === "byodkim" &&
        r.type === "TXT" &&
        r.name === `${d.dkim.selector}._domainkey.${d.domain}`
      ) {
        r.simulated =
          "the public key of a DKIM key the plan's simulator generated; the deployment generates its own";
      }
    }
  }
}

/**
 * The first Pulumi CLI whose engine imports a resource whose program inputs differ from the live
 * ones and updates it in the same deployment (CHANGELOG 3.174.0, pulumi/pulumi#19339); older
 * CLIs stop with "inputs to import do not match the existing resource".
 */
export const IMPORT_WITH_UPDATE_CLI = "3.174.0";

/** A note for each resource the program adopts with the `import` option. */
export function adoptionNotes(resources: readonly PlannedResource[]): string[] {
  return resources
    .filter((r) => r.options.import !== undefined)
    .map(
      (r) =>
        `${r.type} "${r.name}" adopts the live resource ${r.options.import} (the import option): pulumi up takes it over and replaces its value in place, which needs Pulumi CLI ${IMPORT_WITH_UPDATE_CLI} or later. The plan cannot read the live record; it shows what the deployment publishes.`,
    );
}

/** Builds the plan; the pack is started while the program runs, and always closed. */
export async function buildPlan(args: PlanArgs, progress: Progress): Promise<PlanReport> {
  const { programDir, configFile, packDir } = resolveInputs(args);
  const config = loadStackConfig(configFile, programDir);
  const policyConfig: PolicyConfig =
    args.policyConfig !== undefined ? readPolicyConfig(fromUser(args.policyConfig)) : {};
  const region = config.values["aws:region"] ?? "us-east-1";

  const deadline = new Deadline(args.timeoutSeconds);
  const t0 = Date.now();
  const timings: Record<string, number> = {};
  progress.step("Starting the policy pack and running the program");
  const packStart = startPolicyPack({ packDir, timeoutMs: deadline.remaining() });
  // A failed start is reported where it is awaited; do not let it go unhandled meanwhile.
  packStart.catch(() => undefined);
  let session: PolicyPackSession | undefined;
  try {
    const simulator = new ProviderSimulator({ region });
    let run;
    try {
      run = await deadline.race(runProgram({ programDir, config, mocks: simulator }), () => {
        const last = simulator.resources[simulator.resources.length - 1];
        return `the program in ${programDir} did not finish: it registered ${simulator.resources.length} resources${last ? `, the last ${last.type} "${last.name}"` : ""}, then waited on something that never resolved.`;
      });
      timings.program = Date.now() - t0;
    } catch (e) {
      if (e instanceof DeadlineError) throw e;
      throw new ProgramError(
        `the program in ${programDir} failed: ${(e as Error).message ?? String(e)}`,
      );
    }
    progress.step("Waiting for the policy pack");
    try {
      session = await deadline.race(
        packStart,
        () => `the policy pack in ${packDir} did not print its port.`,
      );
    } catch (e) {
      if (e instanceof DeadlineError) throw e;
      throw new ProgramError(
        `the policy pack in ${packDir} did not start: ${(e as Error).message}`,
      );
    }
    timings.packStart = session.startupMs;
    const t1 = Date.now();
    const pack = session;
    const info = await deadline.race(
      pack.info(),
      () => `the policy pack in ${packDir} did not answer GetAnalyzerInfo.`,
    );
    const configNotes: string[] = [];
    await deadline.race(
      pack.configure(effectiveConfig(info, policyConfig, (m) => configNotes.push(m))),
      () => `the policy pack in ${packDir} did not answer Configure.`,
    );
    progress.step(`Analyzing ${run.resources.length} resources`);
    const progressOf = { at: "" };
    const findings = await deadline.race(
      analyzePlan(pack, run.resources, (at) => (progressOf.at = at), config),
      () => `the policy pack in ${packDir} did not answer ${progressOf.at || "Analyze"}.`,
    );
    timings.analyze = Date.now() - t1;
    const t2 = Date.now();

    progress.step("Judging SPF, DKIM and DMARC");
    const zoneNames = { ...lookedUpZoneNames(simulator.calls), ...zoneNamesOf(run.resources) };
    const records = plannedRecords(run.resources, zoneNames);
    const domains = sesDomains(run.resources, region);
    markSimulated(records, domains);
    const verdicts = [];
    for (const d of domains) {
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
    const providers = providerTablesOf(run.resources, domains, verdicts);
    timings.verdict = Date.now() - t2;
    timings.total = Date.now() - t0;
    const notes = [
      ...run.warnings,
      ...adoptionNotes(run.resources),
      ...configNotes,
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
      zones: plannedZones(records, zoneNames),
      outputs: run.resources.find((r) => r.type === ROOT_STACK_TYPE)?.wireOutputs ?? {},
      smtp: smtpSettings(run, region),
      findings,
      verdicts,
      providers,
      policyPack: { name: info.name, version: info.version, policies: info.policies.length },
      notes,
      timings,
    };
  } finally {
    if (session === undefined) session = await packStart.catch(() => undefined);
    await session?.close();
  }
}
