import * as fs from "fs";
import * as path from "path";
import {
  dkimFromRecords,
  expectationsFor,
  readStackOutputs,
  UsageError,
} from "../../../cli/verify/expectations";

const FIXTURE = path.join(__dirname, "fixtures", "stack-outputs.json");
const outputs = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as Record<string, unknown>;
const TOKENS = [
  "lbddcgxnu60ck3hh42ppuorvlu42sphd",
  "lo8dwkwejrh70bu46fen2g8d9mkc392b",
  "eiubap4h7v38r1cj21lac90ph6o0tvry",
];

describe("the stack outputs fixture", () => {
  it("has exactly the outputs the example program exports (index.ts), except the optional security group", () => {
    const program = fs.readFileSync(path.join(__dirname, "..", "..", "..", "index.ts"), "utf8");
    const exported = [...program.matchAll(/^export const (\w+)/gm)].map((m) => m[1]);
    expect(exported).toContain("securityGroupId");
    expect(Object.keys(outputs).sort()).toEqual(
      exported.filter((n) => n !== "securityGroupId").sort(),
    );
  });
});

describe("readStackOutputs", () => {
  it("reads the example program's outputs: bundle, records, identity, region, configuration set, secret", () => {
    const facts = readStackOutputs(outputs);
    expect(facts.bundle).toEqual({
      host: "email-smtp.eu-west-1.amazonaws.com",
      port: 587,
      implicitTlsPort: 465,
      username: "AKIAIOSFODNN7EXAMPLE",
      password: "BFixturePasswordForTheTestServer0000000000",
      region: "eu-west-1",
    });
    expect(facts.records.map((r) => `${r.type} ${r.name}`)).toEqual([
      `CNAME ${TOKENS[0]}._domainkey.example.com`,
      `CNAME ${TOKENS[1]}._domainkey.example.com`,
      `CNAME ${TOKENS[2]}._domainkey.example.com`,
      "MX mail.example.com",
      "TXT mail.example.com",
      "TXT _dmarc.example.com",
      "TXT example.com",
    ]);
    expect(facts.records[3].priority).toBe(10);
    expect(facts.identityDomain).toBe("example.com");
    expect(facts.region).toBe("eu-west-1");
    expect(facts.configurationSet).toBe("mail-ses-example-com");
    expect(facts.secretArn).toBe(
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mail-smtp-example-com-AbCdEf",
    );
    expect(facts.hiddenSecrets).toEqual([]);
  });

  it("finds the bundle and the records by shape when a program names its outputs differently", () => {
    const facts = readStackOutputs({
      mailRelay: {
        host: "email-smtp.us-east-1.amazonaws.com",
        port: "587",
        username: "AKIA1",
        password: "pw",
      },
      published: [
        { name: "mail.example.org", type: "mx", content: "feedback-smtp.us-east-1.amazonses.com" },
      ],
      identity: "arn:aws:ses:us-east-1:123456789012:identity/example.org",
    });
    expect(facts.bundle?.host).toBe("email-smtp.us-east-1.amazonaws.com");
    expect(facts.bundle?.port).toBe(587);
    expect(facts.records).toEqual([
      {
        name: "mail.example.org",
        type: "MX",
        content: "feedback-smtp.us-east-1.amazonses.com",
        priority: undefined,
        proxied: undefined,
      },
    ]);
    expect(facts.identityDomain).toBe("example.org");
    expect(facts.region).toBe("us-east-1");
  });

  it("notes secrets printed as [secret] and does not take them for a password", () => {
    const facts = readStackOutputs({
      ...outputs,
      smtp: { ...(outputs.smtp as object), password: "[secret]" },
    });
    expect(facts.bundle?.password).toBeUndefined();
    expect(facts.hiddenSecrets).toEqual(["smtp.password"]);
    expect(readStackOutputs({ smtp: "[secret]" }).hiddenSecrets).toEqual(["smtp"]);
  });

  it("refuses a document that is not an object", () => {
    expect(() => readStackOutputs([1, 2])).toThrow("the stack outputs are not a JSON object");
  });
});

describe("dkimFromRecords", () => {
  it("takes the Easy DKIM tokens from the CNAME names", () => {
    expect(dkimFromRecords("example.com", readStackOutputs(outputs).records)).toEqual({
      kind: "easy",
      tokens: TOKENS,
      source: "the stack's DKIM CNAMEs",
    });
  });

  it("takes a BYODKIM selector and key from a TXT key record", () => {
    expect(
      dkimFromRecords("example.com", [
        {
          name: "mailguard._domainkey.example.com",
          type: "TXT",
          content: '"v=DKIM1; k=rsa; " "p=MIIB"',
        },
      ]),
    ).toEqual({
      kind: "byodkim",
      selector: "mailguard",
      content: "v=DKIM1; k=rsa; p=MIIB",
      source: "the stack's DKIM key record",
    });
  });

  it("knows no selector without DKIM records", () => {
    expect(dkimFromRecords("example.com", [])).toEqual({ kind: "unknown" });
  });
});

describe("expectationsFor", () => {
  it("expects mailguard's defaults from the domain and region alone", () => {
    const e = expectationsFor("example.com", "eu-west-1");
    expect(e.source).toBe("domain and region");
    expect(e.dkimDomain).toBe("dkim.amazonses.com");
    expect(e.feedbackHost).toBe("feedback-smtp.eu-west-1.amazonses.com");
    expect(e.mailFromDomain).toBe("mail.example.com");
    expect(e.dkim).toEqual({ kind: "unknown" });
  });

  it("uses a region's own DKIM domain where the table has one", () => {
    expect(expectationsFor("example.com", "eu-south-1").dkimDomain).toBe(
      "dkim.eu-south-1.amazonses.com",
    );
  });

  it("takes the MAIL FROM domain from the stack's MX record", () => {
    const e = expectationsFor("example.com", "eu-west-1", {
      records: [
        {
          name: "bounce.example.com",
          type: "MX",
          content: "feedback-smtp.eu-west-1.amazonses.com",
        },
      ],
      reportAuthorizations: [],
      hiddenSecrets: [],
    });
    expect(e.mailFromDomain).toBe("bounce.example.com");
    expect(e.source).toBe("stack outputs");
  });

  it("prefers what SES says: its tokens, its SigningHostedZone and its MAIL FROM domain", () => {
    const e = expectationsFor("example.com", "eu-west-1", readStackOutputs(outputs), {
      tokens: ["a".repeat(32), "b".repeat(32), "c".repeat(32)],
      signingHostedZone: "dkim.eu-west-1.amazonses.com",
      mailFromDomain: "bounces.example.com",
      configurationSetName: "other-set",
    });
    expect(e.dkim).toEqual({
      kind: "easy",
      tokens: ["a".repeat(32), "b".repeat(32), "c".repeat(32)],
      source: "SES (GetEmailIdentity)",
    });
    expect(e.dkimDomain).toBe("dkim.eu-west-1.amazonses.com");
    expect(e.tableDkimDomain).toBe("dkim.amazonses.com");
    expect(e.mailFromDomain).toBe("bounces.example.com");
    expect(e.configurationSet).toBe("other-set");
  });

  it("refuses a region SES does not have, naming the nearest ones", () => {
    expect(() => expectationsFor("example.com", "eu-west-9")).toThrow(UsageError);
    expect(() => expectationsFor("example.com", "eu-west-9")).toThrow(
      /eu-west-1, eu-west-2, eu-west-3/,
    );
  });
});
