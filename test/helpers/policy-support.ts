/**
 * Runs one policy in-process with arguments built as @pulumi/policy builds them for the analyzer:
 * properties go through a protobuf Struct, the SDK's deserializer and its unknown-checking proxy,
 * and a read of an unknown value ends the check with the SDK's preview note.
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type {
  PolicyProviderResource,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { UNKNOWN } from "../../policies/core/finding";

// The SDK ships these modules without type declarations; they are the functions its server uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkProxy = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy(props: Record<string, unknown>): Record<string, unknown>;
  UnknownValueError: new (...args: never[]) => Error;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkDeserialize = require("@pulumi/policy/deserialize") as {
  deserializeProperties(struct: Struct, proxySecrets: boolean): Record<string, unknown>;
};

export { UNKNOWN };

export interface Resource {
  type: string;
  name: string;
  props: Record<string, unknown>;
  urn?: string;
  /** Stack only: for each property, the URNs its value came from. */
  propertyDependencies?: Record<string, string[]>;
  /** The provider that manages the resource, as the analyzer reports it (its inputs as props). */
  provider?: ProviderFixture;
}

/** A provider resource as an Analyze or AnalyzeStack request carries it. */
export interface ProviderFixture {
  type: string;
  name: string;
  urn?: string;
  props: Record<string, unknown>;
}

/** The default AWS provider of a stack whose `aws:region` config is `region`. */
export function awsProvider(region: unknown): ProviderFixture {
  return { type: "pulumi:providers:aws", name: "default_7_48_0", props: { region } };
}

export interface Outcome {
  /** Messages passed to reportViolation, in order. */
  violations: string[];
  /** URNs passed with them (stack policies). */
  urns: (string | undefined)[];
  /** The SDK's advisory note when the policy read a value unknown during preview. */
  previewNote?: string;
}

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::mailguard::${type}::${name}`;
}

function sdkProps(props: Record<string, unknown>): Record<string, unknown> {
  const struct = Struct.fromJavaScript(JSON.parse(JSON.stringify(props)) as Record<string, never>);
  return sdkProxy.unknownCheckingProxy(sdkDeserialize.deserializeProperties(struct, false));
}

/** The provider as @pulumi/policy builds it from the request: props behind the same proxy. */
function sdkProvider(p: ProviderFixture | undefined): PolicyProviderResource | undefined {
  if (p === undefined) {
    return undefined;
  }
  return {
    type: p.type,
    name: p.name,
    urn: p.urn ?? urnOf(p.type, p.name),
    props: sdkProps(p.props),
  };
}

const OPTS = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  additionalSecretOutputs: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
};

function notApplicable(reason?: string): never {
  throw new Error(`notApplicable: ${reason ?? ""}`);
}

async function capture(
  run: (report: (m: string, urn?: string) => void) => unknown,
  name: string,
): Promise<Outcome> {
  const outcome: Outcome = { violations: [], urns: [] };
  try {
    await Promise.resolve(
      run((message, urn) => {
        outcome.violations.push(message);
        outcome.urns.push(urn);
      }),
    );
  } catch (e) {
    if (e instanceof sdkProxy.UnknownValueError) {
      outcome.previewNote = `can't run policy '${name}' during preview: ${e.message}`;
    } else {
      throw e;
    }
  }
  return outcome;
}

/** Runs a resource policy on one resource, with `config` as the policy's configuration. */
export function runResource(
  policy: ResourceValidationPolicy,
  r: Resource,
  config: Record<string, unknown> = {},
): Promise<Outcome> {
  const validate = policy.validateResource;
  if (typeof validate !== "function") {
    throw new Error(`${policy.name} has no single validateResource`);
  }
  const props = sdkProps(r.props);
  const args = {
    type: r.type,
    name: r.name,
    urn: r.urn ?? urnOf(r.type, r.name),
    props,
    opts: OPTS,
    provider: sdkProvider(r.provider),
    stackTags: new Map<string, string>(),
    isType: () => false,
    asType: () => undefined,
    getConfig: () => ({ ...config }),
    notApplicable,
  } as unknown as ResourceValidationArgs;
  return capture((report) => validate(args, report), policy.name);
}

/** Runs a stack policy on resources (their outputs), linking property dependencies by URN. */
export function runStack(
  policy: StackValidationPolicy,
  resources: Resource[],
  config: Record<string, unknown> = {},
): Promise<Outcome> {
  const built: PolicyResource[] = resources.map((r) => {
    const props = sdkProps(r.props);
    return {
      type: r.type,
      name: r.name,
      urn: r.urn ?? urnOf(r.type, r.name),
      props,
      opts: OPTS,
      provider: sdkProvider(r.provider),
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    };
  });
  const byUrn = new Map(built.map((b) => [b.urn, b]));
  resources.forEach((r, i) => {
    for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
      built[i].propertyDependencies[k] = urns
        .map((u) => byUrn.get(u))
        .filter((x): x is PolicyResource => x !== undefined);
    }
  });
  const args = {
    resources: built,
    getConfig: () => ({ ...config }),
    stackTags: new Map<string, string>(),
    notApplicable,
  } as unknown as StackValidationArgs;
  return capture((report) => policy.validateStack(args, report), policy.name);
}
