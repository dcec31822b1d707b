import { SpfResolver, SpfTempError, checkHost } from "../../policies/core/spf-eval";
import { Rfc7208Zone as Zone, rfc7208Suite } from "../helpers/vectors";

/**
 * Answers DNS from a suite document's zonedata the way the suite's drivers do: names are
 * case-insensitive; `TIMEOUT` fails a query for a type with no record listed before it; a name
 * with SPF-type records and no TXT entry serves them as TXT; `TXT: NONE` means no TXT; CNAMEs are
 * followed.
 */
function zoneResolver(zone: Zone): SpfResolver {
  const bare = (name: string): string => name.toLowerCase().replace(/\.$/, "");
  const keys = new Map(Object.keys(zone).map((k) => [bare(k), k]));
  const lookup = (name: string, type: string, depth = 0): unknown[] => {
    const key = keys.get(bare(name));
    const records = key === undefined ? [] : zone[key];
    const hasTxt = records.some((r) => typeof r === "object" && "TXT" in r);
    const wanted = type === "TXT" && !hasTxt ? "SPF" : type;
    const values: unknown[] = [];
    for (const r of records) {
      if (r === "TIMEOUT") {
        if (values.length === 0) throw new SpfTempError(`timeout for ${type} ${name}`);
        continue;
      }
      if (typeof r !== "object") continue;
      if ("CNAME" in r && depth < 8) return lookup(String(r.CNAME), type, depth + 1);
      if (wanted in r && r[wanted] !== "NONE") values.push(r[wanted]);
    }
    return values;
  };
  return {
    txt: (n) => lookup(n, "TXT").map((v) => (Array.isArray(v) ? v.join("") : String(v))),
    a: (n) => lookup(n, "A").map(String),
    aaaa: (n) => lookup(n, "AAAA").map(String),
    mx: (n) =>
      (lookup(n, "MX") as Array<[number, string]>)
        .slice()
        .sort((x, y) => x[0] - y[0])
        .map(([, host]) => host),
    ptr: (n) => lookup(n, "PTR").map(String),
  };
}

const docs = rfc7208Suite();
const cases = docs.flatMap((d) =>
  Object.entries(d.tests).map(([name, t]) => ({
    section: d.description,
    name,
    t,
    zone: d.zonedata ?? {},
  })),
);

describe("checkHost against the RFC 7208 test suite (zonedata as the resolver)", () => {
  it("runs all 203 tests", () => {
    expect(cases).toHaveLength(203);
  });

  it.each(cases.map((c) => [c.section, c.name, c] as const))("%s: %s", (_section, _name, c) => {
    const outcome = checkHost(
      { ip: c.t.host, mailFrom: c.t.mailfrom ?? "", helo: c.t.helo, timestamp: 0 },
      zoneResolver(c.zone),
    );
    const accepted = Array.isArray(c.t.result) ? c.t.result : [c.t.result];
    expect(accepted).toContain(outcome.result);
    if (c.t.explanation !== undefined && outcome.result === "fail") {
      // The suite writes some hex nibbles in upper case; explanations compare case-insensitively.
      const expected = c.t.explanation === "DEFAULT" ? undefined : c.t.explanation.toLowerCase();
      expect(outcome.explanation?.toLowerCase()).toBe(expected);
    }
  });
});

/** A resolver over plain maps, for hand-made zones. */
function mapResolver(zone: {
  txt?: Record<string, string[]>;
  a?: Record<string, string[]>;
  mx?: Record<string, string[]>;
}): SpfResolver {
  return {
    txt: (n) => zone.txt?.[n] ?? [],
    a: (n) => zone.a?.[n] ?? [],
    aaaa: () => [],
    mx: (n) => zone.mx?.[n] ?? [],
    ptr: () => [],
  };
}

describe("checkHost on hand-made zones", () => {
  // SES's own SPF record as published around 2024: a dated fixture for offline simulation only.
  const SES_2024 =
    "v=spf1 ip4:199.255.192.0/22 ip4:199.127.232.0/22 ip4:54.240.0.0/18 ip4:69.169.224.0/20 ip4:23.249.208.0/20 ip4:23.251.224.0/19 ip4:76.223.176.0/20 ip4:54.240.64.0/19 ip4:54.240.96.0/19 -all";
  const ses = mapResolver({
    txt: {
      "mail.example.com": ["v=spf1 include:amazonses.com -all"],
      "amazonses.com": [SES_2024],
    },
  });
  const request = { mailFrom: "bounce@mail.example.com", helo: "a27-1.smtp-out.amazonses.com" };

  it("passes mail from an SES address for a MAIL FROM domain that includes amazonses.com", () => {
    expect(checkHost({ ...request, ip: "54.240.8.1" }, ses).result).toBe("pass");
  });

  it("fails mail from any other address", () => {
    expect(checkHost({ ...request, ip: "203.0.113.5" }, ses).result).toBe("fail");
    expect(checkHost({ ...request, ip: "2001:db8::5" }, ses).result).toBe("fail");
  });

  it("treats an IPv4-mapped IPv6 client as IPv4", () => {
    expect(checkHost({ ...request, ip: "::ffff:54.240.8.1" }, ses).result).toBe("pass");
  });

  it("returns none when the domain publishes no SPF record", () => {
    expect(
      checkHost({ ...request, mailFrom: "x@other.example", ip: "54.240.8.1" }, ses).result,
    ).toBe("none");
  });

  it("returns permerror when an include has no SPF record", () => {
    const zone = mapResolver({
      txt: { "example.com": ["v=spf1 include:missing.example.net -all"] },
    });
    const outcome = checkHost(
      { ip: "192.0.2.1", mailFrom: "a@example.com", helo: "h.example.com" },
      zone,
    );
    expect(outcome.result).toBe("permerror");
    expect(outcome.reason).toContain("include:missing.example.net");
  });

  it("returns permerror once nested includes pass 10 DNS-querying terms", () => {
    const txt: Record<string, string[]> = { "example.com": ["v=spf1 include:i0.example.com -all"] };
    for (let i = 0; i < 11; i++)
      txt[`i${i}.example.com`] = [`v=spf1 include:i${i + 1}.example.com`];
    txt["i11.example.com"] = ["v=spf1 +all"];
    const outcome = checkHost(
      { ip: "192.0.2.1", mailFrom: "a@example.com", helo: "h.example.com" },
      mapResolver({ txt }),
    );
    expect(outcome).toEqual(
      expect.objectContaining({ result: "permerror", reason: "more than 10 DNS-querying terms" }),
    );
  });

  it("returns permerror on the third void lookup", () => {
    const zone = mapResolver({
      txt: {
        "example.com": ["v=spf1 a:n1.example.com mx:n2.example.com exists:n3.example.com -all"],
      },
    });
    expect(
      checkHost({ ip: "192.0.2.1", mailFrom: "a@example.com", helo: "h.example.com" }, zone).reason,
    ).toBe("more than 2 void lookups");
  });

  it("matches mx hosts with a cidr length", () => {
    const zone = mapResolver({
      txt: { "example.com": ["v=spf1 mx/24 -all"] },
      mx: { "example.com": ["mx1.example.com"] },
      a: { "mx1.example.com": ["192.0.2.10"] },
    });
    const from = { mailFrom: "a@example.com", helo: "h.example.com" };
    expect(checkHost({ ...from, ip: "192.0.2.200" }, zone).result).toBe("pass");
    expect(checkHost({ ...from, ip: "192.0.3.1" }, zone).result).toBe("fail");
  });

  it("checks HELO when MAIL FROM is empty", () => {
    const zone = mapResolver({ txt: { "h.example.com": ["v=spf1 ip4:192.0.2.1 -all"] } });
    expect(checkHost({ ip: "192.0.2.1", mailFrom: "", helo: "h.example.com" }, zone).result).toBe(
      "pass",
    );
  });

  it("expands exp= for a fail, with macros", () => {
    const zone = mapResolver({
      txt: {
        "example.com": ["v=spf1 -all exp=why.example.com"],
        "why.example.com": ["%{i} may not send as %{l}@%{o}"],
      },
    });
    expect(
      checkHost({ ip: "192.0.2.9", mailFrom: "ann@example.com", helo: "h.example.com" }, zone),
    ).toEqual(
      expect.objectContaining({
        result: "fail",
        explanation: "192.0.2.9 may not send as ann@example.com",
      }),
    );
  });
});

describe("checkHost explains its permerrors", () => {
  const from = { ip: "203.0.113.9", mailFrom: "a@example.com", helo: "h.example.com" };

  it("reports an include of the record itself as a loop at once", () => {
    const outcome = checkHost(
      from,
      mapResolver({ txt: { "example.com": ["v=spf1 ip4:192.0.2.1 include:example.com -all"] } }),
    );
    expect(outcome).toEqual(
      expect.objectContaining({
        result: "permerror",
        reason:
          '"include:example.com" at example.com leads back to example.com (example.com -> example.com)',
        error: {
          kind: "loop",
          chain: ["example.com"],
          term: "include:example.com",
          target: "example.com",
        },
      }),
    );
    expect(outcome.lookups).toEqual([{ domain: "example.com", term: "include:example.com" }]);
  });

  it("reports a loop between two records, and a redirect through a macro, with the chain", () => {
    const mutual = mapResolver({
      txt: {
        "example.com": ["v=spf1 include:_spf.example.com -all"],
        "_spf.example.com": ["v=spf1 redirect=%{o}"],
      },
    });
    expect(checkHost(from, mutual).error).toEqual({
      kind: "loop",
      chain: ["example.com", "_spf.example.com"],
      term: "redirect=%{o}",
      target: "example.com",
    });
  });

  it("does not take a domain included twice side by side for a loop", () => {
    const zone = mapResolver({
      txt: {
        "example.com": ["v=spf1 include:_a.example.com include:_a.example.com -all"],
        "_a.example.com": ["v=spf1 ip4:192.0.2.1 -all"],
      },
    });
    expect(checkHost(from, zone)).toEqual(
      expect.objectContaining({ result: "fail", reason: '"-all" matched at example.com' }),
    );
  });

  it("says where the lookup limit was passed, and lists every DNS-querying term", () => {
    const txt: Record<string, string[]> = {
      "example.com": ["v=spf1 a include:_spf.example.com -all"],
      "_spf.example.com": [
        `v=spf1 ${Array.from({ length: 10 }, (_, i) => `a:h${i}.example.com`).join(" ")} -all`,
      ],
    };
    const a: Record<string, string[]> = { "example.com": ["192.0.2.1"] };
    for (let i = 0; i < 10; i++) a[`h${i}.example.com`] = ["192.0.2.1"];
    const outcome = checkHost(from, mapResolver({ txt, a }));
    expect(outcome.error).toEqual({
      kind: "lookup-limit",
      chain: ["example.com", "_spf.example.com"],
      term: "a:h8.example.com",
    });
    expect(outcome.lookups).toHaveLength(11);
    expect(outcome.lookups?.slice(0, 3)).toEqual([
      { domain: "example.com", term: "a" },
      { domain: "example.com", term: "include:_spf.example.com" },
      { domain: "_spf.example.com", term: "a:h0.example.com" },
    ]);
  });

  it("lists the void lookups, and counts none that the resolver cannot decide", () => {
    const txt = {
      "example.com": ["v=spf1 a:n1.example.com mx:n2.example.com exists:%{l}.n3.example.com -all"],
    };
    const outcome = checkHost(from, mapResolver({ txt }));
    expect(outcome.error).toEqual({
      kind: "void-limit",
      chain: ["example.com"],
      term: "exists:%{l}.n3.example.com",
      target: "a.n3.example.com",
    });
    expect(outcome.voids).toEqual([
      { domain: "example.com", term: "a:n1.example.com", target: "n1.example.com" },
      { domain: "example.com", term: "mx:n2.example.com", target: "n2.example.com" },
      { domain: "example.com", term: "exists:%{l}.n3.example.com", target: "a.n3.example.com" },
    ]);
    const undecided = { ...mapResolver({ txt }), isVoid: (n: string) => n !== "n2.example.com" };
    expect(checkHost(from, undecided)).toEqual(
      expect.objectContaining({ result: "fail", voids: [expect.anything(), expect.anything()] }),
    );
  });

  it("names the include target without an SPF record, and the record with two", () => {
    const zone = mapResolver({
      txt: {
        "example.com": ["v=spf1 include:_a.example.com include:_b.example.com -all"],
        "_a.example.com": ["v=spf1 include:_none.example.com -all"],
        "_b.example.com": ["v=spf1 -all", "v=spf1 mx -all"],
      },
    });
    expect(checkHost(from, zone).error).toEqual({
      kind: "no-record",
      chain: ["example.com", "_a.example.com"],
      term: "include:_none.example.com",
      target: "_none.example.com",
    });
    const two = mapResolver({
      txt: {
        "example.com": ["v=spf1 include:_b.example.com -all"],
        "_b.example.com": ["v=spf1 -all", "v=spf1 mx -all"],
      },
    });
    expect(checkHost(from, two).error).toEqual({
      kind: "multiple-records",
      chain: ["example.com", "_b.example.com"],
    });
  });

  it("lists the mechanisms that matched, inner first", () => {
    const zone = mapResolver({
      txt: {
        "example.com": ["v=spf1 include:_a.example.com -all"],
        "_a.example.com": ["v=spf1 ip4:203.0.113.0/24 -all"],
      },
    });
    expect(checkHost(from, zone).matches).toEqual([
      { domain: "_a.example.com", term: "ip4:203.0.113.0/24" },
      { domain: "example.com", term: "include:_a.example.com" },
    ]);
  });
});
