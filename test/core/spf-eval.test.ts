import { SpfResolver, SpfTempError, checkHost } from "../../policies/core/spf";
import { loadYamlDocuments } from "../helpers/vectors";

type ZoneRecord = string | Record<string, unknown>;
type Zone = Record<string, ZoneRecord[]>;

interface SuiteTest {
  spec: string | string[];
  helo: string;
  host: string;
  mailfrom: string;
  result: string | string[];
  explanation?: string;
}

interface SuiteDocument {
  description: string;
  tests: Record<string, SuiteTest>;
  zonedata?: Zone;
}

/**
 * Answers DNS from a suite document's zonedata the way the suite's drivers do: names are
 * case-insensitive; `TIMEOUT` fails a query for a type with no record listed before it; a name
 * with SPF-type records and no TXT entry serves them as TXT; `TXT: NONE` means no TXT; CNAMEs are
 * followed.
 */
function zoneResolver(zone: Zone): SpfResolver {
  const bare = (name: string): string => name.toLowerCase().replace(/\.$/, "");
  const keys = new Map(Object.keys(zone).map((k) => [bare(k), k]));
  const lookup = (name: string, type: string, depth = 0): unknown[] => {
    const key = keys.get(bare(name));
    const records = key === undefined ? [] : zone[key];
    const hasTxt = records.some((r) => typeof r === "object" && "TXT" in r);
    const wanted = type === "TXT" && !hasTxt ? "SPF" : type;
    const values: unknown[] = [];
    for (const r of records) {
      if (r === "TIMEOUT") {
        if (values.length === 0) throw new SpfTempError(`timeout for ${type} ${name}`);
        continue;
      }
      if (typeof r !== "object") continue;
      if ("CNAME" in r && depth < 8) return lookup(String(r.CNAME), type, depth + 1);
      if (wanted in r && r[wanted] !== "NONE") values.push(r[wanted]);
    }
    return values;
  };
  return {
    txt: (n) => lookup(n, "TXT").map((v) => (Array.isArray(v) ? v.join("") : String(v))),
    a: (n) => lookup(n, "A").map(String),
    aaaa: (n) => lookup(n, "AAAA").map(String),
    mx: (n) =>
      (lookup(n, "MX") as Array<[number, string]>)
        .slice()
        .sort((x, y) => x[0] - y[0])
        .map(([, host]) => host),
    ptr: (n) => lookup(n, "PTR").map(String),
  };
}

const docs = loadYamlDocuments<SuiteDocument>("rfc7208-tests.yml");
const cases = docs.flatMap((d) =>
  Object.entries(d.tests).map(([name, t]) => ({
    section: d.description,
    name,
    t,
    zone: d.zonedata ?? {},
  })),
);

describe("checkHost against the RFC 7208 test suite (zonedata as the resolver)", () => {
  it("runs all 203 tests", () => {
    expect(cases).toHaveLength(203);
  });

  it.each(cases.map((c) => [c.section, c.name, c] as const))("%s: %s", (_section, _name, c) => {
    const outcome = checkHost(
      { ip: c.t.host, mailFrom: c.t.mailfrom ?? "", helo: c.t.helo, timestamp: 0 },
      zoneResolver(c.zone),
    );
    const accepted = Array.isArray(c.t.result) ? c.t.result : [c.t.result];
    expect(accepted).toContain(outcome.result);
    if (c.t.explanation !== undefined && outcome.result === "fail") {
      // The suite writes some hex nibbles in upper case; explanations compare case-insensitively.
      const expected = c.t.explanation === "DEFAULT" ? undefined : c.t.explanation.toLowerCase();
      expect(outcome.explanation?.toLowerCase()).toBe(expected);
    }
  });
});
