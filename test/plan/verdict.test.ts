import * as crypto from "crypto";
import { buildDkimKeyRecord } from "../../policies/core/dkim";
import { quoteTxt } from "../../policies/core/txt";
import { makeRecord, PlannedRecord } from "../../cli/plan/records";
import { PLAIN, renderVerdict } from "../../cli/plan/render";
import {
  deliverabilityVerdict,
  identifierAligned,
  inMemoryResolver,
  SES_SPF_FIXTURE,
} from "../../cli/plan/verdict";

const DOMAIN = "example.com";
const REGION = "eu-west-1";
const TOKENS = [
  "abcdefghijklmnopqrstuvwxyz012345",
  "bcdefghijklmnopqrstuvwxyz0123456",
  "cdefghijklmnopqrstuvwxyz01234567",
];

function rec(
  name: string,
  type: string,
  content: string,
  extra: Partial<PlannedRecord> = {},
): PlannedRecord {
  return makeRecord(name, type, content, {
    proxied: false,
    resource: `${type}-${name}`,
    resourceType: "cloudflare:index/dnsRecord:DnsRecord",
    ...extra,
  });
}

function dkimCnames(proxied = false): PlannedRecord[] {
  return TOKENS.map((t) =>
    rec(`${t}._domainkey.${DOMAIN}`, "CNAME", `${t}.dkim.amazonses.com`, { proxied }),
  );
}

function mailFromRecords(): PlannedRecord[] {
  return [
    rec(`mail.${DOMAIN}`, "MX", "feedback-smtp.eu-west-1.amazonses.com", { priority: 10 }),
    rec(`mail.${DOMAIN}`, "TXT", quoteTxt("v=spf1 include:amazonses.com -all")),
  ];
}

function dmarcWith(tags: string): PlannedRecord {
  return rec(
    `_dmarc.${DOMAIN}`,
    "TXT",
    quoteTxt(`v=DMARC1; p=reject; ${tags}; rua=mailto:dmarc@example.com`),
  );
}

const dmarcReject = rec(
  `_dmarc.${DOMAIN}`,
  "TXT",
  quoteTxt("v=DMARC1; p=reject; rua=mailto:dmarc@example.com"),
);

describe("deliverabilityVerdict", () => {
  it("passes SPF aligned through MAIL FROM, Easy DKIM aligned, and DMARC p=reject for the full setup", async () => {
    const v = await deliverabilityVerdict({
      domain: DOMAIN,
      region: REGION,
      records: [...dkimCnames(), ...mailFromRecords(), dmarcReject],
      mailFromDomain: `mail.${DOMAIN}`,
      dkim: { kind: "easy", tokens: TOKENS },
    });
    expect(v.spf).toMatchObject({
      result: "pass",
      domain: `mail.${DOMAIN}`,
      aligned: true,
      customMailFrom: "verified",
    });
    expect(v.dkim).toMatchObject({
      mode: "easy-dkim-simulated",
      result: "pass",
      signingDomain: DOMAIN,
      selector: TOKENS[0],
      aligned: true,
    });
    expect(v.dmarc).toMatchObject({ result: "pass", policy: "reject", disposition: "deliver" });
    expect(v.dmarc.passedBy.sort()).toEqual(["dkim", "spf"]);
    expect(v.ok).toBe(true);
    expect(v.fixtures.join("\n")).toMatch(
      /amazonses\.com SPF, an older published value \(undated capture, not current/,
    );
    expect(v.fixtures.join("\n")).toMatch(/simulated Easy DKIM key/);
    expect(v.authenticationResults).toMatch(/dmarc=pass/);
  });

  it("says SPF does not align without MAIL FROM while DMARC still passes by DKIM", async () => {
    const v = await deliverabilityVerdict({
      domain: DOMAIN,
      region: REGION,
      records: [...dkimCnames(), dmarcReject],
      dkim: { kind: "easy", tokens: TOKENS },
    });
    expect(v.spf).toMatchObject({
      result: "pass",
      domain: "amazonses.com",
      aligned: false,
      customMailFrom: "not-configured",
    });
    expect(v.spf.record).toBe(SES_SPF_FIXTURE);
    expect(v.dmarc.result).toBe("pass");
    expect(v.dmarc.passedBy).toEqual(["dkim"]);
    expect(v.notes.join(" ")).toMatch(/never aligns/);
  });

  it("falls back to SES's envelope domain when the MAIL FROM domain lacks its MX record", async () => {
    const v = await deliverabilityVerdict({
      domain: DOMAIN,
      region: REGION,
      records: [...dkimCnames(), mailFromRecords()[1], dmarcReject],
      mailFromDomain: `mail.${DOMAIN}`,
      dkim: { kind: "easy", tokens: TOKENS },
    });
    expect(v.spf.customMailFrom).toBe("mx-missing");
    expect(v.spf.domain).toBe("amazonses.com");
    expect(v.spf.aligned).toBe(false);
    expect(v.notes.join(" ")).toMatch(
      /no MX record pointing at feedback-smtp\.eu-west-1\.amazonses\.com/,
    );
  });

  it("falls back to SES's envelope domain when the MAIL FROM MX points at another region's feedback host", async () => {
    const v = await deliverabilityVerdict({
      domain: DOMAIN,
      region: REGION,
      records: [
        ...dkimCnames(),
        rec(`mail.${DOMAIN}`, "MX", "feedback-smtp.us-east-1.amazonses.com", { priority: 10 }),
        mailFromRecords()[1],
        dmarcReject,
      ],
      mailFromDomain: `mail.${DOMAIN}`,
      dkim: { kind: "easy", tokens: TOKENS },
    });
    expect(v.spf).toMatchObject({
      customMailFrom: "mx-missing",
      domain: "amazonses.com",
      envelopeFrom: expect.stringMatching(/@amazonses\.com$/),
      result: "pass",
      aligned: false,
    });
    expect(v.notes.join(" ")).toContain(
      `MAIL FROM mail.${DOMAIN} has no MX record pointing at feedback-smtp.eu-west-1.amazonses.com`,
    );
    expect(v.dmarc).toMatchObject({ result: "pass", passedBy: ["dkim"] });
  });

  it("passes SPF without aligning under aspf=s when MAIL FROM is a subdomain, so DMARC passes by DKIM alone", async () => {
    const v = await deliverabilityVerdict({
      domain: DOMAIN,
      region: REGION,
      records: [...dkimCnames(), ...mailFromRecords(), dmarcWith("aspf=s")],
      mailFromDomain: `mail.${DOMAIN}`,
      dkim: { kind: "easy", tokens: TOKENS },
    });
    expect(v.spf).toMatchObject({
      result: "pass",
      domain: `mail.${DOMAIN}`,
      customMailFrom: "verified",
      aligned: false,
      alignment: "strict",
    });
    expect(v.dkim).toMatchObject({ result: "pass", aligned: true, alignment: "relaxed" });
    expect(v.dmarc).toMatchObject({ result: "pass", passedBy: ["dkim"], disposition: "deliver" });
    expect(v.ok).toBe(true);
    expect(renderVerdict(v, PLAIN).join("\n")).toContain(
      `SPF    pass for mail.${DOMAIN}; does not align with ${DOMAIN} (aspf=s)`,
    );
  });

  it("aligns DKIM under adkim=s when d= is the From domain itself", async () => {
    const v = await deliverabilityVerdict({
      domain: DOMAIN,
      region: REGION,
      records: [...dkimCnames(), ...mailFromRecords(), dmarcWith("adkim=s")],
      mailFromDomain: `mail.${DOMAIN}`,
      dkim: { kind: "easy", tokens: TOKENS },
    });
    expect(v.dkim).toMatchObject({
      result: "pass",
      signingDomain: DOMAIN,
      aligned: true,
      alignment: "strict",
    });
    expect(v.spf).toMatchObject({ aligned: true, alignment: "relaxed" });
    expect(v.dmarc.passedBy.sort()).toEqual(["dkim", "spf"]);
    expect(renderVerdict(v, PLAIN).join("\n")).toMatch(/DKIM .*; aligned \(adkim=s\) \[/);
  });

  it("fails DMARC under aspf=s when DKIM fails, though SPF passes for the MAIL FROM subdomain", async () => {
    const v = await deliverabilityVerdict({
      domain: DOMAIN,
      region: REGION,
      records: [...dkimCnames(true), ...mailFromRecords(), dmarcWith("aspf=s")],
      mailFromDomain: `mail.${DOMAIN}`,
      dkim: { kind: "easy", tokens: TOKENS },
    });
    expect(v.spf).toMatchObject({ result: "pass", aligned: false, alignment: "strict" });
    expect(v.dkim.aligned).toBe(false);
    expect(v.dmarc).toMatchObject({ result: "fail", passedBy: [], disposition: "reject" });
    expect(v.ok).toBe(false);
    expect(v.authenticationResults).toMatch(/\bdmarc=fail\b/);
    expect(v.authenticationResults).not.toMatch(/\bdmarc=pass\b/);
    expect(v.notes.join(" ")).toMatch(/with this record's aspf=s the result is fail/);
  });

  it("fails DKIM when the Easy DKIM CNAME is proxied, and DMARC rejects without aligned SPF", async () => {
    const v = await deliverabilityVerdict({
      domain: DOMAIN,
      region: REGION,
      records: [...dkimCnames(true), dmarcReject],
      dkim: { kind: "easy", tokens: TOKENS },
    });
    expect(v.dkim.result).not.toBe("pass");
    expect(v.dkim.aligned).toBe(false);
    expect(v.dmarc).toMatchObject({ result: "fail", policy: "reject", disposition: "reject" });
    expect(v.ok).toBe(false);
  });

  it("fails DKIM when the CNAME points at another token's key", async () => {
    const wrong = [
      rec(`${TOKENS[0]}._domainkey.${DOMAIN}`, "CNAME", `${TOKENS[1]}.dkim.amazonses.com`),
    ];
    const v = await deliverabilityVerdict({
      domain: DOMAIN,
      region: REGION,
      records: [...wrong, ...mailFromRecords(), dmarcReject],
      mailFromDomain: `mail.${DOMAIN}`,
      dkim: { kind: "easy", tokens: TOKENS },
    });
    expect(v.dkim.result).not.toBe("pass");
    expect(v.dmarc.result).toBe("pass");
    expect(v.dmarc.passedBy).toEqual(["spf"]);
  });

  it("checks every Easy DKIM token: a missing third CNAME fails DKIM for the mail SES signs with that key", async () => {
    const v = await deliverabilityVerdict({
      domain: DOMAIN,
      region: REGION,
      records: [...dkimCnames().slice(0, 2), ...mailFromRecords(), dmarcReject],
      mailFromDomain: `mail.${DOMAIN}`,
      dkim: { kind: "easy", tokens: TOKENS },
    });
    expect(v.dkim.keys).toEqual([
      { selector: TOKENS[0], result: "pass" },
      { selector: TOKENS[1], result: "pass" },
      { selector: TOKENS[2], result: expect.not.stringMatching(/^pass$/) },
    ]);
    expect(v.dkim.selector).toBe(TOKENS[2]);
    expect(v.dkim.aligned).toBe(false);
    expect(v.notes.join(" ")).toContain(
      `key behind ${TOKENS[2]}._domainkey.${DOMAIN} would get DKIM`,
    );
    expect(v.dmarc.passedBy).toEqual(["spf"]);
  });

  it("signs with the BYODKIM key and verifies it against a TXT split into 255-octet strings", async () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    const spki = publicKey.export({ type: "spki", format: "der" }).toString("base64");
    const content = quoteTxt(buildDkimKeyRecord(spki));
    expect(content.split('" "').length).toBeGreaterThan(1);
    const v = await deliverabilityVerdict({
      domain: DOMAIN,
      region: REGION,
      records: [
        rec(`mailguard._domainkey.${DOMAIN}`, "TXT", content),
        ...mailFromRecords(),
        dmarcReject,
      ],
      mailFromDomain: `mail.${DOMAIN}`,
      dkim: {
        kind: "byodkim",
        selector: "mailguard",
        privateKeyPem: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
      },
    });
    expect(v.dkim).toMatchObject({
      mode: "byodkim",
      result: "pass",
      selector: "mailguard",
      aligned: true,
      keyBits: 2048,
    });
    expect(v.fixtures.join(" ")).not.toMatch(/simulated/);
    expect(v.ok).toBe(true);
  });

  it("fails BYODKIM verification when the published key is not the signing key", async () => {
    const signer = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    const other = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    const spki = other.publicKey.export({ type: "spki", format: "der" }).toString("base64");
    const v = await deliverabilityVerdict({
      domain: DOMAIN,
      region: REGION,
      records: [
        rec(`mailguard._domainkey.${DOMAIN}`, "TXT", quoteTxt(buildDkimKeyRecord(spki))),
        dmarcReject,
      ],
      dkim: {
        kind: "byodkim",
        selector: "mailguard",
        privateKeyPem: signer.privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
      },
    });
    expect(v.dkim.result).toBe("fail");
    expect(v.dmarc).toMatchObject({ result: "fail", disposition: "reject" });
  });

  it("reports DMARC p=none as passing but not protecting the domain", async () => {
    const v = await deliverabilityVerdict({
      domain: DOMAIN,
      region: REGION,
      records: [...dkimCnames(), rec(`_dmarc.${DOMAIN}`, "TXT", "v=DMARC1; p=none")],
      dkim: { kind: "easy", tokens: TOKENS },
    });
    expect(v.dmarc).toMatchObject({ result: "pass", policy: "none" });
    expect(v.ok).toBe(false);
    expect(v.notes.join(" ")).toMatch(/p=none/);
  });

  it("reports no DMARC policy when _dmarc has no record", async () => {
    const v = await deliverabilityVerdict({
      domain: DOMAIN,
      region: REGION,
      records: [...dkimCnames()],
      dkim: { kind: "easy", tokens: TOKENS },
    });
    expect(v.dmarc).toMatchObject({ result: "none", disposition: "no policy" });
    expect(v.ok).toBe(false);
  });
});

describe("identifierAligned", () => {
  it.each([
    ["example.com", "example.com", "strict", true],
    ["example.com", "EXAMPLE.com.", "strict", true],
    ["example.com", "mail.example.com", "strict", false],
    ["example.com", "mail.example.com", "relaxed", true],
    ["mail.example.co.uk", "bounce.example.co.uk", "relaxed", true],
    ["example.com", "amazonses.com", "relaxed", false],
    ["a.github.io", "b.github.io", "relaxed", false],
  ] as const)("%s and %s in %s mode: %s", (from, domain, mode, expected) => {
    expect(identifierAligned(from, domain, mode)).toBe(expected);
  });
});

describe("inMemoryResolver", () => {
  const resolve = inMemoryResolver([
    rec("a.example.com", "CNAME", "b.example.net."),
    rec("b.example.net", "TXT", quoteTxt("x".repeat(300))),
    rec("p.example.com", "CNAME", "b.example.net", { proxied: true }),
  ]);

  it("follows CNAMEs and returns TXT values as 255-octet strings", async () => {
    const answer = (await resolve("a.example.com", "TXT")) as string[][];
    expect(answer).toHaveLength(1);
    expect(answer[0].map((s) => s.length)).toEqual([255, 45]);
  });

  it("answers NXDOMAIN with ENOTFOUND and a missing type with ENODATA, as node's resolver does", async () => {
    await expect(resolve("nothing.example.com", "TXT")).rejects.toMatchObject({
      code: "ENOTFOUND",
    });
    await expect(resolve("b.example.net", "MX")).rejects.toMatchObject({ code: "ENODATA" });
  });

  it("hides the target of a proxied CNAME behind an edge address", async () => {
    await expect(resolve("p.example.com", "TXT")).rejects.toMatchObject({ code: "ENODATA" });
    expect(await resolve("p.example.com", "A")).toEqual(["104.16.0.1"]);
  });
});
