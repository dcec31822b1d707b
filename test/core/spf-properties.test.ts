import * as fc from "fast-check";
import {
  SpfOptions,
  SpfQualifier,
  analyzeSpf,
  buildSpf,
  checkSpfOptions,
  mergeSpf,
} from "../../policies/core/spf";
import { domainName } from "../helpers/arbitraries";
import { propertyRuns } from "../helpers/properties";

const domain = domainName;
const ip4 = fc
  .tuple(
    fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }),
    fc.option(fc.integer({ min: 8, max: 32 })),
  )
  .map(([octets, prefix]) => octets.join(".") + (prefix === null ? "" : `/${prefix}`));
const ip6 = fc
  .tuple(
    fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }),
    fc.option(fc.integer({ min: 16, max: 128 })),
    fc.boolean(),
  )
  .map(([groups, prefix, compress]) => {
    let text = groups.map((g) => g.toString(16)).join(":");
    if (compress) text = text.replace(/(^|:)0(:0)+(:|$)/, "::");
    return text + (prefix === null ? "" : `/${prefix}`);
  });
const qualifier = fc.constantFrom<SpfQualifier>("-", "~", "?");

const validOptions: fc.Arbitrary<SpfOptions> = fc.record(
  {
    includes: fc.array(domain, { maxLength: 4 }),
    ip4: fc.array(ip4, { maxLength: 5 }),
    ip6: fc.array(ip6, { maxLength: 5 }),
    a: fc.oneof(fc.boolean(), fc.array(domain, { maxLength: 2 })),
    mx: fc.oneof(fc.boolean(), fc.array(domain, { maxLength: 2 })),
    all: qualifier,
  },
  { requiredKeys: [] },
);

/** Options that may hold anything a caller could pass, bad values included. */
const anyOptions: fc.Arbitrary<SpfOptions> = fc.record(
  {
    includes: fc.array(fc.oneof(domain, fc.string()), { maxLength: 12 }),
    ip4: fc.array(fc.oneof(ip4, fc.string()), { maxLength: 3 }),
    ip6: fc.array(fc.oneof(ip6, fc.string()), { maxLength: 3 }),
    a: fc.oneof(fc.boolean(), fc.array(fc.oneof(domain, fc.string()), { maxLength: 2 })),
    all: fc.constantFrom<SpfQualifier>("+", "-", "~", "?"),
    redirect: fc.oneof(domain, fc.string()),
  },
  { requiredKeys: [] },
);

/** Syntactically valid SPF terms, as other publishers write them. */
const existingTerm = fc.oneof(
  fc.tuple(fc.constantFrom("", "+", "-", "~", "?"), domain).map(([q, d]) => `${q}include:${d}`),
  ip4.map((v) => `ip4:${v}`),
  ip6.map((v) => `ip6:${v}`),
  fc.constantFrom("a", "mx", "a/24", "mx//64", "ptr", "exists:%{i}._spf.example.com", "a:%{d}"),
  domain.map((d) => `a:${d}/28`),
  fc.constantFrom("MS=abc123", "google-site-verification=x"),
);
const existingRecord = fc
  .tuple(fc.array(existingTerm, { maxLength: 8 }), fc.constantFrom("", " -all", " ~all", " ?all"))
  .map(([terms, end]) => ["v=spf1", ...terms].join(" ") + end);

describe("SPF properties", () => {
  it("every record buildSpf emits has no permerror and no advice error", () => {
    fc.assert(
      fc.property(validOptions, (opts) => {
        let record: string;
        try {
          record = buildSpf(opts);
        } catch {
          // Only option sets over the lookup limit may be refused here.
          expect(checkSpfOptions(opts).map((f) => f.code)).toContain("spf-too-many-lookups");
          return;
        }
        const analysis = analyzeSpf(record);
        expect(analysis.permerrors).toEqual([]);
        expect(analysis.advice.filter((f) => f.severity === "error")).toEqual([]);
        expect(analysis.lookups).toBeLessThanOrEqual(10);
      }),
      propertyRuns(500),
    );
  });

  it("buildSpf throws exactly when checkSpfOptions has errors, whatever it is given", () => {
    fc.assert(
      fc.property(anyOptions, (opts) => {
        const errors = checkSpfOptions(opts).filter((f) => f.severity === "error");
        if (errors.length > 0) {
          expect(() => buildSpf(opts)).toThrow();
        } else {
          expect(analyzeSpf(buildSpf(opts)).permerrors).toEqual([]);
        }
      }),
      propertyRuns(500),
    );
  });

  it("mergeSpf keeps every existing term, adds ours, and returns one valid record", () => {
    let mergedCount = 0;
    fc.assert(
      fc.property(existingRecord, validOptions, (existing, add) => {
        const before = analyzeSpf(existing);
        const merged = mergeSpf(existing, add);
        if (merged.record !== undefined) mergedCount++;
        if (merged.record === undefined) {
          expect(merged.findings.some((f) => f.severity === "error")).toBe(true);
          return;
        }
        const after = analyzeSpf(merged.record);
        expect(after.permerrors).toEqual([]);
        expect(after.lookups).toBeLessThanOrEqual(10);
        const texts = after.terms.map((t) => t.text);
        for (const t of before.terms) expect(texts).toContain(t.text);
        const keys = texts.map((t) => t.toLowerCase().replace(/^[+]/, ""));
        const ours = analyzeSpf(buildSpf({ ...add, all: "-" })).terms.filter(
          (t) => t.name !== "all",
        );
        for (const t of ours) {
          const key = t.text.toLowerCase();
          const present = keys.some((k) => k === key || k.slice(1) === key);
          expect(present).toBe(true);
        }
        expect(after.terms.filter((t) => t.name === "all").length).toBe(
          Math.max(1, before.terms.filter((t) => t.name === "all").length),
        );
      }),
      propertyRuns(500),
    );
    // Most generated merges stay under the limit, so the property is not vacuous.
    expect(mergedCount).toBeGreaterThan(250);
  });

  it("mergeSpf refuses exactly the merges whose result would break the lookup limit or was invalid", () => {
    fc.assert(
      fc.property(existingRecord, validOptions, (existing, add) => {
        const merged = mergeSpf(existing, add);
        const codes = merged.findings.filter((f) => f.severity === "error").map((f) => f.code);
        if (merged.record === undefined) {
          expect(codes.length).toBeGreaterThan(0);
        } else {
          expect(codes).toEqual([]);
        }
      }),
      propertyRuns(),
    );
  });

  it("analyzeSpf never throws and reports only errors as permerrors, for any text", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary" }),
          fc.string().map((s) => `v=spf1 ${s}`),
        ),
        (text) => {
          const analysis = analyzeSpf(text);
          for (const f of analysis.permerrors) expect(f.severity).toBe("error");
          for (const f of [...analysis.permerrors, ...analysis.advice]) {
            expect(f.code).toMatch(/^spf-[a-z0-9-]+$/);
          }
        },
      ),
      propertyRuns(1000),
    );
  });

  it("the verdict depends on terms, not on how many spaces separate them", () => {
    fc.assert(
      fc.property(existingRecord, fc.integer({ min: 1, max: 3 }), (record, spaces) => {
        const spaced = record.split(" ").join(" ".repeat(spaces)) + " ";
        expect(analyzeSpf(spaced).permerrors).toEqual(analyzeSpf(record).permerrors);
        expect(analyzeSpf(spaced).terms.map((t) => t.text)).toEqual(
          analyzeSpf(record).terms.map((t) => t.text),
        );
      }),
      propertyRuns(),
    );
  });
});
