import {
  analyzeDmarc,
  analyzeDmarcRecordSet,
  analyzeReportAuthorization,
  DmarcAnalysis,
} from "../../policies/core/dmarc";
import { errorsOf, warningsOf } from "../../policies/core/finding";
import { loadJson } from "../helpers/vectors";

/**
 * dmarc-cases.json (checkdmarc, mailauth, Nager.EmailAuthentication, OpenDMARC and RFC examples;
 * licenses in test/vectors/README.md). `valid` follows the publisher-strict profile: valid
 * records work for RFC 7489 and RFC 9989 receivers alike; `severity` is error, warning (valid with
 * advice) or ok (no findings).
 */
interface DmarcCase {
  record: string | null;
  kind: "record" | "txt_strings" | "rrset" | "report-auth";
  txt_strings?: string[];
  records?: string[];
  valid: boolean;
  verdict: string;
  severity: "error" | "warning" | "ok";
  reason: string;
}

const cases = loadJson<DmarcCase[]>("dmarc-cases.json");

/**
 * Advice this validator gives beyond the reference checkers the vectors come from: RFC 9989's t=y
 * test mode (receivers apply the next weaker policy). It never changes validity; the severity a
 * vector states is compared without it, and the test below checks where it appears.
 */
const ADVICE_BEYOND_VECTORS: ReadonlySet<string> = new Set(["dmarc-test-mode"]);

function severityOf(analysis: DmarcAnalysis): DmarcCase["severity"] {
  if (errorsOf(analysis.findings).length > 0) return "error";
  const warnings = warningsOf(analysis.findings).filter((f) => !ADVICE_BEYOND_VECTORS.has(f.code));
  return warnings.length > 0 ? "warning" : "ok";
}

function analyze(c: DmarcCase): DmarcAnalysis {
  switch (c.kind) {
    case "rrset":
      return analyzeDmarcRecordSet(c.records ?? []);
    case "txt_strings":
      return analyzeDmarc((c.txt_strings ?? []).join(""));
    default:
      return analyzeDmarc(c.record ?? "");
  }
}

function label(c: DmarcCase): string {
  return JSON.stringify(c.kind === "rrset" ? c.records : c.record);
}

describe("DMARC validator against the shared vectors", () => {
  it("has all 120 cases to run", () => {
    expect(cases).toHaveLength(120);
  });

  it.each(cases.map((c) => [c.kind, label(c), c]))(
    "judges %s %s as the vector says",
    (_kind, _label, c: DmarcCase) => {
      const analysis = analyze(c);
      expect({
        valid: errorsOf(analysis.findings).length === 0,
        severity: severityOf(analysis),
      }).toEqual({ valid: c.valid, severity: c.severity });
      // A record is returned exactly when the record is valid.
      expect(analysis.record !== undefined).toBe(c.valid);
    },
  );

  it("gives the test-mode advice exactly for the valid records with t=y", () => {
    for (const c of cases.filter((x) => x.kind === "record" || x.kind === "txt_strings")) {
      const analysis = analyze(c);
      const testMode = analysis.record?.t === "y";
      expect([label(c), analysis.findings.some((f) => f.code === "dmarc-test-mode")]).toEqual([
        label(c),
        testMode,
      ]);
    }
    expect(cases.filter((c) => analyze(c).record?.t === "y")).toHaveLength(3);
  });

  it("marks records that do not announce DMARC with dmarc-not-dmarc or dmarc-empty", () => {
    for (const c of cases.filter((x) => x.verdict === "not-dmarc")) {
      const codes = analyze(c).findings.map((f) => f.code);
      expect([label(c), codes.some((x) => x === "dmarc-not-dmarc" || x === "dmarc-empty")]).toEqual(
        [label(c), true],
      );
    }
  });

  it("joins multi-string TXT records to the record the vector states", () => {
    for (const c of cases.filter((x) => x.kind === "txt_strings")) {
      expect((c.txt_strings ?? []).join("")).toBe(c.record);
    }
  });

  it("accepts the bare authorization record at _report._dmarc but not as a policy record", () => {
    const auth = cases.filter((c) => c.kind === "report-auth");
    expect(auth).toHaveLength(1);
    for (const c of auth) {
      expect(analyzeReportAuthorization(c.record ?? "")).toEqual([]);
      expect(analyzeDmarc(c.record ?? "").findings.map((f) => f.code)).toContain("dmarc-missing-p");
    }
  });
});
