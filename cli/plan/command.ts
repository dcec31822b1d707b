/**
 * `mailguard plan`: the command-line face of the offline plan (cli/plan/main.ts), for any Pulumi
 * TypeScript program. Exit status: 0 no mandatory finding, 1 a mandatory finding, 2 a usage or
 * program error or a passed deadline.
 */
import * as fs from "fs";
import * as path from "path";
import { Command, InvalidArgumentError, Option } from "commander";
import { ConfigError } from "./config";
import { DEFAULT_TIMEOUT_SECONDS, UsageError, type PlanArgs } from "./args";
import { buildPlan, DeadlineError, ProgramError, Progress } from "./main";
import { mandatoryOf, PolicyConfigError } from "./policy";
import { COLOR, PLAIN, renderReport, reportJson, writeZoneFiles } from "./render";
import { fromUser } from "../paths";

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (stream.write(text)) resolve();
    else stream.once("drain", () => resolve());
  });
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError("give a number of seconds above 0, such as 120.");
  }
  return n;
}

/** Runs a plan as the command does and returns its exit status (output written to stdout/stderr). */
export async function runPlan(args: PlanArgs): Promise<number> {
  const progress = new Progress(process.stderr);
  let report;
  try {
    report = await buildPlan(args, progress);
  } catch (e) {
    progress.done();
    const known =
      e instanceof UsageError ||
      e instanceof ConfigError ||
      e instanceof PolicyConfigError ||
      e instanceof ProgramError ||
      e instanceof DeadlineError;
    await write(
      process.stderr,
      `error: ${known ? e.message : ((e as Error).stack ?? String(e))}\n`,
    );
    return 2;
  }
  progress.done();

  let written: string[] = [];
  if (args.zoneFile !== undefined) {
    try {
      const dir = fromUser(args.zoneFile);
      fs.mkdirSync(dir, { recursive: true });
      written = writeZoneFiles(dir, report);
    } catch (e) {
      await write(process.stderr, `error: cannot write the zone files: ${(e as Error).message}\n`);
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
    for (const file of written) {
      await write(process.stdout, `Zone file written: ${path.relative(fromUser("."), file)}\n`);
    }
  }
  return mandatoryOf(report.findings).length > 0 ? 1 : 0;
}

/** The `plan` subcommand; `done` receives the exit status. */
export function planCommand(done: (code: number) => void): Command {
  return new Command("plan")
    .description(
      "Simulate a deployment of a Pulumi TypeScript program offline (mock runtime, provider simulator, no cloud account), enforce the mailguard policy pack over the analyzer protocol as `pulumi preview --policy-pack` does, and judge SPF, DKIM and DMARC.",
    )
    .option("--program <dir>", "Pulumi program folder", ".")
    .option(
      "--config <file>",
      "Pulumi stack file (default: Pulumi.dev.yaml of the program, or its only Pulumi.<stack>.yaml)",
    )
    .option("--policy-pack <dir>", "policy pack folder (default: the pack shipped with mailguard)")
    .option(
      "--policy-config <file>",
      "policy configuration, in the format of pulumi preview --policy-pack-config",
    )
    .option(
      "--zone-file <dir>",
      "also write the DNS records to this folder, one BIND zone file per zone",
    )
    .option("--json", "print one JSON document (for CI)", false)
    .addOption(
      new Option("--timeout <seconds>", "give up after this long, naming what did not answer")
        .argParser(seconds)
        .default(DEFAULT_TIMEOUT_SECONDS),
    )
    .addHelpText(
      "after",
      "\nExit status: 0 when no mandatory policy is violated, 1 when one is, 2 on a usage or program error or when the deadline passes.",
    )
    .action(async (opts: Record<string, unknown>) => {
      done(
        await runPlan({
          program: opts.program as string,
          config: opts.config as string | undefined,
          policyPack: opts.policyPack as string | undefined,
          policyConfig: opts.policyConfig as string | undefined,
          zoneFile: opts.zoneFile as string | undefined,
          json: opts.json === true,
          timeoutSeconds: opts.timeout as number,
        }),
      );
    });
}
