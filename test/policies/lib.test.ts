import * as fc from "fast-check";
import { UNKNOWN } from "../../policies/core/finding";
import {
  dnsRecordOf,
  fieldPath,
  fqdnOf,
  inferZoneApexes,
  mxHostOf,
  mxPriorityOf,
  NameIndex,
  stackRecordsOf,
  zoneNamesOf,
} from "../../policies/lib/dns";
import {
  SES_SEND_ACTIONS,
  judgePolicyDocument,
  wildcardManagedPolicy,
} from "../../policies/lib/iam";
import { plain, plainProps } from "../../policies/lib/props";
import { CF_DNS_RECORD, CF_ZONE, R53_RECORD } from "../helpers/dns-fixtures";
import { propertyRuns } from "../helpers/properties";

const SENTINELS = [
  UNKNOWN,
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
];

describe("plain props", () => {
  it("spells every unknown sentinel of the SDK as the core's UNKNOWN, at any depth", () => {
    for (const s of SENTINELS) {
      expect(plain({ a: [{ b: s }], c: s })).toEqual({ a: [{ b: UNKNOWN }], c: UNKNOWN });
    }
  });

  it("leaves data without sentinels as it was (property)", () => {
    const noSentinel = fc.string().filter((s) => !SENTINELS.includes(s));
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        noSentinel,
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie("value"), { maxLength: 4 }),
        fc.dictionary(noSentinel, tie("value"), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, (v) => expect(plain(v)).toEqual(v)),
      propertyRuns(),
    );
  });

  it("reads properties behind the SDK's proxy without tripping on unknowns", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as {
      unknownCheckingProxy: (x: object) => Record<string, unknown>;
    };
    const proxied = unknownCheckingProxy({ egress: [{ cidrBlocks: [UNKNOWN] }] });
    expect(() => (proxied.egress as { cidrBlocks: unknown[] }[])[0].cidrBlocks[0]).toThrow(
      /can't be known during preview/,
    );
    expect(plainProps(proxied)).toEqual({ egress: [{ cidrBlocks: [UNKNOWN] }] });
  });
});

describe("DNS record adapters", () => {
  it("reads a Cloudflare DnsRecord: joins quoted TXT strings, keeps proxied", () => {
    const v = dnsRecordOf(CF_DNS_RECORD, {
      name: "Example.COM.",
      type: "txt",
      content: '"v=spf1 " "-all"',
      proxied: true,
      zoneId: "z",
    });
    expect(v).toMatchObject({
      provider: "cloudflare",
      name: "example.com",
      type: "TXT",
      values: ["v=spf1 -all"],
      proxied: true,
    });
  });

  it('reads a Route53 record set: each value one record, "" between the strings of one value', () => {
    const v = dnsRecordOf(R53_RECORD, {
      name: "_dmarc.example.com",
      type: "TXT",
      records: ['v=DMARC1; p=re""ject', '"v=spf1" " -all"'],
      zoneId: "Z",
    });
    expect(v?.values).toEqual(["v=DMARC1; p=reject", "v=spf1 -all"]);
  });

  it("names every unknown field, including single Route53 values", () => {
    expect(
      dnsRecordOf(R53_RECORD, { name: UNKNOWN, type: "TXT", records: ["a", UNKNOWN] })
        ?.unknownFields,
    ).toEqual(["name", "records[1]"]);
    expect(
      dnsRecordOf(CF_DNS_RECORD, { name: "x", type: "CNAME", content: UNKNOWN, proxied: UNKNOWN })
        ?.unknownFields,
    ).toEqual(["content", "proxied"]);
  });

  it("ignores resources that are not DNS records", () => {
    expect(dnsRecordOf("aws:s3/bucket:Bucket", { name: "x" })).toBeUndefined();
  });

  it("turns zone-relative names into full names with the stack's zones", () => {
    const zones = zoneNamesOf([{ type: CF_ZONE, props: { id: "z1", name: "example.com" } }]);
    const at = (name: string, zoneId = "z1") =>
      fqdnOf(
        { provider: "cloudflare", name, zoneId, values: [], unknownFields: [], txtProblems: [] },
        zones,
      );
    expect(at("@")).toBe("example.com");
    expect(at("_dmarc")).toBe("_dmarc.example.com");
    expect(at("_dmarc.example.com")).toBe("_dmarc.example.com");
    expect(at("_dmarc", "other")).toBe("_dmarc");
  });

  it("lets a name relative to the one undeclared zone stand at any name it may be short for", () => {
    const record = (fqdn: string, zoneId: string, zoneKnown: boolean) => ({
      item: fqdn,
      view: {
        provider: "cloudflare" as const,
        name: fqdn,
        zoneId,
        values: [],
        unknownFields: [],
        txtProblems: [],
      },
      fqdn,
      zoneKnown,
    });
    const loose = record("_dmarc", "zone-of-alpha", false);
    const full = record("_dmarc.example.org", "z-org", true);
    const index = new NameIndex([loose, full]);
    expect(index.find("_dmarc.example.com")).toEqual({ records: [loose], ambiguous: false });
    expect(index.find("_dmarc.example.org")).toEqual({ records: [full], ambiguous: false });
    expect(new NameIndex([full]).find("_dmarc.example.com")).toBeUndefined();
    expect(new NameIndex([full]).find("_dmarc.sub.example.org")).toBeUndefined();
  });

  it("calls a relative match ambiguous when records sit in several undeclared zones", () => {
    const record = (fqdn: string, zoneId: string) => ({
      item: fqdn,
      view: {
        provider: "cloudflare" as const,
        name: fqdn,
        zoneId,
        values: [],
        unknownFields: [],
        txtProblems: [],
      },
      fqdn,
      zoneKnown: false,
    });
    const loose = record("_dmarc", "zone-of-alpha");
    const other = record("www", "zone-of-beta");
    const index = new NameIndex([loose, other], (r) => r.fqdn?.startsWith("_dmarc") === true);
    expect(index.find("_dmarc.beta.org")).toEqual({ records: [loose], ambiguous: true });
    expect(index.find("www.beta.org")).toBeUndefined();
  });

  it("parses paths and MX hosts", () => {
    expect(fieldPath("inlinePolicies[0].policy")).toEqual(["inlinePolicies", 0, "policy"]);
    expect(fieldPath("records[12]")).toEqual(["records", 12]);
    expect(mxHostOf("10 Feedback-SMTP.us-east-1.amazonses.com.")).toBe(
      "feedback-smtp.us-east-1.amazonses.com",
    );
  });

  it("reads an MX priority from Cloudflare's priority field and from Route53's value", () => {
    const cf = (priority: unknown) =>
      dnsRecordOf(CF_DNS_RECORD, { name: "mail", type: "MX", content: "mx.example.net", priority });
    expect(mxPriorityOf(cf(10)!, "mx.example.net")).toBe(10);
    expect(mxPriorityOf(cf(undefined)!, "mx.example.net")).toBeUndefined();
    expect(cf(UNKNOWN)!.unknownFields).toEqual(["priority"]);
    const r53 = dnsRecordOf(R53_RECORD, {
      name: "mail",
      type: "MX",
      records: ["20 mx.example.net"],
    })!;
    expect(mxPriorityOf(r53, "20 mx.example.net")).toBe(20);
    expect(mxPriorityOf(r53, "mx.example.net")).toBeUndefined();
    expect(mxPriorityOf(r53, "ten mx.example.net")).toBeUndefined();
  });
});

describe("zones the stack does not declare, named by their records", () => {
  const record = (zoneId: string, name: string, type = "TXT") => ({
    type: CF_DNS_RECORD,
    props: { zoneId, name, type, content: "x", ttl: 1 },
  });
  const apexes = (names: string[], domains: string[]) =>
    inferZoneApexes(stackRecordsOf(names.map((n) => record("z", n))), domains).get("z");

  it.each([
    [
      "a full name under an identity's domain",
      ["_dmarc", "mail.t1.example.com"],
      ["t1.example.com"],
      ["t1.example.com"],
    ],
    [
      "the deepest identity domain the names sit under",
      ["a.b.example.com"],
      ["example.com", "b.example.com"],
      ["b.example.com"],
    ],
    [
      "every suffix down to the registrable domain, without an identity",
      ["mail.x.example.com"],
      [],
      ["mail.x.example.com", "x.example.com", "example.com"],
    ],
    [
      "the suffix full names share",
      ["mail.a.example.co.uk", "b.example.co.uk"],
      ["example.co.uk"],
      ["example.co.uk"],
    ],
    [
      "the registrable domain alone, when that is all names share",
      ["mail.a.example.com", "b.example.com"],
      [],
      ["example.com"],
    ],
  ])("takes %s", (_what, names, domains, expected) => {
    expect(apexes(names, domains)).toEqual(expected);
  });

  it.each([
    ["only relative names", ["_dmarc", "mail"]],
    ["full names under different registrable domains", ["mail.example.com", "mail.example.org"]],
  ])("tells nothing from %s", (_what, names) => {
    expect(apexes(names, ["example.com"])).toBeUndefined();
  });

  it("places relative names at full names, one for certain or several as possible", () => {
    const [certain] = stackRecordsOf(
      [record("z", "_dmarc"), record("z", "mail.t1.example.com")],
      ["t1.example.com"],
    );
    expect(certain).toMatchObject({
      fqdn: "_dmarc.t1.example.com",
      zoneApexes: ["t1.example.com"],
    });
    const [several] = stackRecordsOf(
      [record("z", "_dmarc"), record("z", "mail.x.example.com")],
      [],
    );
    expect(several.possibleNames).toEqual([
      "_dmarc.mail.x.example.com",
      "_dmarc.x.example.com",
      "_dmarc.example.com",
    ]);
    const index = new NameIndex(
      stackRecordsOf([record("z", "_dmarc"), record("z", "mail.x.example.com")], []),
    );
    expect(index.find("_dmarc.example.com")).toEqual({ records: [several], ambiguous: true });
    expect(index.find("_dmarc.y.example.com")).toBeUndefined();
  });

  it("finds a handful of records per name and counts them all", () => {
    const records = stackRecordsOf(
      Array.from({ length: 30 }, (_, k) => record(`zone-${k}`, "_dmarc")),
      [],
    );
    const match = new NameIndex(records).findFirst(
      ["_dmarc.a.example.com", "_dmarc.example.com"],
      5,
    );
    expect(match?.records.map((r) => r.view.zoneId)).toEqual([
      "zone-0",
      "zone-1",
      "zone-2",
      "zone-3",
      "zone-4",
    ]);
    expect(match?.total).toBe(30);
    expect(match?.ambiguous).toBe(true);
  });
});

describe("IAM documents", () => {
  const grant = (
    Action: unknown,
    Resource: unknown = "arn:aws:ses:us-east-1:1:identity/example.com",
  ) =>
    judgePolicyDocument({ Statement: { Effect: "Allow", Action, Resource } }, [
      "ses:SendRawEmail",
      "ses:SendEmail",
    ]);

  it("finds any wildcard that covers a send action, whatever its case (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SES_SEND_ACTIONS),
        fc.nat(),
        fc.boolean(),
        (action, cut, upper) => {
          const prefix = action.slice(0, 4 + (cut % (action.length - 3)));
          const pattern = `${upper ? prefix.toUpperCase() : prefix}*`;
          const j = grant(pattern);
          expect(j.problems.map((p) => p.problem)).toContain(
            `grants SES send actions through the wildcard action "${pattern}"`,
          );
        },
      ),
      propertyRuns(),
    );
  });

  it("leaves statements that grant no send action alone", () => {
    for (const a of ["ses:GetSendQuota", "s3:*", "ses:List*", ["sns:Publish", "kms:Decrypt"]]) {
      expect(grant(a, "*").problems).toEqual([]);
    }
  });

  it("names the unknown field it could not judge", () => {
    expect(grant("ses:SendRawEmail", UNKNOWN)).toEqual({
      problems: [],
      unknownField: "Statement.Resource",
    });
    expect(grant(UNKNOWN).unknownField).toBe("Statement.Action");
  });

  it("knows the AWS managed policies that grant send through wildcards", () => {
    expect(wildcardManagedPolicy("arn:aws:iam::aws:policy/AmazonSESFullAccess")).toEqual({
      name: "AmazonSESFullAccess",
      grant: "ses:*",
    });
    expect(wildcardManagedPolicy("arn:aws-us-gov:iam::aws:policy/AdministratorAccess")?.grant).toBe(
      "*",
    );
    expect(
      wildcardManagedPolicy("arn:aws:iam::123456789012:policy/AmazonSESFullAccess"),
    ).toBeUndefined();
    expect(wildcardManagedPolicy("arn:aws:iam::aws:policy/ReadOnlyAccess")).toBeUndefined();
  });
});
