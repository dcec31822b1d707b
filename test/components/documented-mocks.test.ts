/**
 * Users unit-test their own infrastructure with the minimal mocks Pulumi's guide shows, which
 * return no DKIM tokens, keys, region, account or partition. A program using every component
 * must build under them without an error or an unhandled rejection, with visible placeholders
 * where a real provider's values would be (test/components/fixtures/documented-mocks.ts).
 */
import { execFile } from "child_process";
import * as path from "path";
import { isPlaceholder } from "../../components/common";

const ROOT = path.resolve(__dirname, "../..");
const PROGRAM = path.join(__dirname, "fixtures", "documented-mocks.ts");

interface Report {
  errors: string[];
  values: Record<string, unknown>;
}

let report: Report;
beforeAll(async () => {
  const stdout = await new Promise<string>((done, fail) =>
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", PROGRAM],
      { cwd: ROOT },
      (error, out) => (error ? fail(new Error(error.message, { cause: error })) : done(out)),
    ),
  );
  report = JSON.parse(stdout) as Report;
}, 120_000);

const DKIM_NAMES = [0, 1, 2].map((i) => `<dkim-token-${i}>._domainkey.example.com`);

describe("under the mocks Pulumi's unit-testing guide shows", () => {
  it("builds every component with no unhandled rejection or uncaught exception", () => {
    expect(report.errors).toEqual([]);
    expect(Object.keys(report.values)).toEqual([
      "app.egressRuleIds",
      "byodkim.dnsRecords",
      "dns.records",
      "easy.dkimSelectors",
      "easy.dnsRecords",
      "easy.region",
      "mail.records",
      "mail.smtp",
      "private.host",
      "private.serviceName",
      "r53.records",
      "r53.zoneId",
      "regional.dnsRecords",
      "signed.records",
      "signed.smtp",
      "smtp.bundle",
      "viaendpoint.bundle",
    ]);
  });

  it("puts <dkim-token-N> where SES's Easy DKIM tokens belong, and names no DKIM domain for an unreported region", () => {
    expect(report.values["easy.dkimSelectors"]).toEqual([
      "<dkim-token-0>",
      "<dkim-token-1>",
      "<dkim-token-2>",
    ]);
    expect(report.values["easy.region"]).toBe("<aws-region>");
    expect(report.values["easy.dnsRecords"]).toEqual([
      ["CNAME", DKIM_NAMES[0], "<dkim-token-0>.<ses-dkim-domain>"],
      ["CNAME", DKIM_NAMES[1], "<dkim-token-1>.<ses-dkim-domain>"],
      ["CNAME", DKIM_NAMES[2], "<dkim-token-2>.<ses-dkim-domain>"],
      ["MX", "mail.example.com", "feedback-smtp.<aws-region>.amazonses.com"],
      ["TXT", "mail.example.com", "v=spf1 include:amazonses.com -all"],
    ]);
  });

  it("keeps the facts of an explicit region: the DKIM domain and feedback host of eu-west-1", () => {
    expect(report.values["regional.dnsRecords"]).toEqual([
      ["CNAME", "<dkim-token-0>._domainkey.example.org", "<dkim-token-0>.dkim.amazonses.com"],
      ["CNAME", "<dkim-token-1>._domainkey.example.org", "<dkim-token-1>.dkim.amazonses.com"],
      ["CNAME", "<dkim-token-2>._domainkey.example.org", "<dkim-token-2>.dkim.amazonses.com"],
      ["MX", "mail.example.org", "feedback-smtp.eu-west-1.amazonses.com"],
      ["TXT", "mail.example.org", "v=spf1 include:amazonses.com -all"],
    ]);
  });

  it("publishes a BYODKIM key record with <dkim-public-key> when the TLS key has no public key", () => {
    expect(report.values["byodkim.dnsRecords"]).toEqual([
      ["TXT", "mailguard._domainkey.example.net", "v=DKIM1; k=rsa; p=<dkim-public-key>"],
      ["MX", "mail.example.net", "feedback-smtp.eu-west-1.amazonses.com"],
      ["TXT", "mail.example.net", "v=spf1 include:amazonses.com -all"],
    ]);
    const signed = report.values["signed.records"] as { name: string; content: string }[];
    expect(signed[0]).toMatchObject({
      name: "s1._domainkey.example.net",
      content: '"v=DKIM1; k=rsa; p=<dkim-public-key>"',
    });
  });

  it("hands out an SMTP bundle whose unreported region and password are placeholders", () => {
    const expected = {
      host: "email-smtp.<aws-region>.amazonaws.com",
      port: 587,
      startTls: true,
      implicitTlsPort: 465,
      username: "undefined_id",
      password: "<ses-smtp-password>",
      region: "<aws-region>",
      credentialsVersion: 1,
    };
    expect(report.values["smtp.bundle"]).toEqual(expected);
    expect(report.values["mail.smtp"]).toEqual(expected);
    // A region given explicitly is the region's real SMTP host; the password still has no key.
    expect(report.values["signed.smtp"]).toEqual({
      ...expected,
      host: "email-smtp.us-east-1.amazonaws.com",
      region: "us-east-1",
    });
  });

  it("builds the SES SMTP endpoint around the unreported region, and its bundle names the endpoint", () => {
    expect(report.values["private.host"]).toBe("email-smtp.<aws-region>.amazonaws.com");
    expect(report.values["private.serviceName"]).toBe("com.amazonaws.<aws-region>.email-smtp");
    expect(report.values["viaendpoint.bundle"]).toEqual({
      host: "email-smtp.<aws-region>.amazonaws.com",
      port: 587,
      startTls: true,
      implicitTlsPort: 465,
      username: "undefined_id",
      password: "<ses-smtp-password>",
      region: "<aws-region>",
      credentialsVersion: 1,
      vpcEndpointId: "undefined_id",
    });
  });

  it("publishes every Cloudflare record, the apex SPF given as a string as it is", () => {
    const records = report.values["dns.records"] as { type: string; name: string }[];
    expect(records.map((r) => [r.type, r.name])).toEqual([
      ["CNAME", "<dkim-token-0>._domainkey.example.org"],
      ["CNAME", "<dkim-token-1>._domainkey.example.org"],
      ["CNAME", "<dkim-token-2>._domainkey.example.org"],
      ["MX", "mail.example.org"],
      ["TXT", "mail.example.org"],
      ["TXT", "_dmarc.example.org"],
      ["TXT", "example.org"],
    ]);
    expect(records[6]).toMatchObject({ content: '"v=spf1 include:_spf.google.com ~all"' });
    expect((report.values["mail.records"] as unknown[]).length).toBe(6);
    expect(report.values["app.egressRuleIds"]).toHaveLength(8);
  });

  it("puts <route53-zone-id> where the looked-up hosted zone's id belongs, and publishes every record set", () => {
    expect(report.values["r53.zoneId"]).toBe("<route53-zone-id>");
    const records = report.values["r53.records"] as { type: string; name: string }[];
    expect(records.map((r) => [r.type, r.name])).toEqual([
      ["CNAME", "<dkim-token-0>._domainkey.example.org"],
      ["CNAME", "<dkim-token-1>._domainkey.example.org"],
      ["CNAME", "<dkim-token-2>._domainkey.example.org"],
      ["MX", "mail.example.org"],
      ["TXT", "mail.example.org"],
      ["TXT", "_dmarc.example.org"],
    ]);
  });

  it("makes placeholders that cannot be mistaken for values: <lower-case-name>", () => {
    for (const p of [
      "<dkim-token-0>",
      "<aws-region>",
      "<ses-dkim-domain>",
      "<ses-smtp-password>",
      "<route53-zone-id>",
    ])
      expect(isPlaceholder(p)).toBe(true);
    for (const v of ["eu-west-1", "dkim.amazonses.com", "<script>x", "<Region>"])
      expect(isPlaceholder(v)).toBe(false);
  });
});
