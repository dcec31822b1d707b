import { dmarcPolicyEnforced } from "../../policies/rules/dmarc-policy-enforced";
import { cfRecord, r53Record, txtShapes, cfTxtWithUnknownName } from "../helpers/dns-fixtures";
import { runResource } from "../helpers/policy-support";

describe("dmarc-policy-enforced", () => {
  it.each(["v=DMARC1; p=quarantine", "v=DMARC1; p=reject; sp=quarantine; np=reject; pct=100"])(
    "passes %s in every provider shape",
    async (value) => {
      for (const r of txtShapes("_dmarc.example.com", value)) {
        expect((await runResource(dmarcPolicyEnforced, r)).violations).toEqual([]);
      }
    },
  );

  const violating: [string, string, RegExp][] = [
    ["p=none", "v=DMARC1; p=none", /p=none .* weaker than quarantine/],
    ["sp=none under p=reject", "v=DMARC1; p=reject; sp=none", /sp=none .* weaker than quarantine/],
    ["np=none", "v=DMARC1; p=reject; np=none", /np=none/],
    ["pct below 100", "v=DMARC1; p=reject; pct=50", /pct=50 .* only 50%/],
  ];
  it.each(violating)("reports %s", async (_label, value, pattern) => {
    const r = cfRecord("_dmarc", "TXT", value);
    const out = await runResource(dmarcPolicyEnforced, r);
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toContain(`${r.type} "${r.name}"`);
    expect(out.violations[0]).toMatch(pattern);
    expect(out.violations[0]).toMatch(/ Fix: /);
  });

  it("counts t=y (RFC 9989 test mode) as one level weaker", async () => {
    const judge = async (value: string, config: Record<string, unknown> = {}) =>
      (await runResource(dmarcPolicyEnforced, cfRecord("_dmarc", "TXT", value), config)).violations;
    expect(await judge("v=DMARC1; p=quarantine; t=y")).toEqual([
      expect.stringMatching(
        /t=y in "v=DMARC1; p=quarantine; t=y" puts the record in test mode, so RFC 9989 receivers apply p=none instead of p=quarantine, weaker than quarantine\. Fix: remove t=y/,
      ),
    ]);
    expect(await judge("v=DMARC1; p=reject; sp=quarantine; t=y")).toEqual([
      expect.stringMatching(/apply sp=none instead of sp=quarantine/),
    ]);
    expect(await judge("v=DMARC1; p=reject; t=y", { minimumPolicy: "reject" })).toEqual([
      expect.stringMatching(/apply p=quarantine instead of p=reject, weaker than reject/),
    ]);
    expect(await judge("v=DMARC1; p=none; t=y")).toEqual([
      expect.stringMatching(/p=none .* weaker than quarantine/),
    ]);
  });

  it("accepts t=y when it still meets the minimum, and t=n", async () => {
    const judge = async (value: string, config: Record<string, unknown> = {}) =>
      (await runResource(dmarcPolicyEnforced, cfRecord("_dmarc", "TXT", value), config)).violations;
    expect(await judge("v=DMARC1; p=reject; t=y")).toEqual([]);
    expect(await judge("v=DMARC1; p=quarantine; t=y", { minimumPolicy: "none" })).toEqual([]);
    expect(await judge("v=DMARC1; p=quarantine; t=n")).toEqual([]);
  });

  it("raises the bar to reject when configured", async () => {
    const r = r53Record("_dmarc.example.com", "TXT", ["v=DMARC1; p=quarantine"]);
    const out = await runResource(dmarcPolicyEnforced, r, { minimumPolicy: "reject" });
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(/p=quarantine .* weaker than reject/);
  });

  it("accepts a partial pct when configured not to require 100", async () => {
    const r = r53Record("_dmarc.example.com", "TXT", ["v=DMARC1; p=reject; pct=20"]);
    expect(
      (await runResource(dmarcPolicyEnforced, r, { requireFullPct: false })).violations,
    ).toEqual([]);
  });

  it("leaves records receivers reject to dmarc-record-valid and TXT elsewhere alone", async () => {
    expect(
      (await runResource(dmarcPolicyEnforced, cfRecord("_dmarc", "TXT", "p=none; v=DMARC1")))
        .violations,
    ).toEqual([]);
    expect(
      (await runResource(dmarcPolicyEnforced, cfRecord("example.com", "TXT", "v=DMARC1; p=none")))
        .violations,
    ).toEqual([]);
  });

  it("hands a record whose name is unknown during preview to the SDK when its value is a DMARC record", async () => {
    const at = cfTxtWithUnknownName;
    const out = await runResource(dmarcPolicyEnforced, at("v=DMARC1; p=none"));
    expect(out.violations).toEqual([]);
    expect(out.previewNote).toMatch(/\.name can't be known during preview/);
    const other = await runResource(dmarcPolicyEnforced, at("google-site-verification=abc"));
    expect(other).toEqual({ violations: [], urns: [] });
  });
});
