import { spfRecordAdvice } from "../../policies/rules/spf-record-advice";
import { cfRecord, r53Record } from "../helpers/dns-fixtures";
import { runResource } from "../helpers/policy-support";

describe("spf-record-advice", () => {
  it("passes SES's SPF record", async () => {
    expect(
      (
        await runResource(
          spfRecordAdvice,
          cfRecord("example.com", "TXT", "v=spf1 include:amazonses.com -all"),
        )
      ).violations,
    ).toEqual([]);
  });

  const advised: [string, string, RegExp][] = [
    ["?all", "v=spf1 include:amazonses.com ?all", /"\?all"/],
    ["no terminal all or redirect", "v=spf1 include:amazonses.com", /no terminal all or redirect/],
    ["ptr", "v=spf1 ptr -all", /"ptr"/],
    [
      "lookups near the limit of 10",
      `v=spf1 ${Array.from({ length: 9 }, (_, i) => `include:s${i}.example.net`).join(" ")} -all`,
      /lookup/i,
    ],
  ];
  it.each(advised)("reports %s", async (_label, value, pattern) => {
    const r = r53Record("example.com", "TXT", [value]);
    const out = await runResource(spfRecordAdvice, r);
    expect(out.violations).toEqual([expect.stringMatching(pattern)]);
    expect(out.violations[0]).toContain(`${r.type} "${r.name}": `);
    expect(out.violations[0]).toMatch(/ Fix: /);
  });

  it("leaves +all to spf-record-not-permissive", async () => {
    expect(
      (await runResource(spfRecordAdvice, cfRecord("example.com", "TXT", "v=spf1 +all")))
        .violations,
    ).toEqual([]);
  });
});
