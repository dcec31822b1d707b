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

  const violating: [string, string, RegExp][] = [
    ["+all", "v=spf1 include:amazonses.com +all", /"\+all" authorizes every host/],
    ["a bare all", "v=spf1 all", /"all" authorizes every host/],
    [
      "two /1 halves of the IPv4 internet",
      "v=spf1 ip4:0.0.0.0/1 ip4:128.0.0.0/1 -all",
      /ip4:0\.0\.0\.0\/1/,
    ],
    ["a/0", "v=spf1 a/0 -all", /"a\/0"/],
  ];
  it.each(violating)("reports %s", async (_label, value, pattern) => {
    const r = cfRecord("example.com", "TXT", value);
    const out = await runResource(spfRecordNotPermissive, r);
    expect(out.violations.length).toBeGreaterThan(0);
    expect(out.violations[0]).toContain(`${r.type} "${r.name}"`);
    expect(out.violations[0]).toMatch(pattern);
    expect(out.violations[0]).toMatch(/ Fix: /);
  });

  it("leaves advice (?all, ptr) to spf-record-advice", async () => {
    expect(
      (await runResource(spfRecordNotPermissive, cfRecord("example.com", "TXT", "v=spf1 ptr ?all")))
        .violations,
    ).toEqual([]);
  });
});
