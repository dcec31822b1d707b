import {
  analyzeSpf,
  checkSpfRecordSet,
  describe as describeFinding,
  isSpfRecord,
} from "../../policies/core";
import { spfRecordValid } from "../../policies/rules/spf-record-valid";
import { loadJson } from "../helpers/vectors";
import { CF_ZONE, cfRecord, r53Record, route53Txt, txtShapes } from "../helpers/dns-fixtures";
import { UNKNOWN, runResource, runStack } from "../helpers/policy-support";

interface SpfCase {
  name: string;
  expected: "permerror" | "valid" | "either" | "not-spf";
  kind: "record" | "rrset";
  record?: string;
  records?: string[];
}

const cases = loadJson<{ cases: SpfCase[] }>("spf-syntax-cases.json").cases;

describe("spf-record-valid", () => {
  it.each(txtShapes("example.com", "v=spf1 include:amazonses.com -all").map((r) => [r.type, r]))(
    "passes SES's SPF record declared as %s",
    async (_t, r) => {
      expect((await runResource(spfRecordValid, r)).violations).toEqual([]);
    },
  );

  it("passes TXT records that are not SPF, and other record types", async () => {
    expect(
      (
        await runResource(
          spfRecordValid,
          cfRecord("example.com", "TXT", "google-site-verification=abc"),
        )
      ).violations,
    ).toEqual([]);
    expect(
      (
        await runResource(
          spfRecordValid,
          cfRecord("example.com", "MX", "mx.example.com", { priority: 10 }),
        )
      ).violations,
    ).toEqual([]);
  });

  const violating: [string, string, RegExp][] = [
    ["an IPv4 address out of range", "v=spf1 ip4:300.1.1.1 -all", /ip4:300\.1\.1\.1/],
    [
      "two redirect modifiers",
      "v=spf1 redirect=_spf.example.com redirect=_spf.example.net",
      /redirect/,
    ],
    ["an unknown mechanism", "v=spf1 foo:example.com -all", /foo/],
  ];
  it.each(violating)("reports %s in every provider shape", async (_label, record, pattern) => {
    for (const r of txtShapes("example.com", record)) {
      const out = await runResource(spfRecordValid, r);
      expect(out.violations).toEqual([expect.stringMatching(pattern)]);
      expect(out.violations[0]).toContain(`${r.type} "${r.name}": `);
      expect(out.violations[0]).toMatch(/ Fix: /);
    }
  });

  it("reports two SPF records in one Route53 record set", async () => {
    const out = await runResource(
      spfRecordValid,
      r53Record("example.com", "TXT", ["v=spf1 -all", "v=spf1 mx -all"]),
    );
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(/2 SPF records at one name/);
  });

  it('joins a Route53 value split with "" before parsing', async () => {
    const long = `v=spf1 ${Array.from({ length: 20 }, (_, i) => `ip4:192.0.2.${i}`).join(" ")} -all`;
    const split = `${long.slice(0, 200)}""${long.slice(200)}`;
    expect(
      (await runResource(spfRecordValid, r53Record("example.com", "TXT", [split]))).violations,
    ).toEqual([]);
  });

  it("hands an SPF value unknown during preview to the SDK, which names the field", async () => {
    const out = await runResource(spfRecordValid, {
      ...cfRecord("example.com", "TXT", "x"),
      props: { zoneId: "z", name: "example.com", type: "TXT", content: UNKNOWN, ttl: 1 },
    });
    expect(out.violations).toEqual([]);
    expect(out.previewNote).toMatch(/\.content can't be known during preview/);
  });

  it("reports, at stack level, Cloudflare records that put two SPF records at one name", async () => {
    const zone = { type: CF_ZONE, name: "zone", props: { id: "zone-1", name: "example.com" } };
    const a = cfRecord("example.com", "TXT", "v=spf1 include:amazonses.com -all");
    const b = {
      ...cfRecord("@", "TXT", "v=spf1 include:_spf.google.com -all"),
      name: "google-spf",
    };
    const other = cfRecord("mail.example.com", "TXT", "v=spf1 include:amazonses.com -all");
    const out = await runStack(spfRecordValid, [zone, a, b, other]);
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(
      /2 resources \(".*", "google-spf"\) publish SPF records at example\.com/,
    );
    expect((await runStack(spfRecordValid, [zone, a, other])).violations).toEqual([]);
  });

  describe("agrees with the RFC 7208 syntax vectors", () => {
    const judged = cases.filter((c) => c.expected !== "either");
    it.each(judged.map((c) => [c.name, c]))("%s", async (_name, c) => {
      const values = c.kind === "rrset" ? (c.records as string[]) : [c.record as string];
      const r = r53Record("example.com", "TXT", values.map(route53Txt));
      const out = await runResource(spfRecordValid, r);
      // Exactly the core's permerrors (and the several-records error), each against the resource.
      const expected = [
        ...values.filter(isSpfRecord).flatMap((v) => analyzeSpf(v).permerrors),
        ...checkSpfRecordSet(values),
      ].map((f) => `${r.type} "${r.name}": ${describeFinding(f)}`);
      expect(expected.length > 0).toBe(c.expected === "permerror");
      expect(out.violations).toEqual(expected);
    });
  });

  describe("TXT content no DNS server can serve as written", () => {
    const raw = (content: string) => ({
      ...cfRecord("example.com", "TXT", "x"),
      props: { zoneId: "zone-1", name: "example.com", type: "TXT", ttl: 1, content },
    });
    const long = `v=spf1 ${Array.from({ length: 30 }, (_, i) => `ip4:192.0.2.${i}`).join(" ")} -all`;

    it("reports an SPF value with an unterminated quote", async () => {
      const out = await runResource(spfRecordValid, raw('"v=spf1 foo -all'));
      expect(out.violations).toEqual([
        expect.stringMatching(
          /TXT content "\\"v=spf1 foo -all" starts with a quote but is not a list of quoted strings\. Fix: /,
        ),
      ]);
    });

    it("reports a quoted SPF string over 255 octets", async () => {
      const out = await runResource(spfRecordValid, raw(`"${long}"`));
      expect(long.length).toBeGreaterThan(255);
      expect(out.violations).toEqual([
        expect.stringMatching(
          /TXT string 1 of .* is \d+ octets; a character-string holds at most 255/,
        ),
      ]);
    });

    it("reports an unsplit Route53 SPF value over 255 octets, and passes it split", async () => {
      const out = await runResource(spfRecordValid, r53Record("example.com", "TXT", [long]));
      expect(out.violations).toEqual([
        expect.stringMatching(
          /holds a string \(number 1\) of \d+ octets; .* so Route53 rejects the record/,
        ),
      ]);
      expect(
        (await runResource(spfRecordValid, r53Record("example.com", "TXT", [route53Txt(long)])))
          .violations,
      ).toEqual([]);
    });

    it("reports a Route53 SPF value written with an unterminated quote", async () => {
      const out = await runResource(
        spfRecordValid,
        r53Record("example.com", "TXT", ['"v=spf1 include:amazonses.com -all']),
      );
      expect(out.violations).toEqual([
        expect.stringMatching(/starts with a quote but is not a list of quoted strings/),
      ]);
    });

    it("leaves badly quoted values that are not SPF to their own policies", async () => {
      expect((await runResource(spfRecordValid, raw('"site-verification=abc'))).violations).toEqual(
        [],
      );
    });
  });

  it("judges the same name in two zones as two record sets (a Route53 to Cloudflare migration)", async () => {
    const cf = cfRecord("example.com", "TXT", "v=spf1 include:amazonses.com -all");
    const r53 = r53Record("example.com", "TXT", ["v=spf1 include:amazonses.com -all"]);
    expect((await runStack(spfRecordValid, [cf, r53])).violations).toEqual([]);
    const otherZone = {
      ...cfRecord("example.com", "TXT", "v=spf1 mx -all"),
      name: "other-zone",
      props: { ...cf.props, zoneId: "zone-2", content: "v=spf1 mx -all" },
    };
    expect((await runStack(spfRecordValid, [cf, otherZone])).violations).toEqual([]);
    const sameZone = { ...otherZone, props: { ...otherZone.props, zoneId: "zone-1" } };
    expect((await runStack(spfRecordValid, [cf, sameZone])).violations).toEqual([
      expect.stringMatching(
        /2 resources .* publish SPF records at example\.com\. There are 2 SPF records at one name/,
      ),
    ]);
  });
});
