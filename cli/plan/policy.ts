/**
 * Policy side of the plan: reads the policy configuration file and holds the diagnostics the pack
 * returns, in a form the report and the JSON document share.
 */
import * as fs from "fs";
import type { Diagnostic, EnforcementLevel } from "../analyzer/policy-pack";

export type { EnforcementLevel };

/** One finding of the pack, from Analyze (one resource) or AnalyzeStack (the whole stack). */
export interface PolicyFinding extends Omit<Diagnostic, "urn"> {
  /** The resource it is about, when the policy named one. */
  urn?: string;
  type?: string;
  name?: string;
  /** `resource` (Analyze) or `stack` (AnalyzeStack). */
  phase: "resource" | "stack";
}

/** Policy config: policy name (or `all`) to an enforcement level or `{ enforcementLevel?, ...properties }`. */
export type PolicyConfig = Record<string, EnforcementLevel | Record<string, unknown>>;

const LEVELS = new Set(["advisory", "mandatory", "remediate", "disabled"]);

export class PolicyConfigError extends Error {}

/**
 * Reads a policy config file in the format `pulumi preview --policy-pack-config` takes: a JSON
 * object from policy name (or `all`) to either an enforcement level or an object with an optional
 * `enforcementLevel` and the policy's properties.
 */
export function readPolicyConfig(file: string): PolicyConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new PolicyConfigError(`cannot read policy config ${file}: ${(e as Error).message}`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new PolicyConfigError(`${file}: the policy config is a JSON object keyed by policy name`);
  }
  const out: PolicyConfig = {};
  for (const [name, value] of Object.entries(doc as Record<string, unknown>)) {
    if (typeof value === "string") {
      if (!LEVELS.has(value)) {
        throw new PolicyConfigError(
          `${file}: "${name}": "${value}" is not an enforcement level (advisory, mandatory, remediate, disabled)`,
        );
      }
      out[name] = value as EnforcementLevel;
    } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const level = (value as Record<string, unknown>).enforcementLevel;
      if (level !== undefined && (typeof level !== "string" || !LEVELS.has(level))) {
        throw new PolicyConfigError(
          `${file}: "${name}".enforcementLevel ${JSON.stringify(level)} is not an enforcement level`,
        );
      }
      out[name] = value as Record<string, unknown>;
    } else {
      throw new PolicyConfigError(`${file}: "${name}" must be an enforcement level or an object`);
    }
  }
  return out;
}

export function mandatoryOf(findings: readonly PolicyFinding[]): PolicyFinding[] {
  return findings.filter((f) => f.enforcementLevel === "mandatory");
}

export function advisoryOf(findings: readonly PolicyFinding[]): PolicyFinding[] {
  return findings.filter(
    (f) => f.enforcementLevel !== "mandatory" && f.enforcementLevel !== "disabled",
  );
}
