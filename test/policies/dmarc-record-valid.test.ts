import {
  analyzeDmarc,
  analyzeDmarcRecordSet,
  describe as describeFinding,
  errorsOf,
} from "../../policies/core";
import { dmarcRecordValid } from "../../policies/rules/dmarc-record-valid";
import { loadJson } from "../helpers/vectors";
import { CF_DNS_RECORD, CF_ZONE, cfRecord, r53Record, txtShapes } from "../helpers/dns-fixtures";
import { UNKNOWN, runResource, runStack } from "../helpers/policy-support";

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
    [
      "v=DMARC1 not first",
      ["p=reject; v=DMARC1"],
      /"p=reject; v=DMARC1" does not begin with v=DMARC1/,
    ],
    [
      "a Route53 record set with no DMARC record",
      ["hello"],
      /None of the 1 TXT records at _dmarc begins with v=DMARC1/,
    ],
    [
      "two DMARC records in one record set",
      ["v=DMARC1; p=reject", "v=DMARC1; p=none"],
      /2 DMARC records at one name/,
    ],
  ];
  it.each(violating)("reports %s", async (_label, values, pattern) => {
    const r = r53Record("_dmarc.example.com", "TXT", values);
    const out = await runResource(dmarcRecordValid, r);
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toContain(`${r.type} "${r.name}"`);
    expect(out.violations[0]).toMatch(pattern);
    expect(out.violations[0]).toMatch(/ Fix: /);
  });

  it("judges a Cloudflare record's own value only: a sibling record may hold the DMARC record", async () => {
    const verification = cfRecord("_dmarc", "TXT", "some-verification=1");
    expect((await runResource(dmarcRecordValid, verification)).violations).toEqual([]);
    const broken = cfRecord("_dmarc", "TXT", "v=DMARC1; p=bogus");
    const out = await runResource(dmarcRecordValid, broken);
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(/p="bogus" is not a DMARC policy/);
  });

  describe("at stack level (the record set at a name)", () => {
    const zone = { type: CF_ZONE, name: "zone", props: { id: "zone-1", name: "example.com" } };
    const verification = {
      ...cfRecord("_dmarc", "TXT", "some-verification=1"),
      name: "verification",
    };

    it("passes a Cloudflare verification record next to a valid DMARC record", async () => {
      const dmarc = cfRecord("_dmarc.example.com", "TXT", "v=DMARC1; p=reject");
      expect((await runStack(dmarcRecordValid, [zone, verification, dmarc])).violations).toEqual(
        [],
      );
    });

    it("reports a name whose only Cloudflare record is no DMARC record", async () => {
      const out = await runStack(dmarcRecordValid, [zone, verification]);
      expect(out.violations).toEqual([
        expect.stringMatching(
          /"verification": it is the only resource that publishes TXT records at _dmarc\.example\.com\. None of the 1 TXT records at _dmarc begins with v=DMARC1\. Fix: /,
        ),
      ]);
    });

    it("leaves each record's own errors to the resource check", async () => {
      for (const value of ["v=DMARC1; p=bogus", "p=reject; v=DMARC1", "v=dmarc1; p=reject"]) {
        const record = cfRecord("_dmarc", "TXT", value);
        expect((await runStack(dmarcRecordValid, [zone, record])).violations).toEqual([]);
        expect((await runResource(dmarcRecordValid, record)).violations).toHaveLength(1);
      }
    });

    it("does not call a name empty while one of its values is unknown", async () => {
      const pending = {
        ...cfRecord("_dmarc", "TXT", "x"),
        name: "pending",
        props: { zoneId: "zone-1", name: "_dmarc", type: "TXT", ttl: 1, content: UNKNOWN },
      };
      expect((await runStack(dmarcRecordValid, [zone, verification, pending])).violations).toEqual(
        [],
      );
    });

    it("leaves a single Route53 record set to its resource check", async () => {
      const r = r53Record("_dmarc.example.com", "TXT", ["hello"]);
      expect((await runStack(dmarcRecordValid, [r])).violations).toEqual([]);
      expect((await runResource(dmarcRecordValid, r)).violations).toHaveLength(1);
    });
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

  it("names five of the resources that share a _dmarc name at most, then how many more", async () => {
    const zone = { type: CF_ZONE, name: "zone", props: { id: "zone-1", name: "example.com" } };
    const records = Array.from({ length: 8 }, (_, i) => ({
      ...cfRecord("_dmarc", "TXT", "v=DMARC1; p=reject"),
      name: `dmarc-${i}`,
    }));
    const out = await runStack(dmarcRecordValid, [zone, ...records]);
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(
      /^cloudflare:index\/dnsRecord:DnsRecord "dmarc-0": 8 resources \("dmarc-0", "dmarc-1", "dmarc-2", "dmarc-3", "dmarc-4" and 3 more\) publish TXT records at _dmarc\.example\.com\. There are 8 DMARC records at one name/,
    );
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
        const values =
          c.kind === "rrset"
            ? (c.records as string[])
            : c.kind === "txt_strings"
              ? [(c.txt_strings as string[]).join("")]
              : [c.record as string];
        // A value meant as DMARC gets the core's errors for that record; a set gets the core's
        // set errors (several records, or none).
        const expected = errorsOf(
          values.length === 1 && /(^|;)\s*v\s*=\s*dmarc1\s*(;|$)/i.test(values[0])
            ? analyzeDmarc(values[0]).findings
            : analyzeDmarcRecordSet(values).findings,
        ).map(describeFinding);
        expect(expected.length === 0).toBe(c.valid);
        for (const r of resources) {
          const out = await runResource(dmarcRecordValid, r);
          expect(out.violations).toEqual(expected.map((m) => `${r.type} "${r.name}": ${m}`));
        }
      },
    );
  });

  it("reports a DMARC value with an unterminated quote once, as a quoting error", async () => {
    const zone = { type: CF_ZONE, name: "zone", props: { id: "zone-1", name: "example.com" } };
    const r = {
      ...cfRecord("_dmarc", "TXT", "x"),
      props: {
        zoneId: "zone-1",
        name: "_dmarc",
        type: "TXT",
        ttl: 1,
        content: '"v=DMARC1; p=reject',
      },
    };
    expect((await runResource(dmarcRecordValid, r)).violations).toEqual([
      expect.stringMatching(/starts with a quote but is not a list of quoted strings/),
    ]);
    expect((await runStack(dmarcRecordValid, [zone, r])).violations).toEqual([]);
  });
});
