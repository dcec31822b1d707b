/**
 * Helpers for tests that run components under `pulumi.runtime.setMocks` with the provider
 * simulator. `setMocks` is process-global: install one simulator per test file.
 */
import * as pulumi from "@pulumi/pulumi";
import { ProviderSimulator, RecordedResource, SimulatorOptions } from "../../testing/simulator";

export { ProviderSimulator, RecordedResource };

/** Install a fresh simulator (setMocks plus the monitor hook) and return it. */
export async function simulate(
  opts: SimulatorOptions & { preview?: boolean; project?: string; stack?: string } = {},
): Promise<ProviderSimulator> {
  const sim = new ProviderSimulator(opts);
  await sim.install({ preview: opts.preview, project: opts.project, stack: opts.stack });
  return sim;
}

/** What an Output holds: its value (undefined when unknown), whether known, whether secret. */
export interface Resolved<T> {
  value: T | undefined;
  known: boolean;
  secret: boolean;
}

/** Resolve an Output through its internal promises, as the SDK's own tests do. */
export async function resolve<T>(output: pulumi.Input<T>): Promise<Resolved<T>> {
  const o = pulumi.output(output) as unknown as {
    promise(withUnknowns?: boolean): Promise<T>;
    isKnown: Promise<boolean>;
    isSecret: Promise<boolean>;
  };
  const [value, known, secret] = await Promise.all([o.promise(), o.isKnown, o.isSecret]);
  return { value: known ? value : undefined, known, secret };
}

/** The value of a known Output; fails the test when it is unknown. */
export async function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
  const r = await resolve(output);
  if (!r.known) throw new Error("output is unknown");
  return r.value as T;
}

/**
 * The SDK's own wait for its outstanding resource operations (what `pulumi.runtime.disconnect`
 * awaits); not part of its typed API, so a polling wait stands in where an SDK lacks it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkSettings = require("@pulumi/pulumi/runtime/settings") as {
  waitForRPCs?: () => Promise<void>;
};

/**
 * Wait until the SDK has no resource operation outstanding and no new registration arrives for a
 * few turns of the event loop (a registration made inside an apply starts after its inputs).
 */
export async function settle(sim: ProviderSimulator): Promise<void> {
  const rounds = sdkSettings.waitForRPCs === undefined ? 20 : 5;
  let quiet = 0;
  let count = -1;
  while (quiet < rounds) {
    if (sdkSettings.waitForRPCs === undefined) {
      await new Promise((r) => setTimeout(r, 2));
    } else {
      await sdkSettings.waitForRPCs();
      await new Promise((r) => setImmediate(r));
    }
    if (sim.resources.length === count) quiet++;
    else {
      quiet = 0;
      count = sim.resources.length;
    }
  }
}

/** The inventory of resources as `type name` lines, in registration order. */
export function inventory(resources: RecordedResource[]): string[] {
  return resources.map((r) => `${r.type} ${r.name}`);
}

/** The one resource of a type the simulator saw; fails the test when there are none or several. */
export function onlyOfType(sim: ProviderSimulator, type: string): RecordedResource {
  const found = sim.ofType(type);
  expect(found).toHaveLength(1);
  return found[0];
}

/**
 * Constructs a component that must refuse its arguments: it throws a `pulumi.ResourceError` with
 * exactly `message`, and nothing but the component itself (`<type> <name>`) was registered.
 */
export async function expectRefusal(
  sim: ProviderSimulator,
  component: string,
  construct: () => unknown,
  message: string,
): Promise<void> {
  let thrown: unknown;
  try {
    construct();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(pulumi.ResourceError);
  expect((thrown as Error).message).toBe(message);
  await settle(sim);
  expect(inventory(sim.resources)).toEqual([component]);
}
