import * as fc from "fast-check";
import { ldhLabel } from "../helpers/arbitraries";
import {
  analyzeDmarc,
  analyzeDmarcRecordSet,
  analyzeReportAuthorization,
  buildDmarc,
  checkDmarcOptions,
  DMARC_ENFORCEMENT_DEFAULTS,
  DmarcOptions,
  DmarcPolicy,
  effectivePolicy,
  effectivePolicyFindings,
  externalReportDestinations,
  hasRegistrableDomain,
  isDmarcRecord,
  organizationalDomain,
} from "../../policies/core/dmarc";
import { errorsOf, warningsOf } from "../../policies/core/finding";
import { propertyRuns } from "../helpers/properties";

const codes = (txt: string): string[] => analyzeDmarc(txt).findings.map((f) => f.code);
const errorCodes = (txt: string): string[] =>
  errorsOf(analyzeDmarc(txt).findings).map((f) => f.code);
const warningCodes = (txt: string): string[] =>
  warningsOf(analyzeDmarc(txt).findings).map((f) => f.code);

const RUA = "rua=mailto:dmarc@example.com";

describe("analyzeDmarc: errors receivers act on (RFC 7489 6.3, RFC 9989 4.7)", () => {
  it.each([
    ["an empty record", "", "dmarc-empty"],
    ["whitespace before v", " v=DMARC1; p=reject", "dmarc-leading-space"],
    ["v not first", `p=reject; v=DMARC1; ${RUA}`, "dmarc-not-dmarc"],
    ["lower-case dmarc1 (the value is case-sensitive)", "v=dmarc1; p=reject", "dmarc-not-dmarc"],
    ["a version other than DMARC1", "v=DMARC2; p=reject", "dmarc-not-dmarc"],
    ["an SPF record", "v=spf1 -all", "dmarc-not-dmarc"],
    ["no p (even with a valid rua)", `v=DMARC1; ${RUA}`, "dmarc-missing-p"],
    ["a policy keyword prefix", `v=DMARC1; p=quar; ${RUA}`, "dmarc-invalid-p"],
    ["a bad sp", `v=DMARC1; p=reject; sp=all; ${RUA}`, "dmarc-invalid-sp"],
    ["a bad np", `v=DMARC1; p=reject; np=block; ${RUA}`, "dmarc-invalid-np"],
    ["adkim other than r/s", `v=DMARC1; p=reject; adkim=relaxed; ${RUA}`, "dmarc-invalid-adkim"],
    ["aspf other than r/s", `v=DMARC1; p=reject; aspf=x; ${RUA}`, "dmarc-invalid-aspf"],
    ["pct above 100", `v=DMARC1; p=reject; pct=101; ${RUA}`, "dmarc-invalid-pct"],
    ["pct with a fraction", `v=DMARC1; p=reject; pct=50.5; ${RUA}`, "dmarc-invalid-pct"],
    ["ri above 32 bits", `v=DMARC1; p=reject; ri=4294967296; ${RUA}`, "dmarc-invalid-ri"],
    ["rf other than afrf", `v=DMARC1; p=reject; rf=iodef; ${RUA}`, "dmarc-invalid-rf"],
    ["fo with 0 and 1 together", `v=DMARC1; p=reject; fo=0:1; ${RUA}`, "dmarc-invalid-fo"],
    ["fo with a repeated token", `v=DMARC1; p=reject; fo=d:d; ${RUA}`, "dmarc-invalid-fo"],
    ["t other than y/n", `v=DMARC1; p=reject; t=yes; ${RUA}`, "dmarc-invalid-t"],
    ["psd other than y/n/u", `v=DMARC1; p=reject; psd=maybe; ${RUA}`, "dmarc-invalid-psd"],
    ["a duplicate tag, in any case", `v=DMARC1; p=reject; P=none; ${RUA}`, "dmarc-duplicate-tag"],
    ["a known tag with no value", `v=DMARC1; p=reject; sp=; ${RUA}`, "dmarc-empty-value"],
    ["a tag without =", `v=DMARC1; p=reject; ${RUA}; strict`, "dmarc-syntax"],
    ["an empty element between separators", `v=DMARC1; p=reject;; ${RUA}`, "dmarc-syntax"],
    ["non-ASCII text", `v=DMARC1; p=reject; rua=mailto:dmärc@example.com`, "dmarc-syntax"],
    ["a rua without a scheme", "v=DMARC1; p=reject; rua=dmarc@example.com", "dmarc-invalid-uri"],
    ["an empty rua list entry", `v=DMARC1; p=reject; ${RUA},`, "dmarc-invalid-uri"],
    ["a mailto without @", "v=DMARC1; p=reject; rua=mailto:dmarc", "dmarc-invalid-mailto"],
    [
      "a mailto with a bad host",
      "v=DMARC1; p=reject; rua=mailto:a@-x-.com",
      "dmarc-invalid-mailto",
    ],
    ["a mailto at an IP", "v=DMARC1; p=reject; rua=mailto:a@192.0.2.1", "dmarc-invalid-mailto"],
    [
      "a mailto at a single label",
      "v=DMARC1; p=reject; rua=mailto:a@localhost",
      "dmarc-invalid-mailto",
    ],
    [
      "a mailto host with _",
      "v=DMARC1; p=reject; rua=mailto:a@ex_ample.com",
      "dmarc-invalid-mailto",
    ],
    [
      "a mailto host with a trailing dot",
      "v=DMARC1; p=reject; rua=mailto:a@example.com.",
      "dmarc-invalid-mailto",
    ],
    [
      "a mailto with a leading dot",
      "v=DMARC1; p=reject; rua=mailto:.a@example.com",
      "dmarc-invalid-mailto",
    ],
    [
      "a mailto with two @",
      "v=DMARC1; p=reject; rua=mailto:a@b@example.com",
      "dmarc-invalid-mailto",
    ],
    [
      "a literal ! inside the URI (RFC 7489 6.2: only the size suffix starts with !)",
      "v=DMARC1; p=reject; rua=mailto:a!b@example.com",
      "dmarc-invalid-uri",
    ],
    [
      "a literal ! before a size suffix",
      "v=DMARC1; p=reject; rua=mailto:a!b@example.com!10m",
      "dmarc-invalid-uri",
    ],
    [
      "an address literal that is no address",
      "v=DMARC1; p=reject; rua=mailto:d@[192.0.2.300]",
      "dmarc-invalid-mailto",
    ],
    [
      "an IPv6 address literal without its IPv6: tag",
      "v=DMARC1; p=reject; rua=mailto:d@[2001:db8::1]",
      "dmarc-invalid-mailto",
    ],
  ])("rejects %s", (_what, txt, code) => {
    const analysis = analyzeDmarc(txt);
    expect(errorsOf(analysis.findings).map((f) => f.code)).toContain(code);
    expect(analysis.record).toBeUndefined();
  });

  it("names the offending value in the message and says how to fix it", () => {
    const [f] = errorsOf(analyzeDmarc(`v=DMARC1; p=block; ${RUA}`).findings);
    expect(f.message).toContain('p="block"');
    expect(f.fix).toMatch(/p=reject/);
  });
});

describe("analyzeDmarc: warnings for working records", () => {
  it.each([
    ["p=none", `v=DMARC1; p=none; ${RUA}`, "dmarc-p-none"],
    ["sp=none", `v=DMARC1; p=reject; sp=none; ${RUA}`, "dmarc-sp-none"],
    ["np=none", `v=DMARC1; p=reject; np=none; ${RUA}`, "dmarc-np-none"],
    ["no rua", "v=DMARC1; p=reject", "dmarc-no-rua"],
    [
      "pct, even 100 (historic in RFC 9989)",
      `v=DMARC1; p=reject; pct=100; ${RUA}`,
      "dmarc-historic-pct",
    ],
    ["rf", `v=DMARC1; p=reject; rf=afrf; ${RUA}`, "dmarc-historic-rf"],
    ["ri", `v=DMARC1; p=reject; ri=86400; ${RUA}`, "dmarc-historic-ri"],
    ["an unknown tag", `v=DMARC1; p=reject; ${RUA}; xyz=1`, "dmarc-unknown-tag"],
    ["fo without ruf", `v=DMARC1; p=reject; fo=1; ${RUA}`, "dmarc-fo-without-ruf"],
    [
      "an obsolete !size suffix",
      "v=DMARC1; p=reject; rua=mailto:d@example.com!10m",
      "dmarc-obsolete-size",
    ],
    [
      "a non-mailto report URI",
      "v=DMARC1; p=reject; rua=https://example.com/r",
      "dmarc-non-mailto-uri",
    ],
    ["p not right after v", `v=DMARC1; ${RUA}; p=reject`, "dmarc-p-not-second"],
    ["upper-case tag names", `V=DMARC1; P=reject; ${RUA}`, "dmarc-uppercase-tag"],
    ["psd=y on a registrant domain", `v=DMARC1; p=reject; psd=y; ${RUA}`, "dmarc-psd-y"],
    ["test mode t=y (RFC 9989)", `v=DMARC1; p=quarantine; t=y; ${RUA}`, "dmarc-test-mode"],
    [
      "a bracketed IPv4 address literal (valid in RFC 6068 mailto:, but no name to authorize)",
      "v=DMARC1; p=reject; rua=mailto:d@[192.0.2.1]",
      "dmarc-address-literal",
    ],
    [
      "an IPv6 address literal",
      "v=DMARC1; p=reject; rua=mailto:d@[IPv6:2001:db8::1]",
      "dmarc-address-literal",
    ],
  ])("warns about %s without rejecting the record", (_what, txt, code) => {
    expect(errorCodes(txt)).toEqual([]);
    expect(warningCodes(txt)).toContain(code);
  });

  it.each([
    ["a full enforcing record", `v=DMARC1; p=reject; ${RUA}`],
    ["test mode off, t=n", `v=DMARC1; p=quarantine; t=n; ${RUA}`],
    ["fo with ruf", `v=DMARC1; p=reject; fo=d:s; ${RUA}; ruf=mailto:f@example.com`],
    ["several rua URIs with WSP after commas", `v=DMARC1; p=reject; ${RUA}, mailto:b@example.org`],
    [
      "a quoted local part with a percent-encoded comma",
      "v=DMARC1; p=reject; rua=mailto:%22a%2Cb%22@example.com",
    ],
    ["a plus address", "v=DMARC1; p=reject; rua=mailto:dmarc+reports@example.com"],
    ["a punycode report host", "v=DMARC1; p=reject; rua=mailto:r@xn--bcher-kva.example"],
    ["a percent-encoded IDN report host", "v=DMARC1; p=reject; rua=mailto:r@b%C3%BCcher.example"],
    ["mailto hfields", "v=DMARC1; p=reject; rua=mailto:r@example.com?subject=dmarc"],
    ["a percent-encoded ! inside the URI", "v=DMARC1; p=reject; rua=mailto:a%21b@example.com"],
  ])("accepts %s with no findings", (_what, txt) => {
    expect(codes(txt)).toEqual([]);
  });

  it("treats an unknown tag with an empty value as unknown only", () => {
    expect(codes(`v=DMARC1; p=reject; ${RUA}; x=`)).toEqual(["dmarc-unknown-tag"]);
  });

  it("tolerates whitespace around = and ; and a trailing ;", () => {
    expect(errorCodes(`v = DMARC1 ;\tp = reject ; ${RUA} ;`)).toEqual([]);
  });
});

describe("analyzeDmarc: the record it returns", () => {
  it("normalizes keywords, fills defaults and strips obsolete size suffixes", () => {
    const { record } = analyzeDmarc(
      "v=DMARC1; p=Reject; sp=QUARANTINE; np=none; pct=25; adkim=S; rua=mailto:a@example.com!10m, mailto:b@example.org; ruf=mailto:f@example.com; X=1",
    );
    expect(record).toEqual({
      p: "reject",
      sp: "quarantine",
      np: "none",
      pct: 25,
      rua: ["mailto:a@example.com", "mailto:b@example.org"],
      ruf: ["mailto:f@example.com"],
      adkim: "s",
      aspf: "r",
      t: "n",
      tags: {
        v: "DMARC1",
        p: "Reject",
        sp: "QUARANTINE",
        np: "none",
        pct: "25",
        adkim: "S",
        rua: "mailto:a@example.com!10m, mailto:b@example.org",
        ruf: "mailto:f@example.com",
        x: "1",
      },
    });
  });
});

describe("analyzeDmarcRecordSet", () => {
  it("rejects a name with no DMARC record", () => {
    expect(analyzeDmarcRecordSet([]).findings.map((f) => f.code)).toEqual(["dmarc-no-record"]);
    expect(analyzeDmarcRecordSet(["hello"]).findings.map((f) => f.code)).toEqual([
      "dmarc-no-record",
    ]);
  });

  it("rejects two DMARC records even when both are valid, because receivers discard both", () => {
    const analysis = analyzeDmarcRecordSet([
      `v=DMARC1; p=reject; ${RUA}`,
      `v=DMARC1; p=reject; ${RUA}`,
    ]);
    expect(analysis.findings.map((f) => f.code)).toEqual(["dmarc-multiple-records"]);
    expect(analysis.record).toBeUndefined();
  });

  it("counts a record with leading whitespace as a DMARC record and reports it", () => {
    const analysis = analyzeDmarcRecordSet([` v=DMARC1; p=reject; ${RUA}`]);
    expect(errorsOf(analysis.findings).map((f) => f.code)).toEqual(["dmarc-leading-space"]);
  });

  it("analyzes the single DMARC record and warns about unrelated TXT beside it", () => {
    const analysis = analyzeDmarcRecordSet([
      "google-site-verification=x",
      `v=DMARC1; p=reject; ${RUA}`,
    ]);
    expect(analysis.record?.p).toBe("reject");
    expect(analysis.findings.map((f) => f.code)).toEqual(["dmarc-unrelated-txt"]);
  });

  it("recognizes DMARC records by a case-sensitive DMARC1 in the first tag", () => {
    expect(isDmarcRecord("v=DMARC1; p=none")).toBe(true);
    expect(isDmarcRecord("V = DMARC1")).toBe(true);
    expect(isDmarcRecord("v=dmarc1; p=none")).toBe(false);
    expect(isDmarcRecord("v=DMARC10; p=none")).toBe(false);
    expect(isDmarcRecord("p=none; v=DMARC1")).toBe(false);
  });
});

describe("buildDmarc and checkDmarcOptions", () => {
  it("emits v=DMARC1 then p first, then the options in a fixed order", () => {
    expect(
      buildDmarc({
        ruf: ["mailto:f@example.com"],
        rua: ["mailto:a@example.com", "mailto:b@example.org"],
        t: "n",
        fo: "1",
        aspf: "s",
        adkim: "s",
        np: "reject",
        sp: "quarantine",
        p: "reject",
      }),
    ).toBe(
      "v=DMARC1; p=reject; sp=quarantine; np=reject; adkim=s; aspf=s; fo=1; t=n; rua=mailto:a@example.com,mailto:b@example.org; ruf=mailto:f@example.com",
    );
    expect(buildDmarc({ p: "none" })).toBe("v=DMARC1; p=none");
  });

  it.each<[string, DmarcOptions, string, string]>([
    ["p", { p: "block" as DmarcPolicy }, "dmarc-invalid-p", "p="],
    ["sp", { p: "reject", sp: "" as DmarcPolicy }, "dmarc-invalid-sp", "sp="],
    ["np", { p: "reject", np: "deny" as DmarcPolicy }, "dmarc-invalid-np", "np="],
    ["pct above 100", { p: "reject", pct: 101 }, "dmarc-invalid-pct", "pct="],
    ["pct not an integer", { p: "reject", pct: 12.5 }, "dmarc-invalid-pct", "pct="],
    ["pct NaN", { p: "reject", pct: NaN }, "dmarc-invalid-pct", "pct="],
    ["adkim", { p: "reject", adkim: "strict" as "s" }, "dmarc-invalid-adkim", "adkim="],
    ["aspf", { p: "reject", aspf: "R " as "r" }, "dmarc-invalid-aspf", "aspf="],
    ["fo", { p: "reject", fo: "0:1" }, "dmarc-invalid-fo", "fo="],
    ["t", { p: "reject", t: "true" as "y" }, "dmarc-invalid-t", "t="],
    [
      "rua without a scheme",
      { p: "reject", rua: ["dmarc@example.com"] },
      "dmarc-invalid-uri",
      "rua:",
    ],
    [
      "rua with a comma",
      { p: "reject", rua: ["mailto:a@x.com,mailto:b@x.com"] },
      "dmarc-invalid-uri",
      "rua:",
    ],
    ["rua with ;", { p: "reject", rua: ["mailto:a@x.com;p=none"] }, "dmarc-invalid-uri", "rua:"],
    ["ruf mailto without address", { p: "reject", ruf: ["mailto:"] }, "dmarc-invalid-uri", "ruf:"],
    [
      "ruf mailto with a bad address",
      { p: "reject", ruf: ["mailto:x@"] },
      "dmarc-invalid-mailto",
      "ruf:",
    ],
  ])("refuses a bad %s, naming the option", (_what, opts, code, named) => {
    const found = checkDmarcOptions(opts);
    expect(found.map((f) => f.code)).toContain(code);
    expect(found.every((f) => f.severity === "error")).toBe(true);
    expect(found.some((f) => f.message.includes(named))).toBe(true);
    expect(() => buildDmarc(opts)).toThrow(named);
  });

  it("accepts good options without findings", () => {
    expect(checkDmarcOptions({ p: "reject", rua: ["mailto:dmarc@example.com"] })).toEqual([]);
  });

  const policy = fc.constantFrom<DmarcPolicy>("none", "quarantine", "reject");
  const localPart = fc
    .stringMatching(/^[a-z0-9][a-z0-9._+-]{0,20}[a-z0-9]$/)
    .filter((s) => !s.includes(".."));
  const host = fc
    .array(ldhLabel, {
      minLength: 1,
      maxLength: 3,
    })
    .chain((labels) =>
      fc.constantFrom("com", "org", "co.uk", "example").map((tld) => [...labels, tld].join(".")),
    );
  const mailto = fc
    .tuple(localPart, host, fc.option(fc.constantFrom("!10m", "!500k", "!1"), { nil: undefined }))
    .map(([l, h, size]) => `mailto:${l}@${h}${size ?? ""}`);
  const fo = fc
    .subarray(["d", "s"])
    .chain((ds) =>
      fc.option(fc.constantFrom("0", "1"), { nil: undefined }).map((x) => (x ? [x, ...ds] : ds)),
    )
    .filter((tokens) => tokens.length > 0)
    .chain((tokens) => fc.shuffledSubarray(tokens, { minLength: tokens.length }))
    .map((tokens) => tokens.join(":"));
  const options: fc.Arbitrary<DmarcOptions> = fc.record(
    {
      p: policy,
      sp: policy,
      np: policy,
      pct: fc.integer({ min: 0, max: 100 }),
      rua: fc.array(mailto, { maxLength: 3 }),
      ruf: fc.array(mailto, { maxLength: 2 }),
      adkim: fc.constantFrom<"r" | "s">("r", "s"),
      aspf: fc.constantFrom<"r" | "s">("r", "s"),
      fo,
      t: fc.constantFrom<"y" | "n">("y", "n"),
    },
    { requiredKeys: ["p"] },
  );

  it("builds records that its own validator accepts and reads back as given", () => {
    fc.assert(
      fc.property(options, (opts) => {
        const txt = buildDmarc(opts);
        expect(txt.startsWith(`v=DMARC1; p=${opts.p}`)).toBe(true);
        const { record, findings } = analyzeDmarc(txt);
        expect(errorsOf(findings)).toEqual([]);
        const optional = Object.fromEntries(
          (["sp", "np", "pct"] as const)
            .filter((k) => opts[k] !== undefined)
            .map((k) => [k, opts[k]]),
        );
        expect(record).toEqual({
          ...optional,
          tags: expect.any(Object),
          p: opts.p,
          adkim: opts.adkim ?? "r",
          aspf: opts.aspf ?? "r",
          t: opts.t ?? "n",
          rua: (opts.rua ?? []).map((u) => u.replace(/!\d+[kmgt]?$/, "")),
          ruf: (opts.ruf ?? []).map((u) => u.replace(/!\d+[kmgt]?$/, "")),
        });
      }),
      propertyRuns(500),
    );
  });

  it("throws for any p that is not a policy keyword", () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !["none", "quarantine", "reject"].includes(s.toLowerCase())),
        (p) => {
          expect(() => buildDmarc({ p: p as DmarcPolicy })).toThrow(/p=/);
        },
      ),
      propertyRuns(),
    );
  });
});

describe("organizationalDomain", () => {
  it.each([
    ["example.com", "example.com"],
    ["mail.example.com", "example.com"],
    ["a.b.example.co.uk", "example.co.uk"],
    ["MAIL.Example.COM.", "example.com"],
    ["mail.bücher.example", "xn--bcher-kva.example"],
    ["app.github.io", "app.github.io"],
    ["deep.app.github.io", "app.github.io"],
    ["bank.example", "bank.example"],
    ["co.uk", "co.uk"],
  ])("maps %s to %s using the public suffix list, private section included", (input, org) => {
    expect(organizationalDomain(input)).toBe(org);
  });
});

describe("externalReportDestinations", () => {
  it("asks for <domain>._report._dmarc.<host> when the address is in another organization (RFC 9989 B.2.3)", () => {
    expect(
      externalReportDestinations("example.com", [
        "mailto:dmarc-feedback@example.com",
        "mailto:auth-reports@thirdparty.example.net",
      ]),
    ).toEqual([
      {
        uri: "mailto:auth-reports@thirdparty.example.net",
        destination: "thirdparty.example.net",
        name: "example.com._report._dmarc.thirdparty.example.net",
        content: "v=DMARC1;",
      },
    ]);
  });

  it("needs nothing for addresses anywhere inside the same organizational domain", () => {
    expect(
      externalReportDestinations("mail.example.co.uk", [
        "mailto:a@example.co.uk",
        "mailto:b@reports.example.co.uk!10m",
      ]),
    ).toEqual([]);
  });

  it("treats sibling tenants of a private suffix as different organizations", () => {
    expect(externalReportDestinations("app.github.io", ["mailto:r@other.github.io"])).toEqual([
      {
        uri: "mailto:r@other.github.io",
        destination: "other.github.io",
        name: "app.github.io._report._dmarc.other.github.io",
        content: "v=DMARC1;",
      },
    ]);
  });

  it("lower-cases names, drops the size suffix from the host and lists each record once", () => {
    const auths = externalReportDestinations("Example.COM.", [
      "mailto:A@Reports.Vendor.NET!10m",
      "mailto:b@reports.vendor.net",
    ]);
    expect(auths.map((a) => a.name)).toEqual(["example.com._report._dmarc.reports.vendor.net"]);
    expect(auths[0].uri).toBe("mailto:A@Reports.Vendor.NET!10m");
  });

  it("asks nothing of an address literal, which has no name to publish under", () => {
    expect(externalReportDestinations("example.com", ["mailto:d@[192.0.2.1]"])).toEqual([]);
  });

  it("skips non-mailto and unusable URIs", () => {
    expect(
      externalReportDestinations("example.com", ["https://vendor.net/r", "vendor.net", "mailto:x"]),
    ).toEqual([]);
  });

  it("produces authorization records that pass as such", () => {
    for (const a of externalReportDestinations("example.com", ["mailto:r@vendor.net"])) {
      expect(analyzeReportAuthorization(a.content)).toEqual([]);
    }
    expect(analyzeReportAuthorization("v=spf1 -all").map((f) => f.code)).toEqual([
      "dmarc-invalid-report-authorization",
    ]);
  });
});

describe("hasRegistrableDomain", () => {
  it.each([
    ["mail.example.com", true],
    ["example.com", true],
    ["a.github.io", true],
    ["mail", false],
    ["mail.internal", false],
    ["com", false],
  ])("says whether %s lies under a registrable domain of a listed suffix", (name, expected) => {
    expect(hasRegistrableDomain(name)).toBe(expected);
  });
});

describe("effectivePolicy and effectivePolicyFindings (the judgement of dmarc-policy-enforced)", () => {
  const codesOf = (value: string, config = {}) =>
    effectivePolicyFindings(value, config).map((f) => f.code);

  it("defaults to the pack's configuration: quarantine, pct 100", () => {
    expect(DMARC_ENFORCEMENT_DEFAULTS).toEqual({
      minimumPolicy: "quarantine",
      requireFullPct: true,
    });
  });

  it.each([
    ["v=DMARC1; p=reject", "reject"],
    ["v=DMARC1; p=reject; sp=none", "none"],
    ["v=DMARC1; p=reject; np=quarantine", "quarantine"],
    ["v=DMARC1; p=reject; t=y", "quarantine"],
    ["v=DMARC1; p=quarantine; t=y", "none"],
    ["v=DMARC1; p=none; t=y", "none"],
  ])("reads %s as applying %s at worst", (value, policy) => {
    expect(effectivePolicy(analyzeDmarc(value).record!)).toBe(policy);
  });

  it.each([
    ["v=DMARC1; p=quarantine", {}, []],
    ["v=DMARC1; p=none", {}, ["dmarc-policy-below-minimum"]],
    ["v=DMARC1; p=none", { minimumPolicy: "none" }, []],
    ["v=DMARC1; p=reject; sp=none; np=none", {}, Array(2).fill("dmarc-policy-below-minimum")],
    ["v=DMARC1; p=quarantine; t=y", {}, ["dmarc-test-mode-below-minimum"]],
    ["v=DMARC1; p=quarantine; t=y", { minimumPolicy: "none" }, []],
    ["v=DMARC1; p=reject; t=y", {}, []],
    ["v=DMARC1; p=reject; t=y", { minimumPolicy: "reject" }, ["dmarc-test-mode-below-minimum"]],
    ["v=DMARC1; p=reject; pct=50", {}, ["dmarc-partial-pct"]],
    ["v=DMARC1; p=reject; pct=50", { requireFullPct: false }, []],
    ["v=DMARC1; p=reject; pct=100", {}, []],
    ["v=DMARC1; p=quarantine", { minimumPolicy: "reject" }, ["dmarc-policy-below-minimum"]],
    ["v=DMARC1; p=none", { minimumPolicy: "strict" }, ["dmarc-policy-below-minimum"]],
    ["p=none; v=DMARC1", {}, []],
  ])("judges %s under %j", (value, config, expected) => {
    expect(codesOf(value, config)).toEqual(expected);
  });

  it("words each finding so that message plus fix is the policy's violation text", () => {
    expect(effectivePolicyFindings("v=DMARC1; p=none; pct=20")).toEqual([
      {
        severity: "error",
        code: "dmarc-policy-below-minimum",
        message:
          'DMARC p=none in "v=DMARC1; p=none; pct=20" is weaker than quarantine, so receivers deliver mail that fails DMARC.',
        fix: "set p=quarantine once reports show legitimate mail passing (mailguard's MailDomain defaults to quarantine).",
      },
      {
        severity: "error",
        code: "dmarc-partial-pct",
        message:
          'DMARC pct=20 in "v=DMARC1; p=none; pct=20" applies the policy to only 20% of failing mail.',
        fix: "remove pct or set pct=100.",
      },
    ]);
  });

  it("accepts a record exactly when the policy it applies at worst meets the minimum (and pct is full)", () => {
    const RANK: Record<DmarcPolicy, number> = { none: 0, quarantine: 1, reject: 2 };
    const policy = fc.constantFrom<DmarcPolicy>("none", "quarantine", "reject");
    const record = fc.record(
      {
        p: policy,
        sp: policy,
        np: policy,
        t: fc.constantFrom<"y" | "n">("y", "n"),
        pct: fc.integer({ min: 0, max: 100 }),
      },
      { requiredKeys: ["p"] },
    );
    fc.assert(
      fc.property(record, policy, fc.boolean(), (r, minimumPolicy, requireFullPct) => {
        const value = buildDmarc(r);
        const passes =
          RANK[effectivePolicy(analyzeDmarc(value).record!)] >= RANK[minimumPolicy] &&
          (!requireFullPct || r.pct === undefined || r.pct === 100);
        expect(effectivePolicyFindings(value, { minimumPolicy, requireFullPct })).toEqual(
          passes ? [] : expect.arrayContaining([expect.objectContaining({ severity: "error" })]),
        );
      }),
      { seed: 9, numRuns: 500 },
    );
  });
});
