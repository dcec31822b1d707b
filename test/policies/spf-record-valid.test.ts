import * as fs from "fs";
import * as path from "path";
import {
  analyzeSpf,
  checkSpfRecordSet,
  describe as describeFinding,
  isSpfRecord,
} from "../../policies/core";
import { spfRecordValid } from "../../policies/rules/spf-record-valid";
import { loadJson } from "../helpers/vectors";
import { CF_ZONE, cfRecord, r53Record, route53Txt, txtShapes } from "../helpers/dns-fixtures";
import { Resource, UNKNOWN, runResource, runStack, urnOf } from "../helpers/policy-support";
import {
  DNS,
  Dns,
  SpfStack,
  labelOf,
  rec,
  stackOf,
  stackResources,
  urnOfRecord,
} from "../helpers/spf-stacks";

interface SpfCase {
  name: string;
  expected: "permerror" | "valid" | "either" | "not-spf";
  kind: "record" | "rrset";
  record?: string;
  records?: string[];
}

const cases = loadJson<{ cases: SpfCase[] }>("spf-syntax-cases.json").cases;

describe("spf-record-valid", () => {
  it.each(txtShapes("example.com", "v=spf1 include:amazonses.com -all").map((r) => [r.type, r]))(
    "passes SES's SPF record declared as %s",
    async (_t, r) => {
      expect((await runResource(spfRecordValid, r)).violations).toEqual([]);
    },
  );

  it("passes TXT records that are not SPF, and other record types", async () => {
    expect(
      (
        await runResource(
          spfRecordValid,
          cfRecord("example.com", "TXT", "google-site-verification=abc"),
        )
      ).violations,
    ).toEqual([]);
    expect(
      (
        await runResource(
          spfRecordValid,
          cfRecord("example.com", "MX", "mx.example.com", { priority: 10 }),
        )
      ).violations,
    ).toEqual([]);
  });

  const violating: [string, string, RegExp][] = [
    ["an IPv4 address out of range", "v=spf1 ip4:300.1.1.1 -all", /ip4:300\.1\.1\.1/],
    [
      "two redirect modifiers",
      "v=spf1 redirect=_spf.example.com redirect=_spf.example.net",
      /redirect/,
    ],
    ["an unknown mechanism", "v=spf1 foo:example.com -all", /foo/],
  ];
  it.each(violating)("reports %s in every provider shape", async (_label, record, pattern) => {
    for (const r of txtShapes("example.com", record)) {
      const out = await runResource(spfRecordValid, r);
      expect(out.violations).toEqual([expect.stringMatching(pattern)]);
      expect(out.violations[0]).toContain(`${r.type} "${r.name}": `);
      expect(out.violations[0]).toMatch(/ Fix: /);
    }
  });

  it("reports two SPF records in one Route53 record set", async () => {
    const out = await runResource(
      spfRecordValid,
      r53Record("example.com", "TXT", ["v=spf1 -all", "v=spf1 mx -all"]),
    );
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(/2 SPF records at one name/);
  });

  it('joins a Route53 value split with "" before parsing', async () => {
    const long = `v=spf1 ${Array.from({ length: 20 }, (_, i) => `ip4:192.0.2.${i}`).join(" ")} -all`;
    const split = `${long.slice(0, 200)}""${long.slice(200)}`;
    expect(
      (await runResource(spfRecordValid, r53Record("example.com", "TXT", [split]))).violations,
    ).toEqual([]);
  });

  it("hands an SPF value unknown during preview to the SDK, which names the field", async () => {
    const out = await runResource(spfRecordValid, {
      ...cfRecord("example.com", "TXT", "x"),
      props: { zoneId: "z", name: "example.com", type: "TXT", content: UNKNOWN, ttl: 1 },
    });
    expect(out.violations).toEqual([]);
    expect(out.previewNote).toMatch(/\.content can't be known during preview/);
  });

  it("reports, at stack level, Cloudflare records that put two SPF records at one name", async () => {
    const zone = { type: CF_ZONE, name: "zone", props: { id: "zone-1", name: "example.com" } };
    const a = cfRecord("example.com", "TXT", "v=spf1 include:amazonses.com -all");
    const b = {
      ...cfRecord("@", "TXT", "v=spf1 include:_spf.google.com -all"),
      name: "google-spf",
    };
    const other = cfRecord("mail.example.com", "TXT", "v=spf1 include:amazonses.com -all");
    const out = await runStack(spfRecordValid, [zone, a, b, other]);
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(
      /2 resources \(".*", "google-spf"\) publish SPF records at example\.com/,
    );
    expect((await runStack(spfRecordValid, [zone, a, other])).violations).toEqual([]);
  });

  describe("agrees with the RFC 7208 syntax vectors", () => {
    const judged = cases.filter((c) => c.expected !== "either");
    it.each(judged.map((c) => [c.name, c]))("%s", async (_name, c) => {
      const values = c.kind === "rrset" ? (c.records as string[]) : [c.record as string];
      const r = r53Record("example.com", "TXT", values.map(route53Txt));
      const out = await runResource(spfRecordValid, r);
      // Exactly the core's permerrors (and the several-records error), each against the resource.
      const expected = [
        ...values.filter(isSpfRecord).flatMap((v) => analyzeSpf(v).permerrors),
        ...checkSpfRecordSet(values),
      ].map((f) => `${r.type} "${r.name}": ${describeFinding(f)}`);
      expect(expected.length > 0).toBe(c.expected === "permerror");
      expect(out.violations).toEqual(expected);
    });
  });

  describe("TXT content no DNS server can serve as written", () => {
    const raw = (content: string) => ({
      ...cfRecord("example.com", "TXT", "x"),
      props: { zoneId: "zone-1", name: "example.com", type: "TXT", ttl: 1, content },
    });
    const long = `v=spf1 ${Array.from({ length: 30 }, (_, i) => `ip4:192.0.2.${i}`).join(" ")} -all`;

    it("reports an SPF value with an unterminated quote", async () => {
      const out = await runResource(spfRecordValid, raw('"v=spf1 foo -all'));
      expect(out.violations).toEqual([
        expect.stringMatching(
          /TXT content "\\"v=spf1 foo -all" starts with a quote but is not a list of quoted strings\. Fix: /,
        ),
      ]);
    });

    it("reports a quoted SPF string over 255 octets", async () => {
      const out = await runResource(spfRecordValid, raw(`"${long}"`));
      expect(long.length).toBeGreaterThan(255);
      expect(out.violations).toEqual([
        expect.stringMatching(
          /TXT string 1 of .* is \d+ octets; a character-string holds at most 255/,
        ),
      ]);
    });

    it("reports an unsplit Route53 SPF value over 255 octets, and passes it split", async () => {
      const out = await runResource(spfRecordValid, r53Record("example.com", "TXT", [long]));
      expect(out.violations).toEqual([
        expect.stringMatching(
          /holds a string \(number 1\) of \d+ octets; .* so Route53 rejects the record/,
        ),
      ]);
      expect(
        (await runResource(spfRecordValid, r53Record("example.com", "TXT", [route53Txt(long)])))
          .violations,
      ).toEqual([]);
    });

    it("reports a Route53 SPF value written with an unterminated quote", async () => {
      const out = await runResource(
        spfRecordValid,
        r53Record("example.com", "TXT", ['"v=spf1 include:amazonses.com -all']),
      );
      expect(out.violations).toEqual([
        expect.stringMatching(/starts with a quote but is not a list of quoted strings/),
      ]);
    });

    it("leaves badly quoted values that are not SPF to their own policies", async () => {
      expect((await runResource(spfRecordValid, raw('"site-verification=abc'))).violations).toEqual(
        [],
      );
    });
  });

  it("judges the same name in two zones as two record sets (a Route53 to Cloudflare migration)", async () => {
    const cf = cfRecord("example.com", "TXT", "v=spf1 include:amazonses.com -all");
    const r53 = r53Record("example.com", "TXT", ["v=spf1 include:amazonses.com -all"]);
    expect((await runStack(spfRecordValid, [cf, r53])).violations).toEqual([]);
    const otherZone = {
      ...cfRecord("example.com", "TXT", "v=spf1 mx -all"),
      name: "other-zone",
      props: { ...cf.props, zoneId: "zone-2", content: "v=spf1 mx -all" },
    };
    expect((await runStack(spfRecordValid, [cf, otherZone])).violations).toEqual([]);
    const sameZone = { ...otherZone, props: { ...otherZone.props, zoneId: "zone-1" } };
    expect((await runStack(spfRecordValid, [cf, sameZone])).violations).toEqual([
      expect.stringMatching(
        /2 resources .* publish SPF records at example\.com\. There are 2 SPF records at one name/,
      ),
    ]);
  });
});

describe("spf-record-valid across the stack (RFC 7208 evaluation through the stack's records)", () => {
  const PERM = "every receiver's RFC 7208 evaluation returns permerror";
  const selfInclude = (
    label: string,
    name: string,
    value: string,
    term: string,
    shown = `"${term}"`,
  ) =>
    `${label}: the SPF record at ${name} (${JSON.stringify(value)}) includes itself through ${shown}: ${name} -> ${name}. Evaluation would repeat it until the 10-lookup limit, so ${PERM} for mail no earlier term authorizes. Fix: remove "${term}" and list the senders it was meant to add (ip4:, ip6:, or an include of another domain).`;
  const selfRedirect = (label: string, name: string, value: string, term: string, shown: string) =>
    `${label}: the SPF record at ${name} (${JSON.stringify(value)}) redirects to itself through ${shown}: ${name} -> ${name}. Evaluation would repeat it until the 10-lookup limit, so ${PERM} for mail no earlier term authorizes. Fix: replace "${term}" with -all (or ~all), or redirect to another domain's record.`;
  const loop = (
    label: string,
    name: string,
    value: string,
    chain: string,
    shown: string,
    term: string,
    at: string,
  ) =>
    `${label}: the SPF record at ${name} (${JSON.stringify(value)}) loops through records the stack publishes: ${chain} (${shown} at ${at}). Evaluation would repeat the loop until the 10-lookup limit, so ${PERM} for mail no earlier term authorizes. Fix: break the loop: remove "${term}" from the record at ${at}, or another include or redirect of the loop; no record may lead back to a domain being evaluated.`;
  const run = (dns: Dns, stack: SpfStack) => runStack(spfRecordValid, stackResources(dns, stack));

  describe.each(DNS)("on %s", (dns) => {
    it("reports a record that includes itself by name, once, on its resource", async () => {
      const spf = rec("example.com", "TXT", "v=spf1 ip4:192.0.2.0/24 include:example.com -all");
      const out = await run(dns, stackOf([spf]));
      expect(out.violations).toEqual([
        selfInclude(labelOf(dns, spf), "example.com", spf.value, "include:example.com"),
      ]);
      expect(out.urns).toEqual([urnOfRecord(dns, spf)]);
    });

    it("reports self-reference through %{d}, %{o} and their variants, expanded for the record's name", async () => {
      const cases: [string, string, (label: string, value: string) => string][] = [
        [
          "example.com",
          "v=spf1 include:%{d} -all",
          (l, v) =>
            selfInclude(
              l,
              "example.com",
              v,
              "include:%{d}",
              '"include:%{d}" (which expands to example.com)',
            ),
        ],
        [
          "example.com",
          "v=spf1 redirect=%{o}",
          (l, v) =>
            selfRedirect(
              l,
              "example.com",
              v,
              "redirect=%{o}",
              '"redirect=%{o}" (which expands to example.com)',
            ),
        ],
        [
          "mail.example.com",
          "v=spf1 include:%{d3} -all",
          (l, v) =>
            selfInclude(
              l,
              "mail.example.com",
              v,
              "include:%{d3}",
              '"include:%{d3}" (which expands to mail.example.com)',
            ),
        ],
        [
          "example.com",
          "v=spf1 redirect=%{O2}",
          (l, v) =>
            selfRedirect(
              l,
              "example.com",
              v,
              "redirect=%{O2}",
              '"redirect=%{O2}" (which expands to example.com)',
            ),
        ],
      ];
      for (const [name, value, message] of cases) {
        const spf = rec(name, "TXT", value);
        expect((await run(dns, stackOf([spf]))).violations).toEqual([
          message(labelOf(dns, spf), value),
        ]);
      }
    });

    it("finds no self-reference where a macro expands to another name", async () => {
      const parent = rec("example.com", "TXT", "v=spf1 ip4:192.0.2.0/24 -all");
      for (const value of [
        "v=spf1 include:%{d2} -all",
        "v=spf1 redirect=%{o2}",
        "v=spf1 include:%{dr} -all",
      ]) {
        const spf = rec("mail.example.com", "TXT", value);
        expect((await run(dns, stackOf([spf, parent]))).violations).toEqual([]);
      }
    });

    it("reports an include loop between two records on both, with the chain", async () => {
      const apex = rec("example.com", "TXT", "v=spf1 include:_spf.example.com -all");
      const spf = rec("_spf.example.com", "TXT", "v=spf1 ip4:192.0.2.0/24 redirect=example.com");
      expect((await run(dns, stackOf([apex, spf]))).violations).toEqual([
        loop(
          labelOf(dns, apex),
          "example.com",
          apex.value,
          "example.com -> _spf.example.com -> example.com",
          '"redirect=example.com"',
          "redirect=example.com",
          "_spf.example.com",
        ),
        loop(
          labelOf(dns, spf),
          "_spf.example.com",
          spf.value,
          "_spf.example.com -> example.com -> _spf.example.com",
          '"include:_spf.example.com"',
          "include:_spf.example.com",
          "example.com",
        ),
      ]);
    });

    it("reports a loop through a macro two records deep", async () => {
      const mail = rec("mail.example.com", "TXT", "v=spf1 include:%{d2} -all");
      const apex = rec("example.com", "TXT", "v=spf1 include:mail.example.com -all");
      expect((await run(dns, stackOf([mail, apex]))).violations).toEqual([
        loop(
          labelOf(dns, mail),
          "mail.example.com",
          mail.value,
          "mail.example.com -> example.com -> mail.example.com",
          '"include:mail.example.com"',
          "include:mail.example.com",
          "example.com",
        ),
        loop(
          labelOf(dns, apex),
          "example.com",
          apex.value,
          "example.com -> mail.example.com -> example.com",
          '"include:%{d2}" (which expands to example.com)',
          "include:%{d2}",
          "mail.example.com",
        ),
      ]);
    });

    it("reports a loop even when the record authorizes the documentation address it is evaluated for", async () => {
      const spf = rec(
        "example.com",
        "TXT",
        "v=spf1 ip4:203.0.113.0/24 ip4:198.51.100.0/24 include:example.com -all",
      );
      expect((await run(dns, stackOf([spf]))).violations).toEqual([
        selfInclude(labelOf(dns, spf), "example.com", spf.value, "include:example.com"),
      ]);
    });

    const hosts = (n: number) =>
      Array.from({ length: n }, (_, i) => rec(`h${i}.example.com`, "A", "192.0.2.1"));
    const chain = (n: number) =>
      `v=spf1 ${Array.from({ length: n }, (_, i) => `a:h${i}.example.com`).join(" ")} -all`;

    it("reports more than 10 DNS-querying terms summed through the includes the stack publishes", async () => {
      const apex = rec(
        "example.com",
        "TXT",
        "v=spf1 mx include:_spf1.example.com include:_spf2.example.com -all",
      );
      const one = rec("_spf1.example.com", "TXT", chain(4));
      const two = rec("_spf2.example.com", "TXT", chain(5));
      const stack = stackOf([
        apex,
        one,
        two,
        rec("example.com", "MX", "h0.example.com"),
        ...hosts(5),
      ]);
      expect((await run(dns, stack)).violations).toEqual([
        `${labelOf(dns, apex)}: the SPF record at example.com (${JSON.stringify(apex.value)}) needs more than 10 DNS-querying terms once the includes and redirects the stack publishes are followed (3 at example.com, 4 at _spf1.example.com and 4 at _spf2.example.com); receivers stop at the 11th, "a:h3.example.com" at _spf2.example.com (example.com -> _spf2.example.com), and ${PERM}. Fix: replace a, mx and ptr with ip4/ip6 ranges, merge the stack's included records into fewer, or drop includes you no longer send through.`,
      ]);
      const fewer = stackOf([
        apex,
        one,
        { ...two, value: chain(3) },
        rec("example.com", "MX", "h0.example.com"),
        ...hosts(5),
      ]);
      expect((await run(dns, fewer)).violations).toEqual([]);
    });

    it("counts a name outside the stack as one lookup, never more and never as fine", async () => {
      const apex = rec(
        "example.com",
        "TXT",
        "v=spf1 include:_spf.google.com include:servers.mcsv.net include:_spf.example.com -all",
      );
      const spf = rec("_spf.example.com", "TXT", chain(8));
      const stack = stackOf([apex, spf, ...hosts(8)]);
      expect((await run(dns, stack)).violations).toEqual([
        `${labelOf(dns, apex)}: the SPF record at example.com (${JSON.stringify(apex.value)}) needs more than 10 DNS-querying terms once the includes and redirects the stack publishes are followed (3 at example.com and 8 at _spf.example.com); receivers stop at the 11th, "a:h7.example.com" at _spf.example.com (example.com -> _spf.example.com), and ${PERM}. Names the stack does not publish (_spf.google.com and servers.mcsv.net) count one lookup each; their own lookups come on top. Fix: replace a, mx and ptr with ip4/ip6 ranges, merge the stack's included records into fewer, or drop includes you no longer send through.`,
      ]);
      // Ten with the outside names counted once: their own lookups are unknown, so no finding.
      expect(
        (await run(dns, stackOf([apex, { ...spf, value: chain(7) }, ...hosts(8)]))).violations,
      ).toEqual([]);
    });

    it("leaves a record over 10 lookups on its own to the resource check", async () => {
      const spf = rec("example.com", "TXT", chain(11));
      expect((await run(dns, stackOf([spf, ...hosts(11)]))).violations).toEqual([]);
    });

    const voids = "v=spf1 a:gone.example.com mx:old.example.com exists:%{i}._spf.example.com -all";
    it("reports more than 2 void lookups in a zone the stack declares", async () => {
      const spf = rec("example.com", "TXT", voids);
      expect((await run(dns, stackOf([spf]))).violations).toEqual([
        `${labelOf(dns, spf)}: the SPF record at example.com (${JSON.stringify(voids)}) makes more than 2 void lookups (names with no such records in zones the stack declares): "a:gone.example.com" at example.com, "mx:old.example.com" at example.com and "exists:%{i}._spf.example.com" (which expands to 203.0.113.251._spf.example.com) at example.com; at the third ${PERM} (RFC 7208 4.6.4). Fix: remove the terms that query names without records, or publish the records they expect.`,
      ]);
    });

    it("counts no void lookup it cannot decide: an undeclared zone, an IPv6-only name, a delegated name", async () => {
      const spf = rec("example.com", "TXT", voids);
      expect((await run(dns, stackOf([spf], false))).violations).toEqual([]);
      const v6 = rec("gone.example.com", "AAAA", "2001:db8::1");
      expect((await run(dns, stackOf([spf, v6]))).violations).toEqual([]);
      const ns = rec("_spf.example.com", "NS", "ns1.elsewhere.example.net");
      expect((await run(dns, stackOf([spf, ns]))).violations).toEqual([]);
    });

    it("reports an include of a name the declared zone holds no SPF record at, and not in an undeclared zone", async () => {
      const spf = rec("example.com", "TXT", "v=spf1 include:_spf.example.com -all");
      const other = rec("_spf.example.com", "TXT", "google-site-verification=abc");
      const message = `${labelOf(dns, spf)}: the SPF record at example.com (${JSON.stringify(spf.value)}) includes _spf.example.com through "include:_spf.example.com" at example.com (example.com -> _spf.example.com), and _spf.example.com has no SPF record in its zone, which the stack declares; ${PERM}. Fix: publish an SPF record at _spf.example.com, or remove "include:_spf.example.com".`;
      expect((await run(dns, stackOf([spf]))).violations).toEqual([message]);
      expect((await run(dns, stackOf([spf, other]))).violations).toEqual([message]);
      expect((await run(dns, stackOf([spf, other], false))).violations).toEqual([]);
    });

    it("reports an include of an invalid record, and of a name with two SPF records", async () => {
      const spf = rec("example.com", "TXT", "v=spf1 include:_spf.example.com -all");
      const bad = rec("_spf.example.com", "TXT", "v=spf1 ip4:192.0.2.300 -all");
      expect((await run(dns, stackOf([spf, bad]))).violations).toEqual([
        `${labelOf(dns, spf)}: the SPF record at example.com (${JSON.stringify(spf.value)}) reaches _spf.example.com (example.com -> _spf.example.com), whose SPF record is invalid (SPF term "ip4:192.0.2.300": "192.0.2.300" is not an IPv4 address), so ${PERM} for example.com too. Fix: correct the record at _spf.example.com; its own finding says how.`,
      ]);
    });

    it("passes a clean chain, and follows a CNAME the stack publishes", async () => {
      const apex = rec(
        "example.com",
        "TXT",
        "v=spf1 mx include:_spf.example.com include:amazonses.com -all",
      );
      const spf = rec("_spf.example.com", "TXT", "v=spf1 ip4:192.0.2.0/24 a:h0.example.com -all");
      const stack = stackOf([apex, spf, rec("example.com", "MX", "h0.example.com"), ...hosts(1)]);
      expect((await run(dns, stack)).violations).toEqual([]);
      const viaCname = stackOf([
        { ...apex, value: "v=spf1 include:spf.example.com -all" },
        rec("spf.example.com", "CNAME", "_spf.example.com"),
        { ...spf, value: "v=spf1 include:example.com -all" },
      ]);
      expect((await run(dns, viaCname)).violations).toEqual([
        loop(
          labelOf(dns, apex),
          "example.com",
          "v=spf1 include:spf.example.com -all",
          "example.com -> spf.example.com -> example.com",
          '"include:example.com"',
          "include:example.com",
          "spf.example.com",
        ),
        loop(
          labelOf(dns, spf),
          "_spf.example.com",
          "v=spf1 include:example.com -all",
          "_spf.example.com -> example.com -> spf.example.com -> example.com",
          '"include:example.com"',
          "include:example.com",
          "spf.example.com",
        ),
      ]);
    });
  });

  describe("two SPF records at one name of a zone the stack does not declare", () => {
    const noZone = (name: string, value: string, resource: string): Resource => ({
      ...cfRecord(name, "TXT", value),
      name: resource,
    });
    const dup = (label: string, names: string, at: string) =>
      `cloudflare:index/dnsRecord:DnsRecord "${label}": 2 resources (${names}) publish SPF records at ${at}. There are 2 SPF records at one name ("v=spf1 -all", "v=spf1 mx -all"); receivers return permerror. Fix: Keep one SPF record at the name. When one of them was live before the stack published its own, adopt the live record instead: import it into the stack with its id (on Cloudflare <zone id>/<record id>; mailguard's CloudflareMailRecords takes the record id as adopt.spf, Route53MailRecords adopt.spf: true), so the merged value replaces it in place; or delete the live record. Otherwise merge them into one record (mergeSpf keeps every term) and delete the others.`;

    it("groups @ with @ in one zone id", async () => {
      const out = await runStack(spfRecordValid, [
        noZone("@", "v=spf1 -all", "apex-1"),
        noZone("@", "v=spf1 mx -all", "apex-2"),
      ]);
      expect(out.violations).toEqual([
        dup("apex-1", '"apex-1", "apex-2"', 'the apex ("@") of zone zone-1'),
      ]);
    });

    it("groups names that differ in case or a trailing dot, but not other zone ids", async () => {
      const a = noZone("Mail.Example.COM.", "v=spf1 -all", "upper");
      const b = noZone("mail.example.com", "v=spf1 mx -all", "lower");
      expect((await runStack(spfRecordValid, [a, b])).violations).toEqual([
        dup("upper", '"upper", "lower"', "mail.example.com"),
      ]);
      const elsewhere = { ...b, props: { ...b.props, zoneId: "zone-2" } };
      expect((await runStack(spfRecordValid, [a, elsewhere])).violations).toEqual([]);
    });

    it("groups Route53 record sets written with a trailing dot and upper case", async () => {
      const a = r53Record("EXAMPLE.com.", "TXT", ["v=spf1 -all"]);
      const b = { ...r53Record("example.com", "TXT", ["v=spf1 mx -all"]), name: "second" };
      expect((await runStack(spfRecordValid, [a, b])).violations).toEqual([
        `aws:route53/record:Record "r53-txt-EXAMPLE.com.": 2 resources ("r53-txt-EXAMPLE.com.", "second") publish SPF records at example.com. There are 2 SPF records at one name ("v=spf1 -all", "v=spf1 mx -all"); receivers return permerror. Fix: Keep one SPF record at the name. When one of them was live before the stack published its own, adopt the live record instead: import it into the stack with its id (on Cloudflare <zone id>/<record id>; mailguard's CloudflareMailRecords takes the record id as adopt.spf, Route53MailRecords adopt.spf: true), so the merged value replaces it in place; or delete the live record. Otherwise merge them into one record (mergeSpf keeps every term) and delete the others.`,
      ]);
    });

    it("groups records of one zone created in the same preview by the zone their id comes from", async () => {
      const zoneUrn = urnOf(CF_ZONE, "zone");
      const pending = (r: Resource, zone = zoneUrn): Resource => ({
        ...r,
        props: { ...r.props, zoneId: UNKNOWN },
        propertyDependencies: { zoneId: [zone] },
      });
      const zone: Resource = {
        type: CF_ZONE,
        name: "zone",
        props: { id: UNKNOWN, name: "example.com" },
      };
      const other: Resource = {
        type: CF_ZONE,
        name: "other",
        props: { id: UNKNOWN, name: "example.org" },
      };
      const a = pending(noZone("@", "v=spf1 -all", "apex-1"));
      const b = pending(noZone("@", "v=spf1 mx -all", "apex-2"));
      expect((await runStack(spfRecordValid, [zone, other, a, b])).violations).toEqual([
        dup("apex-1", '"apex-1", "apex-2"', `the apex ("@") of zone (zone of ${zoneUrn})`),
      ]);
      const c = pending(noZone("@", "v=spf1 mx -all", "apex-2"), urnOf(CF_ZONE, "other"));
      expect((await runStack(spfRecordValid, [zone, other, a, c])).violations).toEqual([]);
    });
  });

  describe("during preview", () => {
    const zone = { type: CF_ZONE, name: "zone", props: { id: "zone-1", name: "example.com" } };
    it("hands an included value unknown yet to the SDK instead of judging without it", async () => {
      const apex = {
        ...cfRecord("example.com", "TXT", "v=spf1 include:_spf.example.com -all"),
        name: "apex",
      };
      const pending = { ...cfRecord("_spf.example.com", "TXT", "x"), name: "pending" };
      pending.props = { ...pending.props, content: UNKNOWN };
      const out = await runStack(spfRecordValid, [zone, apex, pending]);
      expect(out.violations).toEqual([]);
      expect(out.previewNote).toMatch(/\.content can't be known during preview/);
    });

    it("reports a loop of known records while another record's name is unknown, then names that field", async () => {
      const apex = {
        ...cfRecord("example.com", "TXT", "v=spf1 include:example.com a:gone.example.com -all"),
        name: "apex",
      };
      const unnamed = { ...cfRecord("x", "A", "192.0.2.1"), name: "unnamed" };
      unnamed.props = { ...unnamed.props, name: UNKNOWN };
      const out = await runStack(spfRecordValid, [zone, apex, unnamed]);
      expect(out.violations).toEqual([
        selfInclude(
          'cloudflare:index/dnsRecord:DnsRecord "apex"',
          "example.com",
          "v=spf1 include:example.com a:gone.example.com -all",
          "include:example.com",
        ),
      ]);
      expect(out.previewNote).toBeUndefined();
      const voidOnly = {
        ...apex,
        props: {
          ...apex.props,
          content: "v=spf1 a:gone.example.com a:old.example.com a:x.example.com -all",
        },
      };
      const pending = await runStack(spfRecordValid, [zone, voidOnly, unnamed]);
      expect(pending.violations).toEqual([]);
      expect(pending.previewNote).toMatch(/\.name can't be known during preview/);
    });
  });
});

describe("docs/policies.md", () => {
  it("shows the message spf-record-valid gives for its loop example", async () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "policies.md"), "utf8");
    const shown = doc
      .split("\n")
      .filter((l) => l.startsWith('cloudflare:index/dnsRecord:DnsRecord "apex": the SPF record'));
    const stack = stackOf([
      rec("example.com", "TXT", "v=spf1 include:_spf.example.com -all", "apex"),
      rec("_spf.example.com", "TXT", "v=spf1 ip4:192.0.2.0/24 include:example.com -all", "spf"),
    ]);
    const out = await runStack(spfRecordValid, stackResources("cloudflare", stack));
    expect(shown).toEqual([out.violations[0]]);
  });
});
