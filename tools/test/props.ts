/**
 * `npm run test:props`: the property hunt. Runs every property suite (the test files that take
 * their parameters from test/helpers/properties.ts) from a fresh seed with many times the runs of
 * `npm test`, and prints the seed first, so that a counterexample found once is found again.
 *
 * `MAILGUARD_PROPS_SEED` replays a seed; `MAILGUARD_PROPS_SCALE` (default 50) multiplies the runs.
 * Arguments after `--` go to jest (`npm run test:props -- -t "SPF"`).
 */
import { spawnSync } from "child_process";
import { randomInt } from "crypto";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const DEFAULT_SCALE = 50;

/** The test files whose properties take their seed and runs from the helper. */
export function propertySuites(dir = path.join(ROOT, "test")): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      out.push(...propertySuites(full));
    } else if (
      entry.name.endsWith(".test.ts") &&
      fs.readFileSync(full, "utf8").includes("propertyRuns(")
    ) {
      out.push(path.relative(ROOT, full));
    }
  }
  return out.sort();
}

function main(): number {
  const seed = process.env.MAILGUARD_PROPS_SEED ?? String(randomInt(2 ** 31));
  const scale = process.env.MAILGUARD_PROPS_SCALE ?? String(DEFAULT_SCALE);
  const suites = propertySuites();
  console.log(
    `property hunt: seed ${seed}, ${scale}x the runs of npm test, ${suites.length} suites\n` +
      `replay: MAILGUARD_PROPS_SEED=${seed} MAILGUARD_PROPS_SCALE=${scale} npx jest ${suites.join(" ")}`,
  );
  const jest = require.resolve("jest/bin/jest");
  const result = spawnSync(
    process.execPath,
    [jest, "--testTimeout=3600000", ...process.argv.slice(2), ...suites],
    {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, MAILGUARD_PROPS_SEED: seed, MAILGUARD_PROPS_SCALE: scale },
    },
  );
  console.log(`property hunt: seed ${seed} ${result.status === 0 ? "found nothing" : "FAILED"}`);
  return result.status ?? 1;
}

if (require.main === module) {
  process.exitCode = main();
}
