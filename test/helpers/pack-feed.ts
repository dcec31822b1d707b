/**
 * Feeds what a mocked program registered through a policy pack the way the engine does: every
 * custom resource's inputs to Analyze (components and providers are not analyzed), then every
 * resource's outputs to AnalyzeStack.
 */
import { AnalyzerResource, Diagnostic, PolicyPackSession } from "../../cli/analyzer/policy-pack";
import { RecordedResource } from "./mocks";

/** Resources the engine would analyze: custom resources, not components or providers. */
export function analyzed(resources: RecordedResource[]): RecordedResource[] {
  return resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
}

export async function feedToPack(
  pack: PolicyPackSession,
  resources: RecordedResource[],
): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  for (const r of analyzed(resources)) {
    diagnostics.push(
      ...(await pack.analyze({ type: r.type, name: r.name, urn: r.urn, properties: r.inputs }))
        .diagnostics,
    );
  }
  const outputs: AnalyzerResource[] = resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    parent: r.parent,
    properties: r.id === undefined ? r.state : { id: r.id, ...r.state },
  }));
  diagnostics.push(...(await pack.analyzeStack(outputs)).diagnostics);
  return diagnostics;
}
