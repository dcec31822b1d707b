/**
 * Runs the policy pack over the planned resources as `pulumi preview --policy-pack` does: the pack
 * is started with run-policy-pack and spoken to over the `pulumirpc.Analyzer` protocol
 * (cli/analyzer), configured with the full config the CLI would compute, asked to Analyze every
 * resource with its inputs and to AnalyzeStack with every resource's outputs.
 */
import {
  startPolicyPack,
  type AnalyzerInfo,
  type AnalyzerProvider,
  type AnalyzerResource,
  type Diagnostic,
  type PolicyPackConfig,
  type PolicyPackSession,
} from "../analyzer/policy-pack";
import { policyConfigProblems } from "./config-schema";
import { PolicyConfigError, type PolicyConfig, type PolicyFinding } from "./policy";
import { engineUrn, type PlannedResource } from "./program";

export { startPolicyPack };
export type { PolicyPackSession };

/**
 * The configuration the CLI sends to Configure: every policy of the pack with an enforcement level
 * (its own entry, else `all`, else the policy's default) and its properties. Names that are not
 * policies of the pack are an error, as they are for the CLI.
 */
export function effectiveConfig(
  info: AnalyzerInfo,
  config: PolicyConfig,
  /** Told of property names a policy's schema does not know (passed on, never read). */
  warn: (message: string) => void = () => undefined,
): PolicyPackConfig {
  const names = new Set(info.policies.map((p) => p.name));
  for (const name of Object.keys(config)) {
    if (name !== "all" && !names.has(name)) {
      throw new PolicyConfigError(
        `policy config names "${name}", which is not a policy of ${info.name}; its policies are: ${[...names].join(", ")}`,
      );
    }
  }
  const all = config.all;
  const allLevel = typeof all === "string" ? all : undefined;
  const out: PolicyPackConfig = {};
  for (const p of info.policies) {
    const own = config[p.name];
    if (typeof own === "string") {
      out[p.name] = { enforcementLevel: own };
    } else if (own !== undefined) {
      const { enforcementLevel, ...properties } = own as {
        enforcementLevel?: PolicyFinding["enforcementLevel"];
      };
      const problems = policyConfigProblems(properties, p.configSchema);
      if (problems.errors.length > 0) {
        throw new PolicyConfigError(
          `policy config for "${p.name}" does not match its schema: ${problems.errors.join("; ")}. Fix: see the policy's options in docs/policies.md.`,
        );
      }
      for (const name of problems.unknown) {
        warn(
          `Policy config for "${p.name}" sets "${name}", which the policy does not read (its options: ${Object.keys(p.configSchema?.properties ?? {}).join(", ") || "none"}).`,
        );
      }
      out[p.name] = {
        ...properties,
        enforcementLevel: enforcementLevel ?? allLevel ?? p.enforcementLevel,
      };
    } else {
      out[p.name] = { enforcementLevel: allLevel ?? p.enforcementLevel };
    }
  }
  return out;
}

/**
 * The provider the engine names with a resource: the explicit provider it registered (its inputs,
 * `region` for AWS), else the package's default provider, whose inputs come from the stack's
 * `<package>:` config (`aws:region`), as the engine builds it. Components have none.
 */
export function providerOf(
  r: PlannedResource,
  byUrn: ReadonlyMap<string, PlannedResource>,
  config: Readonly<Record<string, string>>,
  project = "project",
  stack = "stack",
): AnalyzerProvider | undefined {
  if (!r.custom || r.type.startsWith("pulumi:providers:") || r.type === "pulumi:pulumi:Stack") {
    return undefined;
  }
  if (r.provider !== undefined) {
    const urn = engineUrn(r.provider.split("::").slice(0, -1).join("::"));
    const explicit = byUrn.get(urn);
    if (explicit !== undefined) {
      return { type: explicit.type, name: explicit.name, urn, properties: explicit.wireInputs };
    }
  }
  const pkg = r.type.split(":")[0];
  const properties: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith(`${pkg}:`)) properties[key.slice(pkg.length + 1)] = value;
  }
  const type = `pulumi:providers:${pkg}`;
  return {
    type,
    name: `default`,
    urn: `urn:pulumi:${stack}::${project}::${type}::default`,
    properties,
  };
}

/** The resource as Analyze receives it: its inputs, in wire form (secrets marked, unknowns kept). */
export function analyzeRequestOf(
  r: PlannedResource,
  provider?: AnalyzerProvider,
): AnalyzerResource {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    provider,
    properties: r.wireInputs,
    options: {
      protect: r.options.protect,
      parent: r.parent,
      additionalSecretOutputs: r.options.additionalSecretOutputs,
    },
  };
}

/** The resource as AnalyzeStack receives it: its outputs, parent, dependencies and property dependencies. */
export function stackRequestOf(r: PlannedResource, provider?: AnalyzerProvider): AnalyzerResource {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    provider,
    properties: r.wireOutputs,
    parent: r.parent,
    dependencies: r.options.dependencies,
    propertyDependencies: r.options.propertyDependencies,
    options: {
      protect: r.options.protect,
      parent: r.parent,
      additionalSecretOutputs: r.options.additionalSecretOutputs,
    },
  };
}

function findingOf(
  d: Diagnostic,
  phase: PolicyFinding["phase"],
  byUrn: Map<string, PlannedResource>,
  analyzed?: PlannedResource,
): PolicyFinding {
  const r = d.urn ? byUrn.get(d.urn) : analyzed;
  return {
    policyName: d.policyName,
    policyPackName: d.policyPackName,
    policyPackVersion: d.policyPackVersion,
    description: d.description,
    message: d.message,
    enforcementLevel: d.enforcementLevel,
    urn: d.urn || r?.urn,
    type: r?.type,
    name: r?.name,
    phase,
  };
}

/** Analyze for every resource (the root stack excepted, which has no inputs), then AnalyzeStack. */
export async function analyzePlan(
  session: PolicyPackSession,
  resources: readonly PlannedResource[],
  /** Told which call is under way, e.g. `Analyze for <urn>` (for a deadline's message). */
  onCall: (call: string) => void = () => undefined,
  /** The stack config, for the inputs of default providers. */
  config: { values: Readonly<Record<string, string>>; project?: string; stack?: string } = {
    values: {},
  },
): Promise<PolicyFinding[]> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const provider = (r: PlannedResource) =>
    providerOf(r, byUrn, config.values, config.project, config.stack);
  const findings: PolicyFinding[] = [];
  for (const r of resources) {
    if (r.type === "pulumi:pulumi:Stack") continue;
    onCall(`Analyze for ${r.urn}`);
    const result = await session.analyze(analyzeRequestOf(r, provider(r)));
    findings.push(...result.diagnostics.map((d) => findingOf(d, "resource", byUrn, r)));
  }
  onCall(`AnalyzeStack (${resources.length} resources)`);
  const stack = await session.analyzeStack(resources.map((r) => stackRequestOf(r, provider(r))));
  findings.push(...stack.diagnostics.map((d) => findingOf(d, "stack", byUrn)));
  return findings;
}
