/**
 * `npm run bench`: the cost of the mailguard pack over the analyzer protocol, against a floor pack
 * of the same shape whose policies do nothing. A synthetic stack of 10,000 mixed resources goes
 * through Analyze (one call per resource, as the engine makes them) and one AnalyzeStack. Rounds
 * alternate between the packs; the median round counts. Target: at most 1.2x the floor.
 *
 * Then the scale case (bench/scale.ts): AnalyzeStack at N and 8N resources for a multi-tenant stack
 * and the mixed one (target: at most 10x time and response size), and the pack's peak memory on a
 * 50,000-resource mixed stack (target: under 400 MB). `BENCH_SCALE=0` skips it.
 */
import * as path from "path";
import { AnalyzerResource, PolicyPackSession, startPolicyPack } from "../cli/analyzer/policy-pack";
import { syntheticStack } from "./stack";
import { runScale } from "./scale";

const RESOURCES = Number(process.env.BENCH_RESOURCES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TARGET = 1.2;

interface Round {
  analyzeMs: number;
  stackMs: number;
  totalMs: number;
  diagnostics: number;
}

async function round(pack: PolicyPackSession, stack: AnalyzerResource[]): Promise<Round> {
  let diagnostics = 0;
  const t0 = process.hrtime.bigint();
  for (const r of stack) {
    diagnostics += (await pack.analyze(r)).diagnostics.length;
  }
  const t1 = process.hrtime.bigint();
  diagnostics += (await pack.analyzeStack(stack)).diagnostics.length;
  const t2 = process.hrtime.bigint();
  const ms = (a: bigint, b: bigint): number => Number(b - a) / 1e6;
  return { analyzeMs: ms(t0, t1), stackMs: ms(t1, t2), totalMs: ms(t0, t2), diagnostics };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  // The packs run compiled: rebuild policies/bin when its sources are newer, as the tests do.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await (require("../test/helpers/global-setup.js") as () => Promise<void>)();
  const stack = syntheticStack(RESOURCES);
  const counts = new Map<string, number>();
  for (const r of stack) {
    counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  }
  console.log(`synthetic stack: ${stack.length} resources of ${counts.size} types`);

  const packs = {
    mailguard: await startPolicyPack({ packDir: path.join(__dirname, "..", "policies") }),
    floor: await startPolicyPack({ packDir: path.join(__dirname, "floor-pack") }),
  };
  try {
    console.log(
      `start-up: mailguard ${packs.mailguard.startupMs} ms, floor ${packs.floor.startupMs} ms`,
    );
    // Warm both up (JIT, gRPC channels) on a slice of the stack.
    for (const pack of Object.values(packs)) {
      await round(pack, stack.slice(0, 1000));
    }
    const rounds: Record<keyof typeof packs, Round[]> = { mailguard: [], floor: [] };
    for (let i = 0; i < ROUNDS; i++) {
      const order: (keyof typeof packs)[] =
        i % 2 === 0 ? ["floor", "mailguard"] : ["mailguard", "floor"];
      for (const name of order) {
        rounds[name].push(await round(packs[name], stack));
      }
    }
    const fastest = (name: keyof typeof packs): number =>
      Math.min(...rounds[name].map((r) => r.totalMs));
    const report = (name: keyof typeof packs): number => {
      const rs = rounds[name];
      const total = median(rs.map((r) => r.totalMs));
      console.log(
        `${name.padEnd(9)} median ${total.toFixed(0)} ms (Analyze x${stack.length} ${median(rs.map((r) => r.analyzeMs)).toFixed(0)} ms, ` +
          `AnalyzeStack ${median(rs.map((r) => r.stackMs)).toFixed(0)} ms), rounds ${rs.map((r) => r.totalMs.toFixed(0)).join(" ")} ms, ` +
          `${rs[0]?.diagnostics ?? 0} diagnostics`,
      );
      return total;
    };
    const ours = report("mailguard");
    const floor = report("floor");
    const ratio = ours / floor;
    const best = fastest("mailguard") / fastest("floor");
    console.log(
      `ratio mailguard/floor: ${ratio.toFixed(3)}x by median, ${best.toFixed(3)}x by fastest round ` +
        `(target <= ${TARGET}x): ${ratio <= TARGET ? "met" : "NOT met"}`,
    );
  } finally {
    await Promise.all(Object.values(packs).map((p) => p.close()));
  }
  if (process.env.BENCH_SCALE !== "0") {
    await runScale();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
