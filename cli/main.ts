#!/usr/bin/env node
/**
 * The `mailguard` command: `plan` (the offline plan of a Pulumi program) and `verify` (what is
 * live). Exit status: 0 pass, 1 findings, 2 usage error (or a program error, or a deadline).
 */
import { Command, CommanderError } from "commander";
import { packageVersion } from "./paths";
import { planCommand } from "./plan/command";
import { verifyCommand } from "./verify/command";

/** Exit status of a usage error. */
export const USAGE_EXIT = 2;

/** The `mailguard` program; `done` receives the exit status of the command that ran. */
export function mailguardProgram(done: (code: number) => void): Command {
  const program = new Command("mailguard")
    .description(
      "Send email safely from cloud servers: plan a Pulumi program offline against the mailguard policy pack, or verify a deployed domain.",
    )
    .version(packageVersion())
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const command of [planCommand(done), verifyCommand(done)]) {
    program.addCommand(command.exitOverride().showHelpAfterError("(run with --help for usage)"));
  }
  return program;
}

/** Runs the command line and returns the exit status. */
export async function run(argv: readonly string[]): Promise<number> {
  let code = 0;
  const program = mailguardProgram((c) => (code = c));
  if (argv.length === 0) {
    program.outputHelp();
    return USAGE_EXIT;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version end with exit code 0; every other commander error is a usage error.
      return e.exitCode === 0 ? 0 : USAGE_EXIT;
    }
    throw e;
  }
  return code;
}

/**
 * Ctrl-C or a termination signal ends the command at once; the 'exit' hooks end any policy pack
 * it started (cli/analyzer/policy-pack.ts), so nothing is left running.
 */
function exitOnSignals(): void {
  process.once("SIGINT", () => process.exit(130));
  process.once("SIGTERM", () => process.exit(143));
}

if (require.main === module) {
  exitOnSignals();
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(USAGE_EXIT);
    },
  );
}
