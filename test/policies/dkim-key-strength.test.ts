import { dkimKeyStrength } from "../../policies/rules/dkim-key-strength";
import { loadJson } from "../helpers/vectors";
import { cfRecord, r53Record, cfTxtWithUnknownName } from "../helpers/dns-fixtures";
import { runResource } from "../helpers/policy-support";

interface KeyCase {
  record: string;
  valid: boolean;
  reason: string;
}
const keys = loadJson<{ key_records: KeyCase[] }>("dkim-cases.json").key_records;
const key2048 = keys.find((k) => k.valid && /^2048-bit RSA$/.test(k.reason)) as KeyCase;
const key1024 = keys.find((k) => k.valid && /^1024-bit RSA: allowed/.test(k.reason)) as KeyCase;
const key4096 = keys.find((k) => /^4096-bit/.test(k.reason)) as KeyCase;
const EMAIL_IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity";

describe("dkim-key-strength", () => {
  it("passes 2048- and 4096-bit RSA keys", async () => {
    for (const k of [key2048, key4096]) {
      expect(
        (await runResource(dkimKeyStrength, cfRecord("s1._domainkey", "TXT", k.record))).violations,
      ).toEqual([]);
    }
  });

  it("reports a 1024-bit RSA key record", async () => {
    const r = r53Record("s1._domainkey.example.com", "TXT", [key1024.record]);
    const out = await runResource(dkimKeyStrength, r);
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(
      /RSA 1024 bits, shorter than 2048\. Fix: publish a 2048-bit RSA key/,
    );
    expect(out.violations[0]).toContain(`${r.type} "${r.name}"`);
  });

  it("reports a 2048-bit key when configured to ask for 4096", async () => {
    const out = await runResource(
      dkimKeyStrength,
      cfRecord("s1._domainkey", "TXT", key2048.record),
      { minimumRsaBits: 4096 },
    );
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(/RSA 2048 bits, shorter than 4096/);
  });

  it("reports an SES identity whose next signing key is RSA_1024_BIT and passes RSA_2048_BIT", async () => {
    const weak = {
      type: EMAIL_IDENTITY,
      name: "id",
      props: {
        emailIdentity: "example.com",
        dkimSigningAttributes: { nextSigningKeyLength: "RSA_1024_BIT" },
      },
    };
    const strong = {
      ...weak,
      props: {
        emailIdentity: "example.com",
        dkimSigningAttributes: { nextSigningKeyLength: "RSA_2048_BIT" },
      },
    };
    const out = await runResource(dkimKeyStrength, weak);
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(
      /nextSigningKeyLength is RSA_1024_BIT.*Fix: set it to RSA_2048_BIT/,
    );
    expect((await runResource(dkimKeyStrength, strong)).violations).toEqual([]);
  });

  it("hands a record whose name is unknown during preview to the SDK when its value is a weak key", async () => {
    const at = cfTxtWithUnknownName;
    const out = await runResource(dkimKeyStrength, at(key1024.record));
    expect(out.violations).toEqual([]);
    expect(out.previewNote).toMatch(/\.name can't be known during preview/);
    const other = await runResource(dkimKeyStrength, at("google-site-verification=abc"));
    expect(other).toEqual({ violations: [], urns: [] });
  });
});
