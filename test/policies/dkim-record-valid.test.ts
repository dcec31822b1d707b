import { analyzeDkimKey, describe as describeFinding, errorsOf } from "../../policies/core";
import { dkimRecordValid } from "../../policies/rules/dkim-record-valid";
import { mailDnsNotProxied } from "../../policies/rules/mail-dns-not-proxied";
import { DkimKeyCase, dkimVectors } from "../helpers/vectors";
import { cfRecord, r53Record, route53Txt, txtShapes } from "../helpers/dns-fixtures";
import { UNKNOWN, runResource } from "../helpers/policy-support";

const vectors = dkimVectors();
const TOKEN = "xtk53kxcy4p3t6ztbrffs6d54rsrrhh6";
const OTHER = "zxfo5z4dqr44uztwz5io2b4j4mwlrquj";
const strongKey = vectors.key_records.find(
  (k) => k.valid && /^2048-bit RSA$/.test(k.reason),
) as DkimKeyCase;

describe("dkim-record-valid", () => {
  it("passes a 2048-bit key record in every provider shape", async () => {
    for (const r of txtShapes("sel._domainkey.example.com", strongKey.record)) {
      expect((await runResource(dkimRecordValid, r)).violations).toEqual([]);
    }
  });

  it("passes Easy DKIM CNAMEs named in full or relative to the zone", async () => {
    for (const name of [`${TOKEN}._domainkey.example.com`, `${TOKEN}._domainkey`]) {
      const r = cfRecord(name, "CNAME", `${TOKEN}.dkim.amazonses.com`);
      expect((await runResource(dkimRecordValid, r)).violations).toEqual([]);
    }
  });

  it("passes an Easy DKIM CNAME whose token is unknown during preview", async () => {
    const r = cfRecord(UNKNOWN, "CNAME", UNKNOWN);
    const out = await runResource(dkimRecordValid, r);
    expect(out.violations).toEqual([]);
    expect(out.previewNote).toMatch(/can't be known during preview/);
  });

  it("accepts a revoked key (empty p=), the way to retire a selector", async () => {
    expect(
      (await runResource(dkimRecordValid, cfRecord("old._domainkey", "TXT", "v=DKIM1; k=rsa; p=")))
        .violations,
    ).toEqual([]);
  });

  it("leaves the DomainKeys and ADSP policy records under _domainkey alone", async () => {
    const policies = [
      cfRecord("_domainkey.example.com", "TXT", "o=~"),
      cfRecord("_domainkey", "TXT", "o=-; r=postmaster@example.com"),
      r53Record("_adsp._domainkey.example.com", "TXT", ["dkim=all"]),
      cfRecord("_adsp._domainkey", "TXT", "dkim=discardable"),
    ];
    for (const r of policies) {
      expect((await runResource(dkimRecordValid, r)).violations).toEqual([]);
    }
  });

  it("judges a record at a selector as a key record", async () => {
    for (const name of [
      "s1._domainkey.example.com",
      "s1._domainkey",
      "a.b._domainkey.example.com",
    ]) {
      const out = await runResource(dkimRecordValid, cfRecord(name, "TXT", "o=~"));
      expect(out.violations).toEqual([expect.stringMatching(/p=/)]);
    }
  });

  const violating: [string, string, string, RegExp][] = [
    [
      "a CNAME whose token differs from its name's",
      `${TOKEN}._domainkey.example.com`,
      `${OTHER}.dkim.amazonses.com`,
      /token differs/,
    ],
    [
      "a CNAME to SES outside _domainkey",
      `${TOKEN}.example.com`,
      `${TOKEN}.dkim.amazonses.com`,
      /not <token>\._domainkey\.<domain>/,
    ],
    [
      "a relative CNAME with a mismatched token",
      `${TOKEN}._domainkey`,
      `${OTHER}.dkim.amazonses.com`,
      /"xtk53kxcy4p3t6ztbrffs6d54rsrrhh6\._domainkey" points at/,
    ],
  ];
  it.each(violating)("reports %s", async (_label, name, target, pattern) => {
    const r = cfRecord(name, "CNAME", target);
    const out = await runResource(dkimRecordValid, r);
    expect(out.violations).toEqual([expect.stringMatching(pattern)]);
    expect(out.violations[0]).toContain(`${r.type} "${r.name}"`);
    expect(out.violations[0]).toMatch(/ Fix: /);
    expect(out.violations.join("\n")).not.toContain(".zone.invalid");
  });

  describe("agrees with the DKIM key vectors (revoked keys aside)", () => {
    const keys = vectors.key_records.filter((k) => !/revoked/.test(k.reason));
    it.each(keys.map((k) => [k.reason, k]))("%s", async (_reason, k) => {
      const r = r53Record("sel._domainkey.example.com", "TXT", [route53Txt(k.record)]);
      const out = await runResource(dkimRecordValid, r);
      // Exactly the core's errors for the key, each against the resource.
      const expected = errorsOf(analyzeDkimKey(k.record).findings).map(
        (f) => `${r.type} "${r.name}": ${describeFinding(f)}`,
      );
      expect(expected.length === 0).toBe(k.valid);
      expect(out.violations).toEqual(expected);
    });
  });

  describe("with mail-dns-not-proxied, rejects every invalid Easy DKIM example", () => {
    /** What each policy says, by the reason the vector gives. */
    const WHY: Record<string, RegExp[]> = {
      "target token differs from the selector token": [/token differs/],
      "Easy DKIM records are CNAMEs, not TXT": [/is not a name=value tag/, /has no p= tag/],
      "missing the _domainkey label": [/not <token>\._domainkey\.<domain>/],
      "Cloudflare-proxied CNAME hides the target; DKIM TXT lookups through it fail. Must be DNS-only (proxied=false)":
        [/a DKIM record at .* is proxied/],
    };
    it.each(
      vectors.easy_dkim_cname_examples.cases.map((c) => [
        `${c.type} ${c.name} -> ${c.target}${c.proxied ? " (proxied)" : ""}`,
        c,
      ]),
    )("%s", async (_label, c) => {
      const r = cfRecord(c.name, c.type, c.target, { proxied: c.proxied ?? false });
      const found = [
        ...(await runResource(dkimRecordValid, r)).violations,
        ...(await runResource(mailDnsNotProxied, r)).violations,
      ];
      expect(found).toEqual(
        c.valid ? [] : WHY[c.reason ?? ""].map((p) => expect.stringMatching(p)),
      );
    });
  });

  it("reports a key value with an unterminated quote as a quoting error only", async () => {
    const r = {
      ...cfRecord("s1._domainkey", "TXT", "x"),
      props: {
        zoneId: "zone-1",
        name: "s1._domainkey",
        type: "TXT",
        ttl: 1,
        content: `"${strongKey.record}`,
      },
    };
    expect((await runResource(dkimRecordValid, r)).violations).toEqual([
      expect.stringMatching(/starts with a quote but is not a list of quoted strings/),
    ]);
  });
});
