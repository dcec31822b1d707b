import { dkimRecordAdvice } from "../../policies/rules/dkim-record-advice";
import { DkimKeyCase, dkimVectors } from "../helpers/vectors";
import { cfRecord, cfTxtWithUnknownName, r53Record } from "../helpers/dns-fixtures";
import { runResource } from "../helpers/policy-support";

const keys = dkimVectors().key_records;
const key2048 = keys.find((k) => k.valid && /^2048-bit RSA$/.test(k.reason)) as DkimKeyCase;
const key1024 = keys.find((k) => k.valid && /^1024-bit RSA: allowed/.test(k.reason)) as DkimKeyCase;
const P = key2048.record.split("p=")[1];
const CF = "cloudflare:index/dnsRecord:DnsRecord";

describe("dkim-record-advice", () => {
  const advised: [string, string, string][] = [
    [
      "a key type in upper case",
      `v=DKIM1; k=RSA; p=${P}`,
      "The key type is written k=RSA; DKIM tag values are case-sensitive (RFC 6376 3.2), so verifiers that follow the RFC (dkimpy among them) do not recognize it as rsa and fail every signature with this key, while others accept it. Fix: Write k=rsa in lower case.",
    ],
    [
      "testing mode",
      `v=DKIM1; t=y; p=${P}`,
      "The record has t=y: the domain is testing DKIM and verifiers may treat failures as unsigned mail. Fix: Remove the y flag from t= once signing works.",
    ],
    [
      "a tag name in upper case",
      `v=DKIM1; K=rsa; p=${P}`,
      'The tag "K" is ignored: DKIM tag names are case-sensitive, so it is not k=. Fix: Write it as k=.',
    ],
  ];
  it.each(advised)("reports %s at a key name", async (_what, value, text) => {
    const out = await runResource(dkimRecordAdvice, cfRecord("s1._domainkey", "TXT", value));
    expect(out.violations).toEqual([`${CF} "cf-txt-s1._domainkey": ${text}`]);
  });

  it.each([
    ["a sound key", key2048.record],
    ["a 1024-bit key (dkim-key-strength reports it)", key1024.record],
    ["a revoked key (how a selector is retired)", "v=DKIM1; k=rsa; p="],
  ])("leaves alone %s", async (_what, value) => {
    const out = await runResource(
      dkimRecordAdvice,
      r53Record("s1._domainkey.example.com", "TXT", [value]),
    );
    expect(out.violations).toEqual([]);
  });

  it("judges only key names", async () => {
    const out = await runResource(
      dkimRecordAdvice,
      cfRecord("example.com", "TXT", `v=DKIM1; k=RSA; p=${P}`),
    );
    expect(out).toEqual({ violations: [], urns: [] });
  });

  it("hands a record whose name is unknown during preview to the SDK when its value has advice", async () => {
    const out = await runResource(dkimRecordAdvice, cfTxtWithUnknownName(`v=DKIM1; k=RSA; p=${P}`));
    expect(out.violations).toEqual([]);
    expect(out.previewNote).toMatch(/\.name can't be known during preview/);
    expect(await runResource(dkimRecordAdvice, cfTxtWithUnknownName(key2048.record))).toEqual({
      violations: [],
      urns: [],
    });
  });
});
