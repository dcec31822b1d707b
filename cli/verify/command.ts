/**
 * The `verify` command for commander: option parsing, reading the stack outputs and CA files,
 * printing the report, and the exit status (0 every check passes, 1 one fails, 2 usage error).
 * `verifyCommand()` is mounted under the `mailguard` program; `runVerifyCli()` runs it alone.
 */
import * as fs from "fs";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { fromUser } from "../paths";
import { UsageError } from "./expectations";
import { COLOR, exitCodeOf, PLAIN, renderReport, reportJson } from "./report";
import { runVerify, type VerifyOptions } from "./run";

export interface VerifyIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: Record<string, string | undefined>;
  /** Receives the exit status when the action ends. */
  exit(code: number): void;
}

function defaultIo(): VerifyIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    exit: (code) => {
      process.exitCode = code;
    },
  };
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535)
    throw new InvalidArgumentError("a port is a number from 1 to 65535.");
  return n;
}

function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => (text += chunk));
    stream.on("end", () => resolve(text));
    stream.on("error", reject);
  });
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (stream.write(text)) resolve();
    else stream.once("drain", () => resolve());
  });
}

interface ParsedOptions {
  domain: string;
  region: string;
  stackOutputs?: string;
  resolver?: string;
  smtpHost?: string;
  smtpPort?: number;
  smtpTlsPort?: number;
  ca?: string;
  aws: boolean;
  smtp: boolean;
  sendTest?: boolean | string;
  from?: string;
  probePort25?: string;
  json?: boolean;
}

/** Reads the files the options name and builds runVerify's options; UsageError when one is bad. */
export async function verifyOptionsFrom(
  parsed: ParsedOptions,
  io: VerifyIo,
): Promise<VerifyOptions> {
  let stackOutputs: unknown;
  if (parsed.stackOutputs !== undefined) {
    const from = parsed.stackOutputs === "-" ? "standard input" : parsed.stackOutputs;
    let text: string;
    try {
      text =
        parsed.stackOutputs === "-"
          ? await readAll(io.stdin)
          : fs.readFileSync(fromUser(parsed.stackOutputs), "utf8");
    } catch (e) {
      throw new UsageError(`--stack-outputs ${from}: ${(e as Error).message}`);
    }
    try {
      stackOutputs = JSON.parse(text);
    } catch (e) {
      throw new UsageError(
        `--stack-outputs ${from} is not JSON (${(e as Error).message}); save it with pulumi stack output --json --show-secrets`,
      );
    }
  }
  let ca: string | undefined;
  if (parsed.ca !== undefined) {
    try {
      ca = fs.readFileSync(fromUser(parsed.ca), "utf8");
    } catch (e) {
      throw new UsageError(`--ca ${parsed.ca}: ${(e as Error).message}`);
    }
    if (!ca.includes("-----BEGIN CERTIFICATE-----"))
      throw new UsageError(`--ca ${parsed.ca} holds no PEM certificate`);
  }
  return {
    domain: parsed.domain,
    region: parsed.region,
    stackOutputs,
    resolver: parsed.resolver,
    smtpHost: parsed.smtpHost,
    smtpPort: parsed.smtpPort,
    smtpTlsPort: parsed.smtpTlsPort,
    ca,
    aws: parsed.aws,
    smtp: parsed.smtp,
    sendTest: parsed.sendTest,
    from: parsed.from,
    probePort25: parsed.probePort25,
    env: io.env,
  };
}

const AFTER_HELP = `
Expected values come from the stack outputs when given, otherwise from the domain and region.
SMTP credentials: MAILGUARD_SMTP_USERNAME and MAILGUARD_SMTP_PASSWORD, else the stack outputs'
bundle, else the Secrets Manager secret they name. AWS credentials: the SDK's usual chain.

Exit status: 0 when every check passes (warnings and skips included), 1 when one fails,
2 on a usage error. docs/verify.md describes every check.
`;

/**
 * The `verify` command; its action reports through `io` (default: the process's streams and
 * environment) and passes the exit status to `io.exit`, or to `done` when a function is given, as
 * the `mailguard` program mounts its commands: `verifyCommand(done)`.
 */
export function verifyCommand(given: Partial<VerifyIo> | ((code: number) => void) = {}): Command {
  const io: VerifyIo = {
    ...defaultIo(),
    ...(typeof given === "function" ? { exit: given } : given),
  };
  const command = new Command("verify")
    .description(
      "Checks a deployed mail domain: DNS as receivers see it, SES, SMTP submission on 587/465, port 25 egress, and mailbox providers' rules.",
    )
    .requiredOption("--domain <domain>", "the sending domain (the SES identity)")
    .requiredOption("--region <region>", "the SES region of the identity")
    .option(
      "--stack-outputs <file>",
      "pulumi stack output --json --show-secrets, saved to FILE, or - for standard input",
    )
    .option(
      "--resolver <host[:port]>",
      "the DNS resolver to ask, an IP address (default: the system's)",
    )
    .option(
      "--smtp-host <host>",
      "the SMTP host (default: the bundle's, else SES's endpoint in the region)",
    )
    .option("--smtp-port <port>", "the STARTTLS submission port (default: 587)", port)
    .option(
      "--smtp-tls-port <port>",
      "the implicit TLS port (default: 465; not checked when only --smtp-port is given)",
      port,
    )
    .option("--ca <file>", "PEM of a private CA to trust for the SMTP certificate")
    .option("--no-aws", "do not ask SES or CloudWatch")
    .option("--no-smtp", "do not try SMTP submission")
    .option(
      "--send-test [address]",
      "send one message (default recipient on SES: success@simulator.amazonses.com)",
    )
    .option(
      "--from <address>",
      "From address of the test message (default: mailguard-verify@<domain>)",
    )
    .option(
      "--probe-port-25 <host[:port]>",
      "a host listening on 25 to probe (default: the region's SES feedback host)",
    )
    .option("--json", "print one JSON document")
    .addHelpText("after", AFTER_HELP)
    .showHelpAfterError("(see --help)")
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .action(async (parsed: ParsedOptions) => {
      let code: number;
      try {
        const report = await runVerify(await verifyOptionsFrom(parsed, io));
        if (parsed.json === true) {
          await write(io.stdout, `${JSON.stringify(reportJson(report), null, 2)}\n`);
        } else {
          const tty = io.stdout.isTTY === true && io.env.NO_COLOR === undefined;
          await write(
            io.stdout,
            renderReport(report, tty ? COLOR : PLAIN, io.stdout.columns ?? 120),
          );
        }
        code = exitCodeOf(report);
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        await write(io.stderr, `error: ${e.message}\n`);
        code = 2;
      }
      io.exit(code);
    });
  return command;
}

/** The exit status for commander's own errors: 0 for --help, 2 for a usage error. */
export function exitCodeOfCommanderError(e: CommanderError): number {
  return e.code === "commander.helpDisplayed" ||
    e.code === "commander.help" ||
    e.code === "commander.version"
    ? 0
    : 2;
}

/** Runs `verify` with `argv` (the arguments after the command name) and returns the exit status. */
export async function runVerifyCli(
  argv: readonly string[],
  given: Partial<VerifyIo> = {},
): Promise<number> {
  let code = 0;
  const command = verifyCommand({ ...given, exit: (c) => (code = c) }).exitOverride();
  try {
    await command.parseAsync([...argv], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return exitCodeOfCommanderError(e);
    throw e;
  }
  return code;
}
