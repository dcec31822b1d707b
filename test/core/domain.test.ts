import {
  checkDomainName,
  isPublicSuffix,
  isSameOrSubdomain,
  publicSuffixFindings,
  publicSuffixOf,
} from "../../policies/core/domain";
import { hasRegistrableDomain, organizationalDomain } from "../../policies/core/dmarc";

const codes = (input: string, opts?: { allowUnderscore?: boolean }): string[] =>
  checkDomainName(input, opts).findings.map((f) => f.code);

describe("checkDomainName", () => {
  it.each([
    ["example.com", "example.com"],
    ["Mail.Example.COM", "mail.example.com"],
    ["example.com.", "example.com"],
    ["a-b.c-d.example", "a-b.c-d.example"],
    ["foo.example.xn--zckzah", "foo.example.xn--zckzah"],
    ["123.example.com", "123.example.com"],
    ["Bücher.de", "xn--bcher-kva.de"],
    ["例え.テスト", "xn--r8jz45g.xn--zckzah"],
  ])("accepts %j as %j", (input, name) => {
    expect(checkDomainName(input)).toEqual({ name, findings: [] });
  });

  it("accepts a label of exactly 63 octets and a name of exactly 253", () => {
    const label63 = "a".repeat(63);
    expect(checkDomainName(`${label63}.com`).name).toBe(`${label63}.com`);
    const name253 = [label63, label63, label63, "b".repeat(61)].join(".");
    expect(name253).toHaveLength(253);
    expect(checkDomainName(name253).name).toBe(name253);
  });

  it.each([
    ["", "domain-empty"],
    [".", "domain-empty"],
    ["a..example.com", "domain-empty-label"],
    [".example.com", "domain-empty-label"],
    [`${"a".repeat(64)}.com`, "domain-label-too-long"],
    ["exa mple.com", "domain-invalid-character"],
    ["example.com\n", "domain-invalid-character"],
    ["exam!ple.com", "domain-invalid-character"],
    ["*.example.com", "domain-invalid-character"],
    ["_dmarc.example.com", "domain-invalid-character"],
    ["-example.com", "domain-label-hyphen"],
    ["example-.com", "domain-label-hyphen"],
    ["192.0.2.1", "domain-numeric-tld"],
    ["example.123", "domain-numeric-tld"],
    ["localhost", "domain-not-fully-qualified"],
    ["xn--zz.com", "domain-invalid-idn"],
    ["bad\u00a0space.com", "domain-invalid-character"],
  ])("rejects %j with %s", (input, code) => {
    const check = checkDomainName(input);
    expect(check.name).toBeUndefined();
    expect(check.findings.map((f) => f.code)).toContain(code);
    for (const f of check.findings) {
      expect(f.severity).toBe("error");
      expect(f.fix.length).toBeGreaterThan(0);
    }
  });

  it("rejects a name longer than 253 octets and says how long it is", () => {
    const name = Array.from({ length: 5 }, () => "a".repeat(60)).join(".");
    const check = checkDomainName(name);
    expect(check.findings.map((f) => f.code)).toEqual(["domain-name-too-long"]);
    expect(check.findings[0].message).toContain("304 octets");
  });

  it("quotes the offending label in the message", () => {
    const long = "x".repeat(70);
    expect(checkDomainName(`${long}.example.com`).findings[0].message).toContain(`"${long}"`);
  });

  it("allows underscores only when asked, for service names such as _dmarc", () => {
    expect(codes("_dmarc.example.com")).toEqual(["domain-invalid-character"]);
    expect(checkDomainName("_dmarc.example.com", { allowUnderscore: true }).name).toBe(
      "_dmarc.example.com",
    );
    expect(checkDomainName("s1._domainkey.Example.com", { allowUnderscore: true }).name).toBe(
      "s1._domainkey.example.com",
    );
  });

  it("checks the punycode form of an IDN against the 63-octet label limit", () => {
    const long = "ü".repeat(60);
    expect(codes(`${long}.de`)).toContain("domain-label-too-long");
  });
});

describe("isSameOrSubdomain", () => {
  it.each([
    ["example.com", "example.com", true],
    ["mail.example.com", "example.com", true],
    ["a.b.Example.COM.", "example.com", true],
    ["example.com", "mail.example.com", false],
    ["badexample.com", "example.com", false],
    ["example.com.evil.net", "example.com", false],
    ["mail.bücher.de", "xn--bcher-kva.de", true],
    ["", "example.com", false],
  ])("isSameOrSubdomain(%j, %j) is %s", (name, parent, expected) => {
    expect(isSameOrSubdomain(name, parent)).toBe(expected);
  });
});

describe("public suffixes", () => {
  it.each([
    ["example.com", "com", "example.com", "icann"],
    ["mail.example.co.uk", "co.uk", "example.co.uk", "icann"],
    ["Co.UK.", "co.uk", undefined, "icann"],
    ["me.github.io", "github.io", "me.github.io", "private"],
    ["github.io", "github.io", undefined, "private"],
    ["mail.internal", "internal", "mail.internal", "none"],
  ])("reads %s as suffix %s, registrable %s, from the %s section", (name, suffix, reg, section) => {
    expect(publicSuffixOf(name)).toEqual({ suffix, registrable: reg, section });
  });

  it.each([
    ["com", true],
    ["co.uk", true],
    ["github.io", true],
    ["s3.amazonaws.com", true],
    ["example.com", false],
    ["example.co.uk", false],
    ["me.github.io", false],
    ["internal", false],
    ["mail.internal", false],
  ])("isPublicSuffix(%j) is %s", (name, expected) => {
    expect(isPublicSuffix(name)).toBe(expected);
  });

  it("refuses an ICANN suffix with a registrable domain under it as the fix", () => {
    expect(publicSuffixFindings("co.uk")).toEqual([
      {
        severity: "error",
        code: "domain-public-suffix",
        message:
          '"co.uk" is a public suffix (Public Suffix List, names are registered under it), not a domain anyone can send mail from.',
        fix: "Use the registrable domain you hold under it, such as example.co.uk.",
      },
    ]);
  });

  it("refuses a private-section suffix with your own name under it as the fix", () => {
    expect(publicSuffixFindings("GitHub.io.")).toEqual([
      {
        severity: "error",
        code: "domain-public-suffix",
        message:
          '"github.io" is a public suffix (Public Suffix List, in the list\'s private section: its operator hands out names under it), not a domain anyone can send mail from.',
        fix: "Use the registrable domain you hold under it, such as <your-name>.github.io.",
      },
    ]);
  });

  it("finds nothing wrong with a registrable domain, a name under one, or an unlisted name", () => {
    for (const name of ["example.com", "mail.example.co.uk", "me.github.io", "mail.internal"])
      expect(publicSuffixFindings(name)).toEqual([]);
  });

  it("agrees with the DMARC helpers: a suffix has no registrable domain and is its own org domain", () => {
    for (const name of ["com", "co.uk", "github.io", "example.co.uk", "a.b.me.github.io"]) {
      const view = publicSuffixOf(name);
      expect(hasRegistrableDomain(name)).toBe(!isPublicSuffix(name));
      expect(organizationalDomain(name)).toBe(view.registrable ?? name);
    }
  });
});
