import { dmarcRecordValid } from "../../policies/rules/dmarc-record-valid";
import { loadJson } from "../helpers/vectors";
import { CF_DNS_RECORD, CF_ZONE, cfRecord, r53Record, txtShapes } from "../helpers/dns-fixtures";
import { runResource, runStack } from "../helpers/policy-support";

interface DmarcCase {
  record: string | null;
  kind: "record" | "txt_strings" | "rrset" | "report-auth";
  txt_strings?: string[];
  records?: string[];
  valid: boolean;
  reason: string;
}

const cases = loadJson<DmarcCase[]>("dmarc-cases.json").filter((c) => c.kind !== "report-auth");

describe("dmarc-record-valid", () => {
  it.each(
    txtShapes("_dmarc.example.com", "v=DMARC1; p=reject; rua=mailto:dmarc@example.com").map((r) => [
      r.type,
      r,
    ]),
  )("passes an enforcing record declared as %s", async (_t, r) => {
    expect((await runResource(dmarcRecordValid, r)).violations).toEqual([]);
  });

  it("passes a record named relative to its zone and ignores TXT records elsewhere", async () => {
    expect(
      (await runResource(dmarcRecordValid, cfRecord("_dmarc", "TXT", "v=DMARC1; p=quarantine")))
        .violations,
    ).toEqual([]);
    expect(
      (await runResource(dmarcRecordValid, cfRecord("example.com", "TXT", "p=reject; v=DMARC1")))
        .violations,
    ).toEqual([]);
  });

  const violating: [string, string[], RegExp][] = [
    ["v=DMARC1 not first", ["p=reject; v=DMARC1"], /begins with v=DMARC1/],
    ["a TXT at _dmarc that is no DMARC record", ["hello"], /begins with v=DMARC1/],
    [
      "two DMARC records in one record set",
      ["v=DMARC1; p=reject", "v=DMARC1; p=none"],
      /2 DMARC records at one name/,
    ],
  ];
  it.each(violating)("reports %s", async (_label, values, pattern) => {
    const r = r53Record("_dmarc.example.com", "TXT", values);
    const out = await runResource(dmarcRecordValid, r);
    expect(out.violations.length).toBeGreaterThan(0);
    expect(out.violations[0]).toContain(`${r.type} "${r.name}"`);
    expect(out.violations[0]).toMatch(pattern);
    expect(out.violations[0]).toMatch(/ Fix: /);
  });

  it("reports, at stack level, two Cloudflare records at one _dmarc name, resolving relative names by zone", async () => {
    const zone = { type: CF_ZONE, name: "zone", props: { id: "zone-1", name: "example.com" } };
    const a = cfRecord("_dmarc", "TXT", "v=DMARC1; p=reject");
    const b = { ...cfRecord("_dmarc.example.com", "TXT", "v=DMARC1; p=none"), name: "second" };
    const out = await runStack(dmarcRecordValid, [zone, a, b]);
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(/2 resources .* publish TXT records at _dmarc\.example\.com/);
    expect(out.urns[0]).toContain(CF_DNS_RECORD);
    expect((await runStack(dmarcRecordValid, [zone, a])).violations).toEqual([]);
  });

  describe("agrees with the DMARC vectors (publisher-strict validity)", () => {
    it.each(cases.map((c) => [c.record ?? (c.records ?? []).join(" | "), c]))(
      "%s",
      async (_name, c) => {
        const resources =
          c.kind === "rrset"
            ? [r53Record("_dmarc.example.com", "TXT", c.records as string[])]
            : c.kind === "txt_strings"
              ? [
                  r53Record("_dmarc.example.com", "TXT", [(c.txt_strings as string[]).join('""')]),
                  {
                    ...cfRecord("_dmarc.example.com", "TXT", "x"),
                    props: {
                      zoneId: "z",
                      name: "_dmarc.example.com",
                      type: "TXT",
                      ttl: 1,
                      content: (c.txt_strings as string[]).map((s) => JSON.stringify(s)).join(" "),
                    },
                  },
                ]
              : [r53Record("_dmarc.example.com", "TXT", [c.record as string])];
        for (const r of resources) {
          const out = await runResource(dmarcRecordValid, r);
          if (c.valid) {
            expect(out.violations).toEqual([]);
          } else {
            expect(out.violations.length).toBeGreaterThan(0);
          }
        }
      },
    );
  });
});
