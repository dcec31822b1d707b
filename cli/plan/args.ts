/** Options of `mailguard plan` (cli/plan/command.ts). */

export interface PlanArgs {
  /** Pulumi stack file; default: `Pulumi.dev.yaml` of the program, or its only stack file. */
  config?: string;
  /** Folder of the Pulumi TypeScript program; default: the current folder. */
  program?: string;
  /** Policy config in the format of `pulumi preview --policy-pack-config`. */
  policyConfig?: string;
  /** Policy pack folder; default: the pack shipped with mailguard. */
  policyPack?: string;
  /** Also write the DNS records to this folder, one BIND zone file per zone. */
  zoneFile?: string;
  /** Print one JSON document instead of the report. */
  json: boolean;
  /** Seconds the whole plan may take before it gives up, naming what did not answer. */
  timeoutSeconds: number;
}

/** The default deadline of a plan, in seconds. */
export const DEFAULT_TIMEOUT_SECONDS = 180;

export class UsageError extends Error {}
