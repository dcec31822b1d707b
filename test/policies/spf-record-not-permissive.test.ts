import { spfRecordNotPermissive } from "../../policies/rules/spf-record-not-permissive";
import { cfRecord, txtShapes } from "../helpers/dns-fixtures";
import { runResource } from "../helpers/policy-support";

describe("spf-record-not-permissive", () => {
  it("passes SES's SPF record and a record with narrow ranges", async () => {
    for (const value of [
      "v=spf1 include:amazonses.com -all",
      "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all",
    ]) {
      for (const r of txtShapes("example.com", value)) {
        expect((await runResource(spfRecordNotPermissive, r)).violations).toEqual([]);
      }
    }
  });

  const violating: [string, string, RegExp[]][] = [
    ["+all", "v=spf1 include:amazonses.com +all", [/"\+all" authorizes every host/]],
    ["a bare all", "v=spf1 all", [/"all" authorizes every host/]],
    [
      "each /1 half of the IPv4 internet, as a prefix shorter than /8",
      "v=spf1 ip4:0.0.0.0/1 ip4:128.0.0.0/1 -all",
      [
        /"ip4:0\.0\.0\.0\/1" authorizes an IPv4 \/1 range/,
        /"ip4:128\.0\.0\.0\/1" authorizes an IPv4 \/1 range/,
      ],
    ],
    ["an IPv6 prefix shorter than /16", "v=spf1 ip6:2000::/3 -all", [/"ip6:2000::\/3"/]],
    ["a/0", "v=spf1 a/0 -all", [/"a\/0"/]],
  ];
  it.each(violating)("reports %s", async (_label, value, patterns) => {
    for (const r of txtShapes("example.com", value)) {
      const out = await runResource(spfRecordNotPermissive, r);
      expect(out.violations).toEqual(patterns.map((p) => expect.stringMatching(p)));
      for (const v of out.violations) {
        expect(v).toContain(`${r.type} "${r.name}": `);
        expect(v).toMatch(/ Fix: /);
      }
    }
  });

  it("judges each range on its own: a /8 passes even next to another /8", async () => {
    const r = cfRecord("example.com", "TXT", "v=spf1 ip4:10.0.0.0/8 ip4:11.0.0.0/8 -all");
    expect((await runResource(spfRecordNotPermissive, r)).violations).toEqual([]);
  });

  it("leaves advice (?all, ptr) to spf-record-advice", async () => {
    expect(
      (await runResource(spfRecordNotPermissive, cfRecord("example.com", "TXT", "v=spf1 ptr ?all")))
        .violations,
    ).toEqual([]);
  });
});
