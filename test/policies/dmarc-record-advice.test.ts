import { dmarcRecordAdvice } from "../../policies/rules/dmarc-record-advice";
import { CF_ZONE, cfRecord, r53Record, cfTxtWithUnknownName } from "../helpers/dns-fixtures";
import { runResource, runStack } from "../helpers/policy-support";

const zone = { type: CF_ZONE, name: "zone", props: { id: "zone-1", name: "example.com" } };

describe("dmarc-record-advice", () => {
  it("passes an enforcing record with reports inside the domain", async () => {
    const r = cfRecord("_dmarc", "TXT", "v=DMARC1; p=reject; rua=mailto:dmarc@example.com");
    expect((await runResource(dmarcRecordAdvice, r)).violations).toEqual([]);
    expect((await runStack(dmarcRecordAdvice, [zone, r])).violations).toEqual([]);
  });

  const advised: [string, string, RegExp][] = [
    ["p=none", "v=DMARC1; p=none; rua=mailto:d@example.com", /p=none only monitors/],
    ["no rua", "v=DMARC1; p=reject", /no rua=/],
    [
      "the historic pct",
      "v=DMARC1; p=reject; pct=50; rua=mailto:d@example.com",
      /pct=50 is historic/,
    ],
  ];
  it.each(advised)("reports %s", async (_label, value, pattern) => {
    const r = r53Record("_dmarc.example.com", "TXT", [value]);
    const out = await runResource(dmarcRecordAdvice, r);
    expect(out.violations.join("\n")).toMatch(pattern);
    expect(out.violations[0]).toContain(`${r.type} "${r.name}"`);
  });

  it("reports an external report destination whose authorization the stack does not publish", async () => {
    const r = cfRecord("_dmarc", "TXT", "v=DMARC1; p=reject; rua=mailto:agg@reports.example.net");
    const out = await runStack(dmarcRecordAdvice, [zone, r]);
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(
      /mailto:agg@reports\.example\.net is outside example\.com, and the stack does not publish TXT example\.com\._report\._dmarc\.reports\.example\.net/,
    );
  });

  it("accepts the authorization when the stack publishes it or configuration trusts the destination", async () => {
    const r = cfRecord("_dmarc", "TXT", "v=DMARC1; p=reject; rua=mailto:agg@reports.example.net");
    const auth = r53Record("example.com._report._dmarc.reports.example.net", "TXT", ["v=DMARC1;"]);
    expect((await runStack(dmarcRecordAdvice, [zone, r, auth])).violations).toEqual([]);
    expect(
      (await runStack(dmarcRecordAdvice, [zone, r], { authorizedDestinations: ["example.net"] }))
        .violations,
    ).toEqual([]);
  });

  it("hands a record whose name is unknown during preview to the SDK when its value is a DMARC record", async () => {
    const at = cfTxtWithUnknownName;
    const out = await runResource(dmarcRecordAdvice, at("v=DMARC1; p=none"));
    expect(out.violations).toEqual([]);
    expect(out.previewNote).toMatch(/\.name can't be known during preview/);
    const other = await runResource(dmarcRecordAdvice, at("google-site-verification=abc"));
    expect(other).toEqual({ violations: [], urns: [] });
  });

  it("advises against t=y, under which receivers apply the next weaker policy", async () => {
    const out = await runResource(
      dmarcRecordAdvice,
      cfRecord("_dmarc", "TXT", "v=DMARC1; p=reject; t=y; rua=mailto:d@example.com"),
    );
    expect(out.violations).toEqual([
      expect.stringMatching(/t=y puts the record in test mode: .* Fix: Remove t=y/),
    ]);
  });

  it("gives no report-destination advice for a name relative to an undeclared zone", async () => {
    const relative = {
      ...cfRecord("_dmarc.mail", "TXT", "v=DMARC1; p=reject; rua=mailto:agg@example.com"),
      props: {
        zoneId: "zone-elsewhere",
        name: "_dmarc.mail",
        type: "TXT",
        ttl: 1,
        content: "v=DMARC1; p=reject; rua=mailto:agg@example.com",
      },
    };
    expect((await runStack(dmarcRecordAdvice, [relative])).violations).toEqual([]);
    // Written in full, the same record's domain is known even without its zone.
    const full = {
      ...relative,
      props: { ...relative.props, name: "_dmarc.mail.example.org" },
    };
    expect((await runStack(dmarcRecordAdvice, [full])).violations).toEqual([
      expect.stringMatching(/mailto:agg@example\.com is outside mail\.example\.org/),
    ]);
  });
});
