/**
 * The one place property tests take their seed and number of runs from.
 *
 * `npm test` is deterministic: every property runs from the same fixed seed, a modest number of
 * times, and a failure prints the seed and the counterexample's path (fast-check's report), which
 * `MAILGUARD_PROPS_SEED` replays. `npm run test:props` hunts instead: a fresh seed, printed first,
 * and `MAILGUARD_PROPS_SCALE` times the runs of every property.
 */
import type { Parameters } from "fast-check";

/** The seed `npm test` runs every property from. */
export const FIXED_SEED = 20250917;

/** Runs of a property that does not say. */
const DEFAULT_RUNS = 100;

function integerFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") {
    return undefined;
  }
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) {
    throw new Error(`${name} must be an integer, not ${JSON.stringify(raw)}`);
  }
  return value;
}

/** The seed properties run from: `MAILGUARD_PROPS_SEED`, else {@link FIXED_SEED}. */
export function propertySeed(): number {
  return integerFromEnv("MAILGUARD_PROPS_SEED") ?? FIXED_SEED;
}

/**
 * fast-check parameters for one property: the seed of {@link propertySeed} and `runs` (default
 * 100) times `MAILGUARD_PROPS_SCALE` (default 1). Pass to every `fc.assert`.
 */
export function propertyRuns<T = unknown>(runs = DEFAULT_RUNS): Parameters<T> {
  const scale = integerFromEnv("MAILGUARD_PROPS_SCALE") ?? 1;
  if (scale < 1) {
    throw new Error(`MAILGUARD_PROPS_SCALE must be at least 1, not ${scale}`);
  }
  return { seed: propertySeed(), numRuns: runs * scale };
}
