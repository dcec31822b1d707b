import {
  analyzeDkimKey,
  checkEasyDkimCname,
  checkEasyDkimRecord,
  DkimKeyAnalysis,
} from "../../policies/core/dkim";
import { errorsOf, warningsOf } from "../../policies/core/finding";
import { DkimKeyCase, EasyDkimCnameCase, dkimVectors } from "../helpers/vectors";

const vectors = dkimVectors();
const keys = vectors.key_records;
const cnames = vectors.easy_dkim_cname_examples.cases;

function severityOf(analysis: DkimKeyAnalysis): DkimKeyCase["severity"] {
  if (errorsOf(analysis.findings).length > 0) return "error";
  return warningsOf(analysis.findings).length > 0 ? "warning" : "ok";
}

describe("DKIM key validator against the shared vectors", () => {
  it("has all 29 key records and 11 CNAME shapes to run", () => {
    expect(keys).toHaveLength(29);
    expect(cnames).toHaveLength(11);
  });

  it.each(keys.map((c, i) => [i, c.reason, c]))(
    "judges key record %i (%s) as the vector says",
    (_i, _reason, c: DkimKeyCase) => {
      const txt = c.txt_strings ? c.txt_strings.join("") : c.record;
      const analysis = analyzeDkimKey(txt);
      expect({
        valid: errorsOf(analysis.findings).length === 0,
        severity: severityOf(analysis),
      }).toEqual({ valid: c.valid, severity: c.severity });
    },
  );

  it("reads the RSA size the reference checker measured for every decodable RSA key", () => {
    let compared = 0;
    for (const c of keys) {
      const analysis = analyzeDkimKey(c.record);
      if (analysis.keyType !== "rsa" || analysis.rsaBits === undefined) continue;
      expect([c.record.slice(0, 40), analysis.rsaBits]).toEqual([
        c.record.slice(0, 40),
        c.reference_checker.bits,
      ]);
      compared += 1;
    }
    expect(compared).toBeGreaterThanOrEqual(18);
  });

  it("reports an empty p= as a revoked key", () => {
    const revoked = keys.filter((c) => /p=\s*$/.test(c.record));
    expect(revoked.length).toBeGreaterThan(0);
    for (const c of revoked) expect(analyzeDkimKey(c.record).revoked).toBe(true);
  });
});

describe("Easy DKIM CNAME shapes against the shared vectors", () => {
  it("holds cases for an identity in a regional-DKIM region, a global one, and an unknown region", () => {
    expect(cnames.filter((c) => c.region === "me-central-1")).toHaveLength(2);
    expect(cnames.filter((c) => c.region === "eu-west-1")).toHaveLength(1);
    expect(
      cnames.filter(
        (c) => c.region === undefined && /\.dkim\.[a-z]+-[a-z]+-[0-9]+\./.test(c.target),
      ),
    ).toHaveLength(1);
  });

  it.each(cnames.map((c) => [c.reason ?? "valid", c]))(
    "judges %s",
    (_reason, c: EasyDkimCnameCase) => {
      const findings = checkEasyDkimRecord(
        { name: c.name, type: c.type, target: c.target, proxied: c.proxied },
        { region: c.region },
      );
      expect(errorsOf(findings).length === 0).toBe(c.valid);
    },
  );

  it("judges the name and target of every CNAME-typed, unproxied case by shape alone", () => {
    for (const c of cnames.filter((x) => x.type === "CNAME" && x.proxied !== true)) {
      expect([
        c.name,
        c.target,
        errorsOf(checkEasyDkimCname(c.name, c.target, { region: c.region })).length === 0,
      ]).toEqual([c.name, c.target, c.valid]);
    }
  });
});
