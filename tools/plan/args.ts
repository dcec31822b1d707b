/** Command-line arguments of `npm start` (tools/plan/main.ts). */

export interface PlanArgs {
  /** Pulumi stack file; default: `Pulumi.dev.yaml` in the program folder. */
  config?: string;
  /** Folder of the Pulumi TypeScript program; default: the repository root (the example). */
  program?: string;
  /** Policy config in the format of `pulumi preview --policy-pack-config`. */
  policyConfig?: string;
  /** Policy pack folder; default: `policies/` of the repository. */
  policyPack?: string;
  /** Also write the DNS records to this file in BIND zone-file format. */
  zoneFile?: string;
  /** Print one JSON document instead of the report. */
  json: boolean;
  help: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: npm start -- [options]

Previews a Pulumi program offline (mock runtime and provider simulator, no cloud account),
runs the mailguard policy pack over the analyzer protocol, and judges SPF, DKIM and DMARC.

Options:
  --config FILE          Pulumi stack file (default: Pulumi.dev.yaml of the program)
  --program DIR          Pulumi TypeScript program folder (default: the example at the repo root)
  --policy-config FILE   policy configuration, as for pulumi preview --policy-pack-config
  --policy-pack DIR      policy pack folder (default: policies/)
  --zone-file FILE       also write the DNS records in BIND zone-file format
  --json                 print one JSON document (for CI)
  -h, --help             show this help

Exit status: 0 when no mandatory policy is violated, 1 when one is, 2 on a usage or program error.
`;

const VALUED: Record<string, keyof PlanArgs> = {
  "--config": "config",
  "--program": "program",
  "--policy-config": "policyConfig",
  "--policy-pack": "policyPack",
  "--zone-file": "zoneFile",
};

/** Parses `argv` (without node and the script); throws UsageError naming the bad argument. */
export function parseArgs(argv: readonly string[]): PlanArgs {
  const args: PlanArgs = { json: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (flag === "--json") {
      if (eq > 0) throw new UsageError(`--json takes no value (got "${arg}")`);
      args.json = true;
    } else if (flag === "--help" || flag === "-h") {
      args.help = true;
    } else if (flag in VALUED) {
      let value: string | undefined;
      if (eq > 0) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) value = argv[++i];
      if (value === undefined || value === "")
        throw new UsageError(`${flag} needs a value: ${flag} FILE`);
      const key = VALUED[flag];
      if (args[key] !== undefined) throw new UsageError(`${flag} given twice`);
      (args as unknown as Record<string, string>)[key] = value;
    } else {
      throw new UsageError(`unknown argument "${arg}"; see --help`);
    }
  }
  return args;
}
