import {
  analyzeSpf,
  buildSpf,
  checkSpfOptions,
  checkSpfRecordSet,
  domainSpecError,
  isSpfRecord,
  mergeSpf,
  SpfOptions,
} from "../../policies/core/spf";
import { errorsOf } from "../../policies/core/finding";

const permCodes = (record: string): string[] => analyzeSpf(record).permerrors.map((f) => f.code);
const adviceOf = (record: string): Array<[string, string]> =>
  analyzeSpf(record).advice.map((f) => [f.severity, f.code]);

describe("isSpfRecord (RFC 7208 4.5)", () => {
  it.each([
    ["v=spf1", true],
    ["v=spf1 -all", true],
    ["V=SPF1 -all", true],
    ["v=spf1mx", false],
    ["v=spf10 -all", false],
    [" v=spf1 -all", false],
    ["v=DMARC1; p=none", false],
    ["", false],
  ])("isSpfRecord(%j) is %s", (txt, expected) => {
    expect(isSpfRecord(txt)).toBe(expected);
  });
});

describe("analyzeSpf: terms", () => {
  it("parses mechanisms with qualifiers, cidr lengths and modifiers", () => {
    const { terms } = analyzeSpf(
      "v=spf1 -ip4:192.0.2.0/24 ~IP6:2001:DB8::/32 a/24//64 mx:mail.example.com include:amazonses.com exp=explain.example.com",
    );
    expect(terms).toEqual([
      expect.objectContaining({
        kind: "mechanism",
        qualifier: "-",
        name: "ip4",
        network: "192.0.2.0",
        cidr4: 24,
      }),
      expect.objectContaining({
        kind: "mechanism",
        qualifier: "~",
        name: "ip6",
        network: "2001:DB8::",
        cidr6: 32,
      }),
      expect.objectContaining({
        kind: "mechanism",
        qualifier: "+",
        name: "a",
        cidr4: 24,
        cidr6: 64,
      }),
      expect.objectContaining({
        name: "mx",
        value: "mail.example.com",
        domain: "mail.example.com",
      }),
      expect.objectContaining({ name: "include", domain: "amazonses.com" }),
      expect.objectContaining({ kind: "modifier", name: "exp", value: "explain.example.com" }),
    ]);
    expect(terms[5].qualifier).toBeUndefined();
  });

  it("splits a trailing dual cidr off an a/mx domain-spec", () => {
    const [t] = analyzeSpf("v=spf1 a:foo.example.com/24//64").terms;
    expect([t.domain, t.cidr4, t.cidr6]).toEqual(["foo.example.com", 24, 64]);
  });
});

describe("analyzeSpf: permerrors from the RFC 7208 grammar", () => {
  it.each([
    // 3.1 / 4.6.1: 7-bit ASCII, terms separated by spaces only
    ["v=spf1 a:bücher.example -all", "spf-invalid-character"],
    ["v=spf1 a\t-all", "spf-invalid-character"],
    // 4.6.1 / 5: unknown mechanisms and terms
    ["v=spf1 moo -all", "spf-unknown-term"],
    ["v=spf1 redirect:example.com", "spf-unknown-term"],
    ["v=spf1 +redirect=example.com", "spf-unknown-term"],
    ["v=spf1 1up=foo", "spf-unknown-term"],
    ["v=spf1 =all", "spf-unknown-term"],
    // 5.1: all takes nothing
    ["v=spf1 -all:foo", "spf-invalid-all"],
    ["v=spf1 -all/8", "spf-invalid-all"],
    // 5.2 / 5.7: include and exists need a domain-spec without cidr
    ["v=spf1 include -all", "spf-missing-domain"],
    ["v=spf1 exists -all", "spf-missing-domain"],
    ["v=spf1 include: -all", "spf-invalid-domain-spec"],
    ["v=spf1 include:example.com/24 -all", "spf-invalid-domain-spec"],
    // 5.3 / 5.4: a and mx dual-cidr
    ["v=spf1 a/33 -all", "spf-invalid-cidr"],
    ["v=spf1 a//129 -all", "spf-invalid-cidr"],
    ["v=spf1 mx/24/64 -all", "spf-invalid-cidr"],
    ["v=spf1 a/024 -all", "spf-invalid-cidr"],
    ["v=spf1 ax -all", "spf-unknown-term"],
    // 5.5: ptr takes no cidr
    ["v=spf1 ptr/24 -all", "spf-invalid-ptr"],
    // 5.6: ip4/ip6 networks and cidr lengths
    ["v=spf1 ip4:192.0.2.1/33 -all", "spf-invalid-cidr"],
    ["v=spf1 ip4:192.0.2.1/032 -all", "spf-invalid-cidr"],
    ["v=spf1 ip4:192.0.2 -all", "spf-invalid-ip"],
    ["v=spf1 ip4:192.0.02.1 -all", "spf-invalid-ip"],
    ["v=spf1 ip4:256.0.0.1 -all", "spf-invalid-ip"],
    ["v=spf1 ip4:mail.example.com -all", "spf-invalid-ip"],
    ["v=spf1 ip4:2001:db8::1 -all", "spf-invalid-ip"],
    ["v=spf1 ip4:192.0.2.1//32 -all", "spf-invalid-ip"],
    ["v=spf1 ip4 -all", "spf-invalid-ip"],
    ["v=spf1 ip6:192.0.2.1 -all", "spf-invalid-ip"],
    ["v=spf1 ip6:2001:db8::/129 -all", "spf-invalid-cidr"],
    ["v=spf1 ip6:fe80::1%eth0 -all", "spf-invalid-ip"],
    ["v=spf1 ip6:::ffff:01.2.3.4 -all", "spf-invalid-ip"],
    ["v=spf1 ip4:%{i} -all", "spf-invalid-ip"],
    // 6: redirect and exp need a domain-spec and appear at most once
    ["v=spf1 redirect=", "spf-invalid-domain-spec"],
    ["v=spf1 -all exp=", "spf-invalid-domain-spec"],
    ["v=spf1 redirect=a.example.com redirect=b.example.com", "spf-duplicate-modifier"],
    ["v=spf1 -all exp=a.example.com EXP=b.example.com", "spf-duplicate-modifier"],
    // 4.8 / 7.1: domain-end is a macro-expand or "." toplabel ["."], toplabel not all-numeric
    ["v=spf1 a:museum -all", "spf-invalid-domain-spec"],
    ["v=spf1 a:192.0.2.1 -all", "spf-invalid-domain-spec"],
    ["v=spf1 a:example.-com -all", "spf-invalid-domain-spec"],
    ["v=spf1 a:example.com- -all", "spf-invalid-domain-spec"],
    ["v=spf1 a:example.com:25 -all", "spf-invalid-domain-spec"],
    // 7.1: macro grammar
    ["v=spf1 exists:%{x}.example.com -all", "spf-invalid-domain-spec"],
    ["v=spf1 exists:%(i).example.com -all", "spf-invalid-domain-spec"],
    ["v=spf1 exists:%{i.example.com -all", "spf-invalid-domain-spec"],
    ["v=spf1 exists:50%.example.com -all", "spf-invalid-domain-spec"],
    ["v=spf1 exists:%{i0}.example.com -all", "spf-invalid-domain-spec"],
    ["v=spf1 exists:%{i2x}.example.com -all", "spf-invalid-domain-spec"],
    // 7.3: c, r, t only in explanation text
    ["v=spf1 exists:%{c}.example.com -all", "spf-invalid-domain-spec"],
    ["v=spf1 -all exp=%{r}.example.com", "spf-invalid-domain-spec"],
    ["v=spf1 -all foo=%abc", "spf-invalid-macro"],
    // 4.6.4: more than 10 DNS-querying terms
    [`v=spf1 ${"include:a.example.com ".repeat(11)}-all`, "spf-too-many-lookups"],
    [
      "v=spf1 a mx ptr exists:x.example.com a mx ptr exists:y.example.com a mx include:z.example.com -all",
      "spf-too-many-lookups",
    ],
    [`v=spf1 ${"a ".repeat(10)}redirect=x.example.com`, "spf-too-many-lookups"],
  ])("rejects %j (%s)", (record, code) => {
    expect(permCodes(record)).toContain(code);
  });

  it.each([
    "v=spf1",
    "v=spf1 -all",
    "v=spf1  a   -all  ",
    "v=spf1 IP4:192.0.2.1 -ALL",
    "v=spf1 a mx ptr -all",
    "v=spf1 a:foo.example.com/24//64 mx:mail.example.com//48 -all",
    "v=spf1 ip4:0.0.0.0/0 ip6:::/0 -all",
    "v=spf1 ip6:::ffff:192.0.2.1 ip6:2001:db8:0:0:0:0:0:1/128 -all",
    "v=spf1 include:_spf.example.com include:spf.protection.outlook.com ~all",
    "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all",
    "v=spf1 a:%{H} -all",
    "v=spf1 -all exp=%{d}",
    "v=spf1 -all exp=explain.%{D2}.example.com.",
    "v=spf1 a:macro%%percent%_space%-url.example.com -all",
    "v=spf1 a:foo.example.xn--zckzah -all",
    "v=spf1 a:1-2.example.1-2 -all",
    "v=spf1 redirect=_spf.example.com",
    "v=spf1 -all moo.cow-far_out=man:dog/cat",
    "v=spf1 -all foo= bar=%{c}%{r}%{t}",
    `v=spf1 ${"a ".repeat(5)}${"mx ".repeat(5)}-all`,
    `v=spf1 ${"a ".repeat(10)}redirect=x.example.com -all`,
  ])("accepts %j without permerror", (record) => {
    expect(analyzeSpf(record).permerrors).toEqual([]);
  });

  it("does not treat a non-SPF TXT value as SPF", () => {
    expect(permCodes("google-site-verification=abc")).toEqual(["spf-not-spf"]);
    expect(permCodes("v=spf2.0/pra ~all")).toEqual(["spf-not-spf"]);
  });

  it("counts include, a, mx, ptr, exists and redirect (unless all is present)", () => {
    expect(analyzeSpf("v=spf1 ip4:192.0.2.1 ip6:2001:db8::1 -all").lookups).toBe(0);
    expect(
      analyzeSpf(
        "v=spf1 include:a.example.com a mx ptr exists:%{i}.x.example.com redirect=b.example.com",
      ).lookups,
    ).toBe(6);
    expect(analyzeSpf("v=spf1 a -all redirect=b.example.com").lookups).toBe(1);
  });

  it("says in the message what is wrong, quoting the term", () => {
    const [f] = analyzeSpf("v=spf1 ip4:192.0.2.1/33 -all").permerrors;
    expect(f.message).toBe('SPF term "ip4:192.0.2.1/33": prefix length /33 is larger than 32.');
    expect(f.fix).toContain("0..32");
  });

  it("reports a non-ASCII character once, by code point", () => {
    const found = analyzeSpf("v=spf1 a:b\u00fccher.example a:m\u00fcller.example -all").permerrors;
    expect(found.map((f) => f.code)).toEqual(["spf-invalid-character"]);
    expect(found[0].message).toContain("U+00FC");
  });
});

describe("domainSpecError", () => {
  it.each([
    ["example.com", undefined],
    ["example.com.", undefined],
    ["%{d}", undefined],
    ["%{d}.", "it must end in a macro or in a dot and a top-level label (a full domain name)"],
    ["example", "it must end in a macro or in a dot and a top-level label (a full domain name)"],
    ["example.123", 'its last label "123" is all-numeric (an IP address is not a domain)'],
    ["a..example.com", "it has an empty label (two dots in a row)"],
    ["", "the domain is empty"],
  ])("domainSpecError(%j) is %j", (spec, why) => {
    expect(domainSpecError(spec)).toBe(why);
  });
});

describe("analyzeSpf: publisher advice", () => {
  it.each([
    ["v=spf1 +all", [["error", "spf-pass-all"]]],
    ["v=spf1 all", [["error", "spf-pass-all"]]],
    ["v=spf1 ip4:0.0.0.0/0 -all", [["error", "spf-broad-range"]]],
    ["v=spf1 ip4:10.0.0.0/7 -all", [["error", "spf-broad-range"]]],
    ["v=spf1 ip4:10.0.0.0/8 -all", [["warning", "spf-wide-range"]]],
    ["v=spf1 ip4:10.0.0.0/15 -all", [["warning", "spf-wide-range"]]],
    ["v=spf1 ip4:10.0.0.0/16 -all", []],
    ["v=spf1 ip6:::/0 -all", [["error", "spf-broad-range"]]],
    ["v=spf1 ip6:2000::/15 -all", [["error", "spf-broad-range"]]],
    ["v=spf1 ip6:2001:db8::/31 -all", [["warning", "spf-wide-range"]]],
    ["v=spf1 ip6:2001:db8::/32 -all", []],
    ["v=spf1 a/0 -all", [["error", "spf-broad-range"]]],
    ["v=spf1 mx//0 -all", [["error", "spf-broad-range"]]],
    [
      "v=spf1 a/0//0 -all",
      [
        ["error", "spf-broad-range"],
        ["error", "spf-broad-range"],
      ],
    ],
    ["v=spf1 -ip4:0.0.0.0/0 -all", []],
    ["v=spf1 ?all", [["warning", "spf-neutral-all"]]],
    ["v=spf1 ~all", []],
    ["v=spf1 ip4:192.0.2.1", [["warning", "spf-no-all"]]],
    ["v=spf1", [["warning", "spf-no-all"]]],
    ["v=spf1 redirect=_spf.example.com", []],
    ["v=spf1 -all redirect=_spf.example.com", [["warning", "spf-redirect-ignored"]]],
    ["v=spf1 -all ip4:192.0.2.1", [["warning", "spf-terms-after-all"]]],
    ["v=spf1 ptr -all", [["warning", "spf-ptr"]]],
    [`v=spf1 ${"a ".repeat(7)}-all`, []],
    [`v=spf1 ${"a ".repeat(8)}-all`, [["warning", "spf-lookups-near-limit"]]],
    [`v=spf1 ${"a ".repeat(10)}-all`, [["warning", "spf-lookups-near-limit"]]],
  ])("advises on %j", (record, expected) => {
    expect(adviceOf(record)).toEqual(expected);
  });

  it("warns when the record is longer than 450 octets", () => {
    const ips = Array.from({ length: 40 }, (_, i) => `ip4:192.0.2.${i}`).join(" ");
    expect(adviceOf(`v=spf1 ${ips} -all`)).toEqual([["warning", "spf-record-too-long"]]);
  });

  it("keeps advice apart from permerrors", () => {
    const a = analyzeSpf("v=spf1 +all");
    expect(a.permerrors).toEqual([]);
    expect(a.advice[0].message).toBe(
      'SPF term "+all" authorizes every host on the internet to send as this domain.',
    );
  });
});

describe("checkSpfRecordSet (RFC 7208 4.5)", () => {
  it("reports two SPF records at one name, whatever their case", () => {
    const findings = checkSpfRecordSet(["v=spf1 -all", "V=SPF1 include:amazonses.com -all"]);
    expect(findings.map((f) => [f.severity, f.code])).toEqual([["error", "spf-multiple-records"]]);
    expect(findings[0].message).toContain('"V=SPF1 include:amazonses.com -all"');
  });

  it("ignores TXT values that are not SPF records", () => {
    expect(
      checkSpfRecordSet(["v=spf1 -all", "google-site-verification=x", "v=spf10 +all", "v=spf1mx"]),
    ).toEqual([]);
    expect(checkSpfRecordSet([])).toEqual([]);
  });
});

describe("buildSpf", () => {
  it("builds the SES record", () => {
    expect(buildSpf({ includes: ["amazonses.com"] })).toBe("v=spf1 include:amazonses.com -all");
  });

  it("orders ip4, ip6, a, mx, include, then all", () => {
    expect(
      buildSpf({
        includes: ["_spf.example.net", "amazonses.com"],
        ip4: ["192.0.2.0/24", "198.51.100.7"],
        ip6: ["2001:db8::/48"],
        a: true,
        mx: ["Mail.Example.com"],
        all: "~",
      }),
    ).toBe(
      "v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.7 ip6:2001:db8::/48 a mx:mail.example.com include:_spf.example.net include:amazonses.com ~all",
    );
  });

  it("ends with redirect instead of all when asked", () => {
    expect(buildSpf({ ip4: ["192.0.2.1"], redirect: "_spf.example.com" })).toBe(
      "v=spf1 ip4:192.0.2.1 redirect=_spf.example.com",
    );
  });

  it("writes IDN domains in punycode and drops duplicates", () => {
    expect(
      buildSpf({ includes: ["spf.bücher.de", "SPF.xn--bcher-kva.de"], a: ["bücher.de"] }),
    ).toBe("v=spf1 a:xn--bcher-kva.de include:spf.xn--bcher-kva.de -all");
  });

  it("builds v=spf1 -all from no options", () => {
    expect(buildSpf({})).toBe("v=spf1 -all");
  });

  it.each([
    [{ ip4: ["192.0.2.0/33"] }, "ip4[0]"],
    [{ ip4: ["2001:db8::1"] }, "ip4[0]"],
    [{ ip6: ["192.0.2.1"] }, "ip6[0]"],
    [{ includes: ["localhost"] }, "includes[0]"],
    [{ includes: ["amazonses.com", "bad..example.com"] }, "includes[1]"],
    [{ a: ["example.123"] }, "a[0]"],
    [{ mx: ["_bad name.com"] }, "mx[0]"],
    [{ redirect: "nodots" }, "redirect"],
    [{ redirect: "_spf.example.com", all: "-" as const }, "redirect"],
  ])("refuses %j, naming the option %s", (opts, path) => {
    const errors = checkSpfOptions(opts).filter((f) => f.severity === "error");
    expect(errors.map((f) => f.code)).toContain("spf-invalid-option");
    expect(errors.some((f) => f.message.startsWith(`SPF option ${path} = `))).toBe(true);
    expect(() => buildSpf(opts)).toThrow(`SPF option ${path} = `);
  });

  it.each([
    [{ ip4: "192.0.2.1" }, 'SPF option ip4 = "192.0.2.1": not a list.'],
    [{ ip6: {} }, "SPF option ip6 = {}: not a list."],
    [{ includes: null }, "SPF option includes = null: not a list."],
    [{ a: 1 }, "SPF option a = 1: neither true, false nor a list of domains."],
    [
      { mx: "mx.example.com" },
      'SPF option mx = "mx.example.com": neither true, false nor a list of domains.',
    ],
    [{ includes: [null] }, "SPF option includes[0] = null: not a string."],
    [{ all: 0 }, 'SPF option all = 0: not one of "-", "~", "?".'],
  ])(
    "refuses options of the wrong type, %j, with a finding instead of a TypeError",
    (opts, message) => {
      const errors = errorsOf(checkSpfOptions(opts as unknown as SpfOptions));
      expect(errors.map((f) => f.message)).toContain(message);
      expect(errorsOf(mergeSpf(undefined, opts as unknown as SpfOptions).findings)).toEqual(errors);
    },
  );

  it.each([[null], ["include:x"], [[]]])("refuses options that are not an object: %j", (opts) => {
    expect(checkSpfOptions(opts as unknown as SpfOptions).map((f) => f.code)).toEqual([
      "spf-invalid-options",
    ]);
  });

  it("refuses +all and world-wide ranges even next to other bad options", () => {
    const codes = checkSpfOptions({ all: "+", ip4: ["0.0.0.0/0", "nope"] }).map((f) => f.code);
    expect(codes).toEqual(
      expect.arrayContaining(["spf-invalid-option", "spf-pass-all", "spf-broad-range"]),
    );
  });

  it("refuses more than 10 lookups", () => {
    const includes = Array.from({ length: 11 }, (_, i) => `s${i}.example.com`);
    expect(checkSpfOptions({ includes }).map((f) => f.code)).toContain("spf-too-many-lookups");
    expect(() => buildSpf({ includes })).toThrow("11 terms that query DNS");
  });

  it("warns but builds ?all", () => {
    expect(checkSpfOptions({ all: "?" }).map((f) => [f.severity, f.code])).toEqual([
      ["warning", "spf-neutral-all"],
    ]);
    expect(buildSpf({ all: "?" })).toBe("v=spf1 ?all");
  });
});

describe("mergeSpf", () => {
  const ses = { includes: ["amazonses.com"] };

  it("refuses an existing value that is not a string, instead of throwing", () => {
    expect(mergeSpf(42 as unknown as string, ses)).toEqual({
      findings: [
        {
          severity: "error",
          code: "spf-merge-not-spf",
          message: "The existing value 42 is not a string, so there is nothing to merge into.",
          fix: "Pass the TXT value that starts with v=spf1 (or undefined when there is none).",
        },
      ],
    });
  });

  it("builds a fresh record when there is none", () => {
    expect(mergeSpf(undefined, ses)).toEqual({
      record: "v=spf1 include:amazonses.com -all",
      findings: [],
    });
    expect(mergeSpf("  ", ses).record).toBe("v=spf1 include:amazonses.com -all");
  });

  it("adds SES before the existing all and keeps every other sender", () => {
    expect(mergeSpf("v=spf1 include:_spf.google.com ip4:192.0.2.1 ~all", ses)).toEqual({
      record: "v=spf1 include:_spf.google.com ip4:192.0.2.1 include:amazonses.com ~all",
      findings: [],
    });
  });

  it("keeps modifiers and terms after all in place", () => {
    expect(mergeSpf("v=spf1 mx -all exp=explain.example.com MS=abc", ses).record).toBe(
      "v=spf1 mx include:amazonses.com -all exp=explain.example.com MS=abc",
    );
  });

  it("does not add what is already there (case-insensitive)", () => {
    expect(mergeSpf("v=spf1 INCLUDE:AmazonSES.com -all", ses)).toEqual({
      record: "v=spf1 INCLUDE:AmazonSES.com -all",
      findings: [],
    });
  });

  it("warns instead of adding a sender that the existing record fails explicitly", () => {
    const merged = mergeSpf("v=spf1 -include:amazonses.com mx -all", ses);
    expect(merged.record).toBe("v=spf1 -include:amazonses.com mx -all");
    expect(merged.findings.map((f) => f.code)).toEqual(["spf-merge-qualifier-differs"]);
  });

  it("adds the terminal all when the existing record has none", () => {
    expect(mergeSpf("v=spf1 mx", ses).record).toBe("v=spf1 mx include:amazonses.com -all");
    expect(mergeSpf("v=spf1 mx", { ...ses, all: "~" }).record).toBe(
      "v=spf1 mx include:amazonses.com ~all",
    );
  });

  it("keeps an existing redirect and adds no all (which would disable it)", () => {
    expect(mergeSpf("v=spf1 redirect=_spf.example.com", ses).record).toBe(
      "v=spf1 include:amazonses.com redirect=_spf.example.com",
    );
  });

  it("keeps the existing all and says so when a different one was asked for", () => {
    const merged = mergeSpf("v=spf1 mx ~all", { ...ses, all: "-" });
    expect(merged.record).toBe("v=spf1 mx include:amazonses.com ~all");
    expect(merged.findings.map((f) => f.code)).toEqual(["spf-merge-kept-all"]);
  });

  it("refuses a merge that would exceed 10 DNS lookups", () => {
    const merged = mergeSpf("v=spf1 a mx a mx a mx a mx a mx ~all", ses);
    expect(merged.record).toBeUndefined();
    expect(merged.findings.map((f) => f.code)).toEqual(["spf-too-many-lookups"]);
  });

  it("refuses an invalid existing record and lists its errors", () => {
    const merged = mergeSpf("v=spf1 ip4:192.0.2.1/33 -all", ses);
    expect(merged.record).toBeUndefined();
    expect(merged.findings.map((f) => f.code)).toEqual([
      "spf-merge-existing-invalid",
      "spf-invalid-cidr",
    ]);
  });

  it("refuses to keep an existing +all", () => {
    const merged = mergeSpf("v=spf1 +all", ses);
    expect(merged.record).toBeUndefined();
    expect(merged.findings.map((f) => f.code)).toEqual(["spf-pass-all"]);
  });

  it("refuses a value that is not SPF", () => {
    expect(mergeSpf("google-site-verification=abc", ses).findings.map((f) => f.code)).toEqual([
      "spf-merge-not-spf",
    ]);
  });

  it("refuses bad options before looking at the existing record", () => {
    expect(mergeSpf("v=spf1 -all", { includes: ["nodots"] }).findings.map((f) => f.code)).toEqual([
      "spf-invalid-option",
    ]);
  });

  it("refuses a redirect that the existing all or redirect would conflict with", () => {
    expect(
      mergeSpf("v=spf1 mx -all", { redirect: "_spf.example.com" }).findings.map((f) => f.code),
    ).toEqual(["spf-merge-redirect-conflict"]);
    expect(
      mergeSpf("v=spf1 redirect=a.example.com", { redirect: "b.example.com" }).findings.map(
        (f) => f.code,
      ),
    ).toEqual(["spf-merge-redirect-conflict"]);
    expect(mergeSpf("v=spf1 mx", { redirect: "b.example.com" }).record).toBe(
      "v=spf1 mx redirect=b.example.com",
    );
  });
});
