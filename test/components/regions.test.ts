/**
 * MailDomain region by region: the MAIL FROM MX, the Easy DKIM targets, the SMTP host and the ARNs
 * it registers, against values written down from AWS's pages (AWS General Reference, "Amazon
 * Simple Email Service endpoints and quotas": SMTP endpoints and DKIM domains; SES Developer
 * Guide, feedback endpoints for custom MAIL FROM), never computed from the region table.
 */
import { MailDomain, MailDomainArgs } from "../../components/mailDomain";
import { execFile } from "child_process";
import * as path from "path";
import { dkimTokensFor } from "../../testing/simulator";
import {
  expectRefusal,
  ProviderSimulator,
  resolve,
  settle,
  simulate,
  valueOf,
} from "../helpers/mocks";

const ROOT = path.resolve(__dirname, "../..");
const PROGRAM = path.join(__dirname, "fixtures", "provider-region.ts");

let sim: ProviderSimulator;
beforeAll(async () => {
  sim = await simulate({ region: "us-east-1" });
});
beforeEach(() => sim.reset());

const ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
const BASE: MailDomainArgs = { domain: "example.com", cloudflareZoneId: ZONE };

async function build(name: string, args: MailDomainArgs) {
  const mail = new MailDomain(name, args);
  await valueOf(mail.urn);
  await settle(sim);
  return mail;
}

// region, partition, MAIL FROM MX host, DKIM domain, SMTP host: as AWS publishes them.
const PUBLISHED: [string, string, string, string, string][] = [
  [
    "eu-west-1",
    "aws",
    "feedback-smtp.eu-west-1.amazonses.com",
    "dkim.amazonses.com",
    "email-smtp.eu-west-1.amazonaws.com",
  ],
  [
    "us-east-1",
    "aws",
    "feedback-smtp.us-east-1.amazonses.com",
    "dkim.amazonses.com",
    "email-smtp.us-east-1.amazonaws.com",
  ],
  [
    "sa-east-1",
    "aws",
    "feedback-smtp.sa-east-1.amazonses.com",
    "dkim.amazonses.com",
    "email-smtp.sa-east-1.amazonaws.com",
  ],
  [
    "me-central-1",
    "aws",
    "feedback-smtp.me-central-1.amazonses.com",
    "dkim.me-central-1.amazonses.com",
    "email-smtp.me-central-1.amazonaws.com",
  ],
  [
    "ap-southeast-3",
    "aws",
    "feedback-smtp.ap-southeast-3.amazonses.com",
    "dkim.ap-southeast-3.amazonses.com",
    "email-smtp.ap-southeast-3.amazonaws.com",
  ],
  [
    "eu-central-2",
    "aws",
    "feedback-smtp.eu-central-2.amazonses.com",
    "dkim.eu-central-2.amazonses.com",
    "email-smtp.eu-central-2.amazonaws.com",
  ],
  [
    "us-gov-east-1",
    "aws-us-gov",
    "feedback-smtp.us-gov-east-1.amazonses.com",
    "dkim.us-gov-east-1.amazonses.com",
    "email-smtp.us-gov-east-1.amazonaws.com",
  ],
];

describe("MailDomain registers the records AWS publishes for its region", () => {
  it.each(PUBLISHED)(
    "in %s (%s): MX to the feedback host, DKIM under the region's DKIM domain",
    async (region, partition, feedback, dkimDomain, smtpHost) => {
      const mail = await build("mail", { ...BASE, region });
      const [t0, t1, t2] = dkimTokensFor("example.com");
      const records = (await valueOf(mail.records)).map((r) => [r.type, r.name, r.content]);
      expect(records.slice(0, 4)).toEqual([
        ["CNAME", `${t0}._domainkey.example.com`, `${t0}.${dkimDomain}`],
        ["CNAME", `${t1}._domainkey.example.com`, `${t1}.${dkimDomain}`],
        ["CNAME", `${t2}._domainkey.example.com`, `${t2}.${dkimDomain}`],
        ["MX", "mail.example.com", feedback],
      ]);
      const smtp = (await resolve(mail.smtp)).value!;
      expect([smtp.host, smtp.region]).toEqual([smtpHost, region]);
      expect(await valueOf(mail.identityArn)).toBe(
        `arn:${partition}:ses:${region}:123456789012:identity/example.com`,
      );
      const policy = JSON.parse(
        sim.ofType("aws:iam/userPolicy:UserPolicy")[0].inputs.policy as string,
      );
      expect(policy.Statement[0].Resource).toEqual([
        `arn:${partition}:ses:${region}:123456789012:identity/example.com`,
        `arn:${partition}:ses:${region}:123456789012:configuration-set/example-com-mailguard`,
      ]);
    },
  );

  it("takes the provider's region when none is given: me-central-1 DKIM under dkim.me-central-1.amazonses.com", async () => {
    const other = await simulate({ region: "me-central-1" });
    try {
      const mail = new MailDomain("mail", BASE);
      await valueOf(mail.urn);
      await settle(other);
      const records = await valueOf(mail.records);
      expect(records[0].content).toMatch(/^[a-z0-9]{32}\.dkim\.me-central-1\.amazonses\.com$/);
      expect(records[3].content).toBe("feedback-smtp.me-central-1.amazonses.com");
    } finally {
      sim = await simulate({ region: "us-east-1" });
    }
  });

  it("fails the deployment with the up-front message when the provider's region has no SES", async () => {
    // Run as a deployment runs, in a process of its own: the errors it ends with, one per line.
    const run = (region: string) =>
      new Promise<string>((done, fail) =>
        execFile(
          process.execPath,
          ["-r", "ts-node/register/transpile-only", PROGRAM, region],
          { cwd: ROOT },
          (error, stdout) =>
            error && error.code !== 1
              ? fail(new Error(error.message, { cause: error }))
              : done(stdout),
        ),
      );
    const [bad, good] = await Promise.all([run("eu-west-9"), run("eu-west-1")]);
    const refusal =
      'invalid region "eu-west-9": SES does not run in eu-west-9, as far as mailguard\'s region table (AWS General Reference, Amazon SES endpoints and quotas) knows. Fix: Use an SES region such as eu-west-1, eu-west-2, eu-west-3; for a region AWS opened after this table, set newRegion: true and give dkimDomain.';
    expect(bad).toContain(`SesSender "mail-ses": ${refusal}`);
    expect(bad).toContain(`SmtpCredentials "mail-smtp": ${refusal}`);
    expect(good.trim()).toBe("");
  }, 60_000);

  it("hands out the FIPS SMTP host where SES has one", async () => {
    const mail = await build("mail", { ...BASE, region: "us-west-2", fips: true });
    expect((await resolve(mail.smtp)).value!.host).toBe("email-smtp-fips.us-west-2.amazonaws.com");
  });

  it("lets a region newer than the table through with newRegion and its DKIM domain", async () => {
    const mail = await build("mail", {
      ...BASE,
      region: "ap-east-9",
      newRegion: true,
      dkimDomain: "dkim.ap-east-9.amazonses.com",
    });
    const records = await valueOf(mail.records);
    expect(records[0].content).toMatch(/\.dkim\.ap-east-9\.amazonses\.com$/);
    expect(records[3].content).toBe("feedback-smtp.ap-east-9.amazonses.com");
    expect((await resolve(mail.smtp)).value!.host).toBe("email-smtp.ap-east-9.amazonaws.com");
  });
});

describe("MailDomain refuses a region SES does not have, before registering anything", () => {
  it.each([
    [
      "a region SES does not run in",
      { region: "eu-west-9" },
      'MailDomain "bad": invalid region "eu-west-9": SES does not run in eu-west-9, as far as mailguard\'s region table (AWS General Reference, Amazon SES endpoints and quotas) knows. Fix: Use an SES region such as eu-west-1, eu-west-2, eu-west-3; for a region AWS opened after this table, set newRegion: true and give dkimDomain.',
    ],
    [
      "FIPS where SES has no FIPS endpoint",
      { region: "eu-west-1", fips: true },
      'MailDomain "bad": invalid fips true: SES has no FIPS SMTP endpoint in eu-west-1 (AWS General Reference, Amazon SES endpoints and quotas, SMTP endpoints). Fix: Use a region with one (us-east-1, us-west-2, us-gov-west-1), or leave fips off for email-smtp.eu-west-1.amazonaws.com.',
    ],
  ])("refuses %s", async (_what, change, message) => {
    await expectRefusal(
      sim,
      "mailguard:index:MailDomain bad",
      () => new MailDomain("bad", { ...BASE, ...change }),
      message,
    );
  });
});
