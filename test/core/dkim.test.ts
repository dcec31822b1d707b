import { generateKeyPairSync, KeyObject } from "crypto";
import * as fc from "fast-check";
import { domainName } from "../helpers/arbitraries";
import {
  analyzeDkimKey,
  buildDkimKeyRecord,
  checkEasyDkimCname,
  checkEasyDkimRecord,
  parseTagList,
} from "../../policies/core/dkim";
import { errorsOf, UNKNOWN, warningsOf } from "../../policies/core/finding";
import { propertyRuns } from "../helpers/properties";

function rsaSpki(bits: number): string {
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: bits });
  return publicKey.export({ format: "der", type: "spki" }).toString("base64");
}

function rsaPkcs1(key: KeyObject): string {
  return key.export({ format: "der", type: "pkcs1" }).toString("base64");
}

/** The 32 raw bytes of an ed25519 public key: the SPKI DER minus its 12-byte header. */
function ed25519Raw(): string {
  const { publicKey } = generateKeyPairSync("ed25519");
  return publicKey.export({ format: "der", type: "spki" }).subarray(12).toString("base64");
}

const RSA2048 = rsaSpki(2048);
const RSA1024 = rsaSpki(1024);
const RSA512 = rsaSpki(512);
const ED25519 = ed25519Raw();
const ok = `v=DKIM1; k=rsa; p=${RSA2048}`;

const codes = (txt: string): string[] => analyzeDkimKey(txt).findings.map((f) => f.code);
const errorCodes = (txt: string): string[] =>
  errorsOf(analyzeDkimKey(txt).findings).map((f) => f.code);

describe("parseTagList (RFC 6376 3.2)", () => {
  it("keeps names as written and trims folding whitespace around names and values", () => {
    expect(parseTagList(" v = DKIM1 ;\r\n\tK=rsa;p=ab cd ;")).toEqual({
      tags: [
        { name: "v", value: "DKIM1" },
        { name: "K", value: "rsa" },
        { name: "p", value: "ab cd" },
      ],
      issues: [],
    });
  });

  it.each([
    ["a tag without =", "a=1; b", "malformed"],
    ["an empty name", "a=1; =2", "malformed"],
    ["a name starting with a digit", "1a=1", "malformed"],
    ["an empty element in the middle", "a=1;;b=2", "empty-spec"],
    ["a non-ASCII value", "a=é", "non-ascii"],
  ])("reports %s", (_what, text, kind) => {
    expect(parseTagList(text).issues.map((i) => i.kind)).toEqual([kind]);
  });

  it("allows empty values and one trailing ;", () => {
    expect(parseTagList("p=;").tags).toEqual([{ name: "p", value: "" }]);
    expect(parseTagList("p=;").issues).toEqual([]);
  });
});

describe("analyzeDkimKey: key records (RFC 6376 3.6.1, RFC 8301, RFC 8463)", () => {
  it("accepts a 2048-bit RSA SubjectPublicKeyInfo with no findings", () => {
    expect(analyzeDkimKey(ok)).toEqual({
      keyType: "rsa",
      rsaBits: 2048,
      revoked: false,
      testing: false,
      findings: [],
    });
  });

  it("accepts a raw 32-byte ed25519 key", () => {
    expect(analyzeDkimKey(`v=DKIM1; k=ed25519; p=${ED25519}`)).toMatchObject({
      keyType: "ed25519",
      findings: [],
    });
  });

  it("rejects RSA keys below 1024 bits and warns below 2048 with dkim-weak-rsa-key", () => {
    expect(analyzeDkimKey(`v=DKIM1; p=${RSA512}`)).toMatchObject({ rsaBits: 512 });
    expect(errorCodes(`v=DKIM1; p=${RSA512}`)).toEqual(["dkim-rsa-key-too-small"]);
    const weak = analyzeDkimKey(`v=DKIM1; p=${RSA1024}`);
    expect(weak.rsaBits).toBe(1024);
    expect(weak.findings.map((f) => [f.severity, f.code])).toEqual([
      ["warning", "dkim-weak-rsa-key"],
    ]);
  });

  it("reads a bare PKCS#1 RSAPublicKey but warns that some verifiers only read SPKI", () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const analysis = analyzeDkimKey(`v=DKIM1; p=${rsaPkcs1(publicKey)}`);
    expect(analysis.rsaBits).toBe(2048);
    expect(analysis.findings.map((f) => f.code)).toEqual(["dkim-pkcs1-key"]);
  });

  it.each([
    ["v not first", `k=rsa; v=DKIM1; p=${RSA2048}`, "dkim-version-not-first"],
    ["a version other than DKIM1", `v=DKIM2; p=${RSA2048}`, "dkim-bad-version"],
    ["a version in the wrong case", `v=dkim1; p=${RSA2048}`, "dkim-bad-version"],
    ["an unknown key type", `v=DKIM1; k=dsa; p=${RSA2048}`, "dkim-unknown-key-type"],
    ["k=ed25519 over an RSA key", `v=DKIM1; k=ed25519; p=${RSA2048}`, "dkim-invalid-ed25519-key"],
    ["k=rsa over a raw ed25519 key", `v=DKIM1; k=rsa; p=${ED25519}`, "dkim-invalid-key"],
    ["h=sha1 alone", `v=DKIM1; h=sha1; p=${RSA2048}`, "dkim-sha1-only"],
    ["h with no hash verifiers use", `v=DKIM1; h=md5; p=${RSA2048}`, "dkim-no-usable-hash"],
    ["s without email or *", `v=DKIM1; s=tlsrpt; p=${RSA2048}`, "dkim-service-excludes-email"],
    ["a duplicate tag", `v=DKIM1; k=rsa; k=rsa; p=${RSA2048}`, "dkim-duplicate-tag"],
    ["no p at all", "v=DKIM1; k=rsa", "dkim-missing-key"],
    ["p that is not base64", "v=DKIM1; p=MIIB!", "dkim-invalid-base64"],
    ["p with broken padding", `v=DKIM1; p=${RSA2048.slice(0, -1)}`, "dkim-invalid-base64"],
    ["p that is base64 but not a key", "v=DKIM1; p=bm90LWEta2V5", "dkim-invalid-key"],
    ["a malformed tag-spec", `v=DKIM1; oops; p=${RSA2048}`, "dkim-syntax"],
    ["an empty record", "  ", "dkim-empty"],
  ])("rejects %s", (_what, txt, code) => {
    expect(errorCodes(txt)).toContain(code);
  });

  it.each([
    ["v= left out (it is optional) and k defaulting to rsa", `p=${RSA2048}`],
    ["h listing sha256 next to sha1", `v=DKIM1; h=sha1:sha256; p=${RSA2048}`],
    ["s=email", `v=DKIM1; s=email; p=${RSA2048}`],
    ["s=* among other services", `v=DKIM1; s=tlsrpt:*; p=${RSA2048}`],
    ["t=s (strict identity)", `v=DKIM1; t=s; p=${RSA2048}`],
    ["notes in n=", `v=DKIM1; n=rotated; p=${RSA2048}`],
    ["whitespace and line folds inside p=", `v=DKIM1; p=${RSA2048.replace(/(.{64})/g, "$1\r\n ")}`],
  ])("accepts %s without findings", (_what, txt) => {
    expect(codes(txt)).toEqual([]);
  });

  it.each([
    ["RSA", `v=DKIM1; k=RSA; p=${RSA2048}`, "rsa"],
    ["Rsa", `v=DKIM1; k=Rsa; p=${RSA2048}`, "rsa"],
    ["ED25519", `v=DKIM1; k=ED25519; p=${ED25519}`, "ed25519"],
  ] as const)(
    "reads k=%s as its key type, with a warning: values are case-sensitive, dkimpy fails it",
    (written, txt, keyType) => {
      const analysis = analyzeDkimKey(txt);
      expect(analysis.keyType).toBe(keyType);
      expect(analysis.findings).toEqual([
        {
          severity: "warning",
          code: "dkim-key-type-case",
          message: `The key type is written k=${written}; DKIM tag values are case-sensitive (RFC 6376 3.2), so verifiers that follow the RFC (dkimpy among them) do not recognize it as ${keyType} and fail every signature with this key, while others accept it.`,
          fix: `Write k=${keyType} in lower case.`,
        },
      ]);
    },
  );

  it("flags t=y as testing with a warning", () => {
    const analysis = analyzeDkimKey(`v=DKIM1; t=y:s; p=${RSA2048}`);
    expect(analysis.testing).toBe(true);
    expect(analysis.findings.map((f) => [f.severity, f.code])).toEqual([
      ["warning", "dkim-testing"],
    ]);
  });

  it("marks an empty p as revoked, a warning only: RFC 6376 retires a selector that way", () => {
    expect(analyzeDkimKey("v=DKIM1; k=rsa; p=").findings).toEqual([
      expect.objectContaining({ severity: "warning", code: "dkim-revoked-key" }),
    ]);
    expect(analyzeDkimKey("v=DKIM1; p= ").revoked).toBe(true);
    expect(analyzeDkimKey(ok).revoked).toBe(false);
  });

  it("treats tag names case-sensitively: K= is an unknown tag, so k keeps its default rsa", () => {
    const analysis = analyzeDkimKey(`v=DKIM1; K=ed25519; p=${RSA2048}`);
    expect(analysis.keyType).toBe("rsa");
    expect(analysis.rsaBits).toBe(2048);
    expect(warningsOf(analysis.findings).map((f) => f.code)).toEqual(["dkim-unknown-tag"]);
    expect(analysis.findings[0].message).toContain("case-sensitive");
    expect(errorsOf(analysis.findings)).toEqual([]);
  });

  it("quotes what is wrong and how to fix it", () => {
    const [f] = analyzeDkimKey(`v=DKIM1; p=${RSA1024}`).findings;
    expect(f.message).toContain("1024 bits");
    expect(f.fix).toContain("2048");
  });
});

describe("buildDkimKeyRecord", () => {
  it("emits v=DKIM1; k=rsa; p=<base64 SPKI>", () => {
    expect(buildDkimKeyRecord(RSA2048)).toBe(`v=DKIM1; k=rsa; p=${RSA2048}`);
  });

  it("strips PEM armour and line breaks", () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = publicKey.export({ format: "pem", type: "spki" }).toString();
    const der = publicKey.export({ format: "der", type: "spki" }).toString("base64");
    expect(buildDkimKeyRecord(pem)).toBe(`v=DKIM1; k=rsa; p=${der}`);
  });

  it("throws for text that is not base64", () => {
    expect(() => buildDkimKeyRecord("not a key!")).toThrow(/not the base64/);
    expect(() => buildDkimKeyRecord("")).toThrow(/not the base64/);
  });

  it("builds records of generated RSA 2048 keys that analyze as 2048 bits with no findings", () => {
    const keys = [RSA2048, rsaSpki(2048), rsaSpki(2048)];
    fc.assert(
      fc.property(
        fc.constantFrom(...keys),
        fc.integer({ min: 0, max: 80 }),
        fc.constantFrom("\n", "\r\n", " ", "\t"),
        (key, width, fold) => {
          const input =
            width === 0 ? key : key.replace(new RegExp(`(.{${width}})`, "g"), `$1${fold}`);
          const analysis = analyzeDkimKey(buildDkimKeyRecord(input));
          expect(analysis).toEqual({
            keyType: "rsa",
            rsaBits: 2048,
            revoked: false,
            testing: false,
            findings: [],
          });
        },
      ),
      propertyRuns(60),
    );
  });
});

describe("checkEasyDkimCname", () => {
  const token = "xtk53kxcy4p3t6ztbrffs6d54rsrrhh6";
  const other = "zxfo5z4dqr44uztwz5io2b4j4mwlrquj";
  const name = `${token}._domainkey.example.com`;
  const target = `${token}.dkim.amazonses.com`;

  it("accepts <token>._domainkey.<domain> -> <token>.dkim.amazonses.com", () => {
    expect(checkEasyDkimCname(name, target)).toEqual([]);
  });

  it("compares DNS names case-insensitively and tolerates a trailing dot", () => {
    expect(checkEasyDkimCname(`${name.toUpperCase()}.`, `${target.toUpperCase()}.`)).toEqual([]);
  });

  it.each([
    [
      "a different token on each side",
      name,
      `${other}.dkim.amazonses.com`,
      "dkim-cname-token-mismatch",
    ],
    ["a name without _domainkey", `${token}.example.com`, target, "dkim-cname-name"],
    ["a name without a domain", `${token}._domainkey`, target, "dkim-cname-name"],
    ["a name on a bare TLD", `${token}._domainkey.com`, target, "dkim-cname-name"],
    [
      "a domain with an all-numeric TLD",
      `${token}._domainkey.example.123`,
      target,
      "dkim-cname-name",
    ],
    ["a 31-character token", `${token.slice(1)}._domainkey.example.com`, target, "dkim-cname-name"],
    [
      "a token with symbols",
      `${token.slice(1)}_._domainkey.example.com`,
      target,
      "dkim-cname-name",
    ],
    ["a target outside SES", name, `${token}.dkim.example.com`, "dkim-cname-target"],
    [
      "a target with a different region-like label",
      name,
      `${token}.us-east-1.dkim.amazonses.com`,
      "dkim-cname-target",
    ],
  ])("rejects %s", (_what, n, t, code) => {
    expect(checkEasyDkimCname(n, t).map((f) => f.code)).toEqual([code]);
  });

  it("does not judge parts that are unknown during preview, but still judges the known part", () => {
    expect(checkEasyDkimCname(UNKNOWN, UNKNOWN)).toEqual([]);
    expect(checkEasyDkimCname(`${UNKNOWN}._domainkey.example.com`, UNKNOWN)).toEqual([]);
    expect(checkEasyDkimCname(UNKNOWN, "mail.example.com").map((f) => f.code)).toEqual([
      "dkim-cname-target",
    ]);
  });

  it("accepts every matching token/domain pair and rejects every mismatched one", () => {
    const tokenArb = fc.stringMatching(/^[a-z0-9]{32}$/);
    const domainArb = domainName;
    fc.assert(
      fc.property(tokenArb, tokenArb, domainArb, (a, b, domain) => {
        expect(checkEasyDkimCname(`${a}._domainkey.${domain}`, `${a}.dkim.amazonses.com`)).toEqual(
          [],
        );
        const mismatch = checkEasyDkimCname(`${a}._domainkey.${domain}`, `${b}.dkim.amazonses.com`);
        expect(mismatch.map((f) => f.code)).toEqual(a === b ? [] : ["dkim-cname-token-mismatch"]);
      }),
      propertyRuns(),
    );
  });

  it("requires the record around it to be an unproxied CNAME", () => {
    expect(checkEasyDkimRecord({ name, type: "cname", target })).toEqual([]);
    expect(checkEasyDkimRecord({ name, type: "TXT", target }).map((f) => f.code)).toEqual([
      "dkim-cname-type",
    ]);
    expect(
      checkEasyDkimRecord({ name, type: "CNAME", target, proxied: true }).map((f) => f.code),
    ).toEqual(["dkim-cname-proxied"]);
  });
});
