import { dkimRecordValid } from "../../policies/rules/dkim-record-valid";
import { mailDnsNotProxied } from "../../policies/rules/mail-dns-not-proxied";
import { loadJson } from "../helpers/vectors";
import { cfRecord, r53Record, txtShapes } from "../helpers/dns-fixtures";
import { UNKNOWN, runResource } from "../helpers/policy-support";

interface KeyCase {
  record: string;
  valid: boolean;
  reason: string;
}
interface CnameCase {
  name: string;
  type: string;
  target: string;
  proxied?: boolean;
  valid: boolean;
}
const vectors = loadJson<{
  key_records: KeyCase[];
  easy_dkim_cname_examples: { cases: CnameCase[] };
}>("dkim-cases.json");
const TOKEN = "xtk53kxcy4p3t6ztbrffs6d54rsrrhh6";
const OTHER = "zxfo5z4dqr44uztwz5io2b4j4mwlrquj";
const strongKey = vectors.key_records.find(
  (k) => k.valid && /^2048-bit RSA$/.test(k.reason),
) as KeyCase;

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
    expect(out.violations.length).toBeGreaterThan(0);
    expect(out.violations.join("\n")).toMatch(pattern);
    expect(out.violations[0]).toContain(`${r.type} "${r.name}"`);
    expect(out.violations.join("\n")).not.toContain(".zone.invalid");
  });

  describe("agrees with the DKIM key vectors (revoked keys aside)", () => {
    const keys = vectors.key_records.filter((k) => !/revoked/.test(k.reason));
    it.each(keys.map((k) => [k.reason, k]))("%s", async (_reason, k) => {
      const out = await runResource(
        dkimRecordValid,
        r53Record("sel._domainkey.example.com", "TXT", [k.record]),
      );
      if (k.valid) {
        expect(out.violations).toEqual([]);
      } else {
        expect(out.violations.length).toBeGreaterThan(0);
      }
    });
  });

  describe("with mail-dns-not-proxied, rejects every invalid Easy DKIM example", () => {
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
      if (c.valid) {
        expect(found).toEqual([]);
      } else {
        expect(found.length).toBeGreaterThan(0);
      }
    });
  });
});
