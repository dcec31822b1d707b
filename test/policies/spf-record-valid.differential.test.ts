/**
 * spf-record-valid's stack verdict against two independent RFC 7208 implementations: pyspf
 * (Debian's python3-spf, run with the system python3) and mailauth (npm). Each case is a small
 * stack of records in a zone the stack declares; both receivers are run on exactly those records
 * (a name outside them does not exist) for every SPF record in it, for a client address that no
 * record authorizes. They must agree with each other, and a permerror must be exactly what the
 * policy reports as mandatory for that record (resource or stack finding). Fixed cases cover the
 * permerrors the stack check names; seeded random stacks of includes, redirects, lookups and
 * void lookups cover their combinations.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { spf as mailauthSpf } from "mailauth/lib/spf";
import { splitTxt } from "../../policies/core/txt";
import { spfRecordValid } from "../../policies/rules/spf-record-valid";
import { runResource, runStack } from "../helpers/policy-support";
import {
  SpfStack,
  ZoneData,
  ZoneRecord,
  rec,
  resourceNameOf,
  stackOf,
  stackResources,
  zoneDataOf,
} from "../helpers/spf-stacks";

/** Debian's interpreter: a python3 first on PATH (pyenv, say) does not see dist-packages. */
const PYTHON = "/usr/bin/python3";
const PYSPF_DRIVER = path.join(__dirname, "spf-record-valid.pyspf.py");
/** A documentation address (RFC 5737) that no record of the cases authorizes. */
const CLIENT = "203.0.113.251";

interface Check {
  label: string;
  stack: SpfStack;
  /** The SPF record evaluated. */
  record: ZoneRecord;
}

interface Outcome {
  pyspf: string;
  mailauth: string;
  /** Whether spf-record-valid reports a mandatory finding for the record. */
  finding: boolean;
}

function pyspfResults(checks: readonly Check[]): { version: string; results: string[] } {
  const input = JSON.stringify({
    cases: checks.map((c) => ({
      zone: zoneDataOf(c.stack),
      ip: CLIENT,
      sender: `postmaster@${c.record.name}`,
      helo: c.record.name,
    })),
  });
  const run = spawnSync(PYTHON, [PYSPF_DRIVER], { input, encoding: "utf8" });
  if (run.error !== undefined || run.status !== 0) {
    const why = run.error?.message ?? run.stderr.trim().split("\n").pop();
    throw new Error(
      `The differential test needs pyspf, Debian's package python3-spf, for ${PYTHON} (apt-get install python3-spf; .ci/run installs it): ${why}`,
    );
  }
  const out = JSON.parse(run.stdout) as { version: string; results: { result: string }[] };
  return { version: out.version, results: out.results.map((r) => r.result) };
}

function dnsError(code: string, name: string): Error {
  return Object.assign(new Error(`${code} ${name}`), { code });
}

async function mailauthResult(zone: ZoneData, name: string): Promise<string> {
  const resolver = (domain: string, type: string): Promise<string[][] | string[]> => {
    const entry = zone[domain.toLowerCase().replace(/\.$/, "")];
    if (entry === undefined) return Promise.reject(dnsError("ENOTFOUND", domain));
    const values = entry[type as keyof typeof entry];
    if (values === undefined || values.length === 0) {
      return Promise.reject(dnsError("ENODATA", domain));
    }
    if (type === "TXT") return Promise.resolve(values.map((v) => splitTxt(v)));
    if (type === "MX") {
      // mailauth reads MX answers as node:dns gives them.
      const mx = values.map((exchange) => ({ exchange, priority: 10 }));
      return Promise.resolve(mx as unknown as string[]);
    }
    return Promise.resolve(values);
  };
  const result = await mailauthSpf({
    sender: `postmaster@${name}`,
    ip: CLIENT,
    helo: name,
    mta: "mx.receiver.example",
    resolver,
  });
  return result.status.result;
}

/** Whether spf-record-valid reports a mandatory finding for the record, on Cloudflare records. */
async function policyFinding(stack: SpfStack, record: ZoneRecord): Promise<boolean> {
  const resources = stackResources("cloudflare", stack);
  const own = resources.find((r) => r.name === resourceNameOf(record));
  if (own === undefined) throw new Error(`no resource for ${record.name}`);
  const resource = await runResource(spfRecordValid, own);
  const whole = await runStack(spfRecordValid, resources);
  const ours = whole.violations.filter((v) =>
    v.startsWith(`cloudflare:index/dnsRecord:DnsRecord "${own.name}": `),
  );
  return resource.violations.length + ours.length > 0;
}

async function outcomes(checks: readonly Check[]): Promise<Outcome[]> {
  const py = pyspfResults(checks).results;
  const out: Outcome[] = [];
  for (const [i, c] of checks.entries()) {
    out.push({
      pyspf: py[i],
      mailauth: await mailauthResult(zoneDataOf(c.stack), c.record.name),
      finding: await policyFinding(c.stack, c.record),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Fixed cases: what each must end in, written down from RFC 7208.

const hosts = (names: string[]) => names.map((n) => rec(n, "A", "192.0.2.1"));
const aTerms = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `a:h${from + i}.example.com`).join(" ");
const h = (n: number) => hosts(Array.from({ length: n }, (_, i) => `h${i}.example.com`));

const FIXED: [label: string, stack: SpfStack, expected: string][] = [
  [
    "self-include by name",
    stackOf([rec("example.com", "TXT", "v=spf1 ip4:192.0.2.0/24 include:example.com -all")]),
    "permerror",
  ],
  [
    "self-include through %{d}",
    stackOf([rec("example.com", "TXT", "v=spf1 include:%{d} -all")]),
    "permerror",
  ],
  [
    "self-redirect through %{o}",
    stackOf([rec("example.com", "TXT", "v=spf1 redirect=%{o}")]),
    "permerror",
  ],
  [
    "self-include through %{d3} at a subdomain",
    stackOf([rec("mail.example.com", "TXT", "v=spf1 include:%{d3} -all")]),
    "permerror",
  ],
  [
    "an include loop between two records",
    stackOf([
      rec("example.com", "TXT", "v=spf1 include:_spf.example.com -all"),
      rec("_spf.example.com", "TXT", "v=spf1 ip4:192.0.2.0/24 include:example.com -all"),
    ]),
    "permerror",
  ],
  [
    "an include and redirect loop through three records",
    stackOf([
      rec("example.com", "TXT", "v=spf1 include:_a.example.com -all"),
      rec("_a.example.com", "TXT", "v=spf1 ip4:192.0.2.0/24 redirect=_b.example.com"),
      rec("_b.example.com", "TXT", "v=spf1 include:example.com -all"),
    ]),
    "permerror",
  ],
  [
    "an included record that includes itself through %{d}",
    stackOf([
      rec("example.com", "TXT", "v=spf1 include:_spf.example.com -all"),
      rec("_spf.example.com", "TXT", "v=spf1 ip4:192.0.2.0/24 include:%{d} -all"),
    ]),
    "permerror",
  ],
  [
    "11 DNS-querying terms through a chain of includes",
    stackOf([
      rec("example.com", "TXT", "v=spf1 a:h0.example.com include:_spf1.example.com -all"),
      rec("_spf1.example.com", "TXT", `v=spf1 ${aTerms(4, 1)} include:_spf2.example.com -all`),
      rec("_spf2.example.com", "TXT", `v=spf1 ${aTerms(4, 5)} -all`),
      ...h(9),
    ]),
    "permerror",
  ],
  [
    "exactly 10 DNS-querying terms through a chain of includes",
    stackOf([
      rec("example.com", "TXT", "v=spf1 a:h0.example.com include:_spf1.example.com -all"),
      rec("_spf1.example.com", "TXT", `v=spf1 ${aTerms(4, 1)} include:_spf2.example.com -all`),
      rec("_spf2.example.com", "TXT", `v=spf1 ${aTerms(3, 5)} -all`),
      ...h(9),
    ]),
    "fail",
  ],
  [
    "3 void lookups",
    stackOf([
      rec(
        "example.com",
        "TXT",
        "v=spf1 a:gone.example.com mx:old.example.com exists:%{i}.bl.example.com -all",
      ),
    ]),
    "permerror",
  ],
  [
    "3 void lookups across an include",
    stackOf([
      rec("example.com", "TXT", "v=spf1 a:gone.example.com include:_spf.example.com -all"),
      rec("_spf.example.com", "TXT", "v=spf1 a:old.example.com a:lost.example.com -all"),
    ]),
    "permerror",
  ],
  [
    "2 void lookups",
    stackOf([rec("example.com", "TXT", "v=spf1 a:gone.example.com mx:old.example.com -all")]),
    "fail",
  ],
  [
    "an include of a name without an SPF record",
    stackOf([rec("example.com", "TXT", "v=spf1 include:_spf.example.com -all")]),
    "permerror",
  ],
  [
    "an include of a name with two SPF records",
    stackOf([
      rec("example.com", "TXT", "v=spf1 include:_spf.example.com -all"),
      rec("_spf.example.com", "TXT", "v=spf1 -all", "spf-1"),
      rec("_spf.example.com", "TXT", "v=spf1 mx -all", "spf-2"),
    ]),
    "permerror",
  ],
  [
    "a clean chain of include, redirect, a and mx",
    stackOf([
      rec("example.com", "TXT", "v=spf1 mx include:_spf.example.com -all"),
      rec("example.com", "MX", "h0.example.com"),
      rec("_spf.example.com", "TXT", "v=spf1 ip4:192.0.2.0/24 redirect=_spf2.example.com"),
      rec("_spf2.example.com", "TXT", "v=spf1 a:h1.example.com ~all"),
      ...h(2),
    ]),
    "fail",
  ],
];

/**
 * Every SPF record of a stack, each evaluated once (a name with two records: its first). Names with
 * an underscore label (`_spf.example.com`) are evaluated only as include and redirect targets:
 * mailauth refuses them as a sender's domain (it checks a host name, and answers none).
 */
function checksOf(label: string, stack: SpfStack): Check[] {
  const seen = new Set<string>();
  return stack.records
    .filter((r) => r.type === "TXT" && r.value.startsWith("v=spf1") && !r.name.includes("_"))
    .filter((r) => !seen.has(r.name) && seen.add(r.name) !== undefined)
    .map((record) => ({ label: `${label}: ${record.name}`, stack, record }));
}

// ---------------------------------------------------------------------------------------------
// Seeded random stacks.

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A stack of 1 to 5 SPF records (r0 is the apex) whose terms include or redirect to each other,
 * query hosts that exist or not, and list ranges away from the client. Odd seeds give any links
 * (themselves too, by name or `%{d}`, and names without records): loops and missing records. Even
 * seeds give acyclic chains (links only to later records) with more terms: the lookup and void
 * limits, and results that are not permerrors. Left out, as receivers disagree on them: MX hosts
 * without addresses (pyspf counts them as void lookups, RFC 7208 and mailauth do not), IPv6-only
 * hosts (mailauth does not count them as void), `%{d}` outside include and redirect (mailauth
 * expands it to the sender's domain in included records).
 */
function randomStack(seed: number): SpfStack {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const acyclic = seed % 2 === 0;
  const count = 1 + Math.floor(rnd() * 5);
  const names = Array.from({ length: count }, (_, i) =>
    i === 0 ? "example.com" : `r${i}.example.com`,
  );
  const records: ZoneRecord[] = [];
  const hostNames = ["h0.example.com", "h1.example.com", "h2.example.com", "h3.example.com"];
  const existing = hostNames.filter(() => rnd() < (acyclic ? 0.8 : 0.5));
  records.push(...hosts(existing));
  if (existing.length > 0 && rnd() < 0.5) {
    records.push(rec("example.com", "MX", existing[0]));
  }
  for (const [index, name] of names.entries()) {
    const targets = acyclic ? names.slice(index + 1) : [...names, "r9.example.com"];
    const kinds = ["a", "a", "mx", "ip4", "exists"];
    if (targets.length > 0) kinds.push("include", "include");
    if (!acyclic) kinds.push("macro");
    const terms: string[] = [];
    for (let t = Math.floor(rnd() * (acyclic ? 7 : 5)); t > 0; t--) {
      const kind = pick(kinds);
      if (kind === "include") terms.push(`include:${pick(targets)}`);
      else if (kind === "macro") terms.push("include:%{d}");
      else if (kind === "a") terms.push(`a:${pick(hostNames)}`);
      else if (kind === "mx") terms.push(pick(["mx", "mx:example.com"]));
      else if (kind === "exists") terms.push("exists:%{i}.bl.example.com");
      else terms.push(`ip4:192.0.2.${Math.floor(rnd() * 256)}`);
    }
    const redirect = targets.length > 0 && rnd() < 0.3;
    const ending = redirect ? `redirect=${pick(targets)}` : pick(["-all", "~all", "?all"]);
    records.push(rec(name, "TXT", ["v=spf1", ...terms, ending].join(" ")));
  }
  return stackOf(records);
}

const SEEDS = Array.from({ length: 80 }, (_, i) => 7208 + i);

// ---------------------------------------------------------------------------------------------

describe("spf-record-valid agrees with pyspf and mailauth on stacks of records", () => {
  it("runs Debian's pyspf (python3-spf)", () => {
    expect(pyspfResults([]).version).toMatch(/^2\.\d+\.\d+$/);
  });

  const fixed = FIXED.flatMap(([label, stack]) => checksOf(label, stack));
  let fixedOutcomes: Outcome[] = [];
  beforeAll(async () => {
    fixedOutcomes = await outcomes(fixed);
  });

  it.each(FIXED.map(([label, , expected], i) => [label, expected, i] as const))(
    "%s: both receivers end in %s, and a permerror is a mandatory finding",
    (label, expected) => {
      const at = fixed.findIndex((c) => c.label.startsWith(`${label}: `));
      const { pyspf, mailauth, finding } = fixedOutcomes[at];
      expect({ pyspf, mailauth, finding }).toEqual({
        pyspf: expected,
        mailauth: expected,
        finding: expected === "permerror",
      });
    },
  );

  it("agrees on every SPF record of 80 seeded random stacks", async () => {
    const checks = SEEDS.flatMap((seed) => checksOf(`seed ${seed}`, randomStack(seed)));
    const found = await outcomes(checks);
    const disagreements = checks
      .map((c, i) => ({
        check: c.label,
        records: c.stack.records.filter((r) => r.type === "TXT").map((r) => `${r.name} ${r.value}`),
        ...found[i],
      }))
      .filter((o) => o.pyspf !== o.mailauth || (o.pyspf === "permerror") !== o.finding);
    expect(disagreements).toEqual([]);
    // The seeds give both verdicts in numbers, so agreement is not agreement on one answer.
    const permerrors = found.filter((o) => o.pyspf === "permerror").length;
    expect({ checks: checks.length, permerrors }).toEqual({ checks: 233, permerrors: 97 });
  });
});
