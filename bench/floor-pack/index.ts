/**
 * The floor the mailguard pack is measured against: the same policies as policies/index.ts (names,
 * levels, config schemas, which of them have a resource check and which a stack check) whose
 * checks do nothing. What remains is the SDK's own cost: protocol, deserialization, proxies.
 *
 * The list is not copied: the real pack entry is loaded with a PolicyPack that only records its
 * arguments, so the floor follows every policy added, removed or changed there.
 */
import * as path from "path";
import * as policySdk from "@pulumi/policy";
import {
  PolicyPack,
  PolicyPackArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";

type AnyPolicy = Partial<ResourceValidationPolicy & StackValidationPolicy> & { name: string };

const PACK_DIR = path.join(__dirname, "..", "..", "policies");

/** The name and arguments policies/index.ts builds its PolicyPack with, without starting it. */
function recordRealPack(): { name: string; args: PolicyPackArgs } {
  const sdkPath = require.resolve("@pulumi/policy", { paths: [PACK_DIR] });
  const cached = require.cache[sdkPath];
  if (cached === undefined) {
    throw new Error(`@pulumi/policy at ${sdkPath} is not loaded; the floor pack cannot record`);
  }
  let recorded: { name: string; args: PolicyPackArgs } | undefined;
  class RecordingPolicyPack {
    constructor(name: string, args: PolicyPackArgs) {
      recorded = { name, args };
    }
  }
  const recordingExports = new Proxy(policySdk, {
    get: (target, key) =>
      key === "PolicyPack" ? RecordingPolicyPack : (Reflect.get(target, key) as unknown),
  });
  const entry = require.resolve(path.join(PACK_DIR, "index.ts"));
  const realExports: unknown = cached.exports;
  cached.exports = recordingExports;
  try {
    // A dynamic load is the point: the entry must run while the recording exports are in place.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(entry);
  } finally {
    cached.exports = realExports;
    delete require.cache[entry];
  }
  if (recorded === undefined || recorded.args.policies.length === 0) {
    throw new Error(
      `${entry} built no PolicyPack with policies; the floor pack has nothing to mirror`,
    );
  }
  return recorded;
}

const noop = (): void => undefined;

const real = recordRealPack();

const policies = real.args.policies.map((p) => {
  const q = p as AnyPolicy;
  const floor: AnyPolicy = {
    name: q.name,
    description: "Does nothing.",
    enforcementLevel: q.enforcementLevel,
    configSchema: q.configSchema,
  };
  if (q.validateResource !== undefined) {
    floor.validateResource = noop;
  }
  if (q.validateStack !== undefined) {
    floor.validateStack = noop;
  }
  return floor as ResourceValidationPolicy & StackValidationPolicy;
});

new PolicyPack(`${real.name}-floor`, { policies });
