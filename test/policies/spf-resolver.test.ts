import { stackRecordsOf, zoneNamesOf } from "../../policies/lib/dns";
import { StackDns, StackSpfResolver } from "../../policies/lib/spf-resolver";
import { cfRecord, r53Record } from "../helpers/dns-fixtures";
import { Resource, UNKNOWN } from "../helpers/policy-support";
import { DNS, Dns, ZoneRecord, itemsOf, rec, stackOf, stackResources } from "../helpers/spf-stacks";

function dnsOf(resources: Resource[], loose = false): StackDns {
  const items = itemsOf(resources);
  return new StackDns(stackRecordsOf(items), zoneNamesOf(items), { loose });
}

function stackDns(dns: Dns, records: ZoneRecord[], declared = true): StackDns {
  return dnsOf(stackResources(dns, stackOf(records, declared)));
}

describe("StackDns: the answers a stack's own records give", () => {
  describe.each(DNS)("on %s", (dns) => {
    const records = [
      rec("example.com", "TXT", "v=spf1 mx -all"),
      rec("example.com", "MX", "mx.example.com"),
      rec("mx.example.com", "A", "192.0.2.1"),
      rec("www.example.com", "CNAME", "web.example.com"),
      rec("web.example.com", "A", "192.0.2.2"),
      rec("out.example.com", "CNAME", "target.example.net"),
      rec("sub.example.com", "NS", "ns1.example.net"),
      rec("*.wild.example.com", "A", "192.0.2.3"),
    ];
    const stack = stackDns(dns, records);

    it("answers the values the stack publishes, MX as exchange hosts, names in any case", () => {
      expect(stack.answer("Example.COM.", "TXT")).toEqual({
        status: "found",
        values: ["v=spf1 mx -all"],
      });
      expect(stack.answer("example.com", "MX")).toEqual({
        status: "found",
        values: ["mx.example.com"],
      });
      expect(stack.answer("mx.example.com", "A")).toEqual({
        status: "found",
        values: ["192.0.2.1"],
      });
    });

    it("is void where the declared zone holds no such record, by name or by type", () => {
      expect(stack.answer("gone.example.com", "A")).toEqual({ status: "void", values: [] });
      expect(stack.answer("mx.example.com", "TXT")).toEqual({ status: "void", values: [] });
    });

    it("follows CNAMEs within the stack, and does not know where one leaves it", () => {
      expect(stack.answer("www.example.com", "A")).toEqual({
        status: "found",
        values: ["192.0.2.2"],
      });
      expect(stack.answer("out.example.com", "A").status).toBe("unknown");
    });

    it("does not know names outside its zones, delegated away, or under a wildcard", () => {
      expect(stack.answer("_spf.google.com", "TXT").status).toBe("unknown");
      expect(stack.answer("a.sub.example.com", "A").status).toBe("unknown");
      expect(stack.answer("x.wild.example.com", "A").status).toBe("unknown");
      expect(stack.decides("gone.example.com")).toBe(true);
      expect(stack.decides("a.sub.example.com")).toBe(false);
    });

    it("decides no absence in a zone the stack does not declare", () => {
      const undeclared = stackDns(dns, records, false);
      expect(undeclared.answer("example.com", "TXT")).toEqual({
        status: "found",
        values: ["v=spf1 mx -all"],
      });
      expect(undeclared.answer("gone.example.com", "A").status).toBe("unknown");
    });
  });

  it("trusts names relative to an undeclared zone only when asked to", () => {
    const relative = [{ ...cfRecord("_spf", "TXT", "v=spf1 -all"), name: "rel" }];
    expect(dnsOf(relative).answer("_spf.example.com", "TXT").status).toBe("unknown");
    expect(dnsOf(relative, true).answer("_spf.example.com", "TXT")).toEqual({
      status: "found",
      values: ["v=spf1 -all"],
    });
  });

  it("does not know a name two zones answer differently (a migration), and knows one they agree on", () => {
    const cf = cfRecord("example.com", "TXT", "v=spf1 -all");
    const r53 = r53Record("example.com", "TXT", ["v=spf1 mx -all"]);
    expect(dnsOf([cf, r53]).answer("example.com", "TXT").status).toBe("unknown");
    const same = r53Record("example.com", "TXT", ["v=spf1 -all"]);
    expect(dnsOf([cf, same]).answer("example.com", "TXT")).toEqual({
      status: "found",
      values: ["v=spf1 -all"],
    });
  });

  it("names the field unknown during preview that an answer hangs on", () => {
    const zone = {
      type: "cloudflare:index/zone:Zone",
      name: "zone",
      props: { id: "zone-1", name: "example.com" },
    };
    const pending = {
      ...cfRecord("_spf.example.com", "TXT", "x"),
      props: { ...cfRecord("_spf.example.com", "TXT", "x").props, content: UNKNOWN },
    };
    expect(dnsOf([zone, pending]).answer("_spf.example.com", "TXT")).toEqual({
      status: "unknown",
      values: [],
      uncertain: { props: pending.props, path: ["content"] },
    });
    const unnamed = {
      ...cfRecord("x", "A", "192.0.2.1"),
      props: { ...cfRecord("x", "A", "192.0.2.1").props, name: UNKNOWN },
    };
    expect(dnsOf([zone, unnamed]).answer("gone.example.com", "A")).toEqual({
      status: "unknown",
      values: [],
      uncertain: { props: unnamed.props, path: ["name"] },
    });
    // An unnamed A record cannot be a TXT record: absence of TXT stays decided.
    expect(dnsOf([zone, unnamed]).answer("gone.example.com", "TXT")).toEqual({
      status: "void",
      values: [],
    });
  });
});

describe("StackSpfResolver", () => {
  const stack = stackDns("cloudflare", [
    rec("example.com", "TXT", "v=spf1 include:_spf.example.com -all"),
    rec("_spf.example.com", "TXT", "google-site-verification=abc"),
    rec("v6.example.com", "AAAA", "2001:db8::1"),
  ]);

  it("answers outside names with the caller's TXT and nothing else, and lists them", () => {
    const resolver = new StackSpfResolver(stack, () => ["v=spf1 ?all"]);
    expect(resolver.txt("_spf.google.com")).toEqual(["v=spf1 ?all"]);
    expect(resolver.a("_spf.google.com")).toEqual([]);
    expect(resolver.isVoid("_spf.google.com", "A")).toBe(false);
    expect(resolver.unknownNames).toEqual(["_spf.google.com"]);
  });

  it("counts an address lookup void only when the name has neither A nor AAAA", () => {
    const resolver = new StackSpfResolver(stack, () => []);
    expect(resolver.isVoid("gone.example.com", "A")).toBe(true);
    expect(resolver.isVoid("v6.example.com", "A")).toBe(false);
    expect(resolver.isVoid("example.com", "MX")).toBe(true);
  });

  it("answers the name under evaluation with the given values", () => {
    const resolver = new StackSpfResolver(stack, () => [], {
      name: "example.com",
      values: ["v=spf1 -all"],
    });
    expect(resolver.txt("EXAMPLE.com.")).toEqual(["v=spf1 -all"]);
  });

  it("gives other TXT records only where the stack decides that no SPF record stands beside them", () => {
    expect(new StackSpfResolver(stack, () => ["outside"]).txt("_spf.example.com")).toEqual([
      "google-site-verification=abc",
    ]);
    const undeclared = stackDns(
      "cloudflare",
      [rec("_spf.example.com", "TXT", "google-site-verification=abc")],
      false,
    );
    expect(new StackSpfResolver(undeclared, () => ["outside"]).txt("_spf.example.com")).toEqual([
      "outside",
    ]);
  });
});
