import { analyzeDkimKey, describe as describeFinding, errorsOf } from "../../policies/core";
import { dkimRecordValid } from "../../policies/rules/dkim-record-valid";
import { mailDnsNotProxied } from "../../policies/rules/mail-dns-not-proxied";
import { sesDnsRecords } from "../../policies/rules/ses-dns-records";
import { DkimKeyCase, dkimVectors } from "../helpers/vectors";
import { cfRecord, r53Record, route53Txt, txtShapes } from "../helpers/dns-fixtures";
import { UNKNOWN, runResource, runStack, urnOf } from "../helpers/policy-support";

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

  it("passes Easy DKIM CNAMEs to every DKIM domain shape SES uses, regional ones included", async () => {
    for (const target of [
      `${TOKEN}.dkim.amazonses.com`,
      `${TOKEN}.dkim.me-central-1.amazonses.com`,
      `${TOKEN}.dkim.us-gov-east-1.amazonses.com`,
      // A region opened after the table: the shape is SES's, the rest is for ses-dns-records.
      `${TOKEN}.dkim.ap-east-9.amazonses.com`,
    ]) {
      const r = cfRecord(`${TOKEN}._domainkey.example.com`, "CNAME", target);
      expect([target, (await runResource(dkimRecordValid, r)).violations]).toEqual([target, []]);
    }
  });

  it("reports a regional DKIM domain of a region that keeps its keys under the global one", async () => {
    const r = cfRecord(
      `${TOKEN}._domainkey.example.com`,
      "CNAME",
      `${TOKEN}.dkim.eu-west-1.amazonses.com`,
    );
    expect((await runResource(dkimRecordValid, r)).violations).toEqual([
      `${r.type} "${r.name}": The Easy DKIM target "${TOKEN}.dkim.eu-west-1.amazonses.com" under dkim.eu-west-1.amazonses.com names no DKIM domain SES uses: eu-west-1 keeps its keys under dkim.amazonses.com (AWS General Reference, Amazon SES endpoints and quotas, DKIM domains). Fix: Point the record at <token>.dkim.amazonses.com.`,
    ]);
  });

  it("judges a token mismatch under a regional DKIM domain, and leaves hosts outside SES alone", async () => {
    const mismatch = cfRecord(
      `${TOKEN}._domainkey.example.com`,
      "CNAME",
      `${OTHER}.dkim.me-central-1.amazonses.com`,
    );
    expect((await runResource(dkimRecordValid, mismatch)).violations).toEqual([
      `${mismatch.type} "${mismatch.name}": The record "${TOKEN}._domainkey.example.com" points at "${OTHER}.dkim.me-central-1.amazonses.com", whose token differs from the one in its name. Fix: Point <token>._domainkey.<domain> at <token>.dkim.me-central-1.amazonses.com with the same token.`,
    ]);
    for (const target of [
      `${OTHER}.dkim.amazonses.com.example.net`,
      `${OTHER}.dkim.example.amazonses.com`,
    ]) {
      const elsewhere = cfRecord(`${TOKEN}._domainkey.example.com`, "CNAME", target);
      expect((await runResource(dkimRecordValid, elsewhere)).violations).toEqual([]);
    }
  });

  describe("with mail-dns-not-proxied and ses-dns-records, rejects every invalid Easy DKIM example", () => {
    /** What each policy says, by the reason the vector gives. */
    const WHY: Record<string, RegExp[]> = {
      "target token differs from the selector token": [/token differs/],
      "Easy DKIM records are CNAMEs, not TXT": [/is not a name=value tag/, /has no p= tag/],
      "missing the _domainkey label": [/not <token>\._domainkey\.<domain>/],
      "Cloudflare-proxied CNAME hides the target; DKIM TXT lookups through it fail. Must be DNS-only (proxied=false)":
        [/a DKIM record at .* is proxied/],
      "SES keeps no key under dkim.amazonses.com for me-central-1 identities": [
        /the Easy DKIM CNAME .* of the SES identity "ses-example\.com" \(me-central-1\) points at .*; SES expects ".*\.dkim\.me-central-1\.amazonses\.com"/,
      ],
      "eu-west-1 uses dkim.amazonses.com": [
        /names no DKIM domain SES uses: eu-west-1 keeps its keys under dkim\.amazonses\.com/,
        /the Easy DKIM CNAME .* of the SES identity "ses-example\.com" \(eu-west-1\) points at .*; SES expects ".*\.dkim\.amazonses\.com"/,
      ],
    };
    /** A case that names a region is judged for an SES identity in that region, in a stack. */
    const forIdentity = async (c: (typeof vectors.easy_dkim_cname_examples.cases)[number]) => {
      if (c.region === undefined) {
        return [];
      }
      const token = c.name.split(".")[0];
      const identity = {
        type: "aws:sesv2/emailIdentity:EmailIdentity",
        name: "id",
        props: {
          region: c.region,
          emailIdentity: c.name.slice(c.name.indexOf("._domainkey.") + "._domainkey.".length),
          dkimSigningAttributes: { tokens: [token] },
        },
      };
      const r = cfRecord(c.name, c.type, c.target, { proxied: c.proxied ?? false });
      return (await runStack(sesDnsRecords, [identity, r])).violations;
    };
    it.each(
      vectors.easy_dkim_cname_examples.cases.map((c) => [
        `${c.type} ${c.name} -> ${c.target}${c.proxied ? " (proxied)" : ""}${c.region ? ` for a ${c.region} identity` : ""}`,
        c,
      ]),
    )("%s", async (_label, c) => {
      const r = cfRecord(c.name, c.type, c.target, { proxied: c.proxied ?? false });
      const found = [
        ...(await runResource(dkimRecordValid, r)).violations,
        ...(await runResource(mailDnsNotProxied, r)).violations,
        ...(await forIdentity(c)),
      ];
      const why = c.valid ? [] : WHY[c.reason ?? ""];
      expect(why).toBeDefined();
      expect(found).toEqual(why.map((p) => expect.stringMatching(p)));
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

  describe("at stack level, a revoked key an SES identity still signs with", () => {
    const V2 = "aws:sesv2/emailIdentity:EmailIdentity";
    const NATIVE = "aws-native:ses:EmailIdentity";
    const CF = "cloudflare:index/dnsRecord:DnsRecord";
    const zone = {
      type: "cloudflare:index/zone:Zone",
      name: "zone",
      props: { id: "zone-1", name: "example.com" },
    };
    const byodkim = (selector: unknown, type = V2) => ({
      type,
      name: "id",
      props: {
        emailIdentity: "example.com",
        dkimSigningAttributes: { domainSigningSelector: selector, domainSigningPrivateKey: "MIIE" },
      },
    });
    const revoked = (name: string) => ({
      ...cfRecord(name, "TXT", "v=DKIM1; k=rsa; p="),
      name: "old-key",
    });
    const message = (type: string) =>
      `${CF} "old-key": the DKIM key at s1._domainkey.example.com is revoked (empty p=), but ${type} "id" still signs with selector s1 (dkimSigningAttributes.domainSigningSelector), so receivers fail every signature it makes. Fix: publish the identity's public key at s1._domainkey.example.com (mailguard's MailDomain does), or move the identity to a new selector before revoking this one.`;

    it.each([
      ["a full name, an SES v2 identity", "s1._domainkey.example.com", V2],
      ["a name relative to a declared zone", "s1._domainkey", V2],
      ["an aws-native identity", "s1._domainkey.example.com", NATIVE],
    ])("reports the record, naming the identity: %s", async (_what, name, type) => {
      const out = await runStack(dkimRecordValid, [zone, byodkim("s1", type), revoked(name)]);
      expect(out.violations).toEqual([message(type)]);
      expect(out.urns).toEqual([urnOf(CF, "old-key")]);
    });

    it.each([
      ["a revoked key at another selector", [zone, byodkim("s2"), revoked("s1._domainkey")]],
      [
        "an identity with Easy DKIM",
        [
          zone,
          { type: V2, name: "id", props: { emailIdentity: "example.com" } },
          revoked("s1._domainkey"),
        ],
      ],
      ["a selector unknown during preview", [zone, byodkim(UNKNOWN), revoked("s1._domainkey")]],
      [
        "the selector's current key",
        [zone, byodkim("s1"), cfRecord("s1._domainkey", "TXT", strongKey.record)],
      ],
    ])("leaves alone %s", async (_what, resources) => {
      expect((await runStack(dkimRecordValid, resources)).violations).toEqual([]);
    });
  });
});
