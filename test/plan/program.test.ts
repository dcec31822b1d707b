/**
 * The program half of the plan in-process: a fixture program run under the simulator, what is
 * recorded of it, and that the report built from it never carries a secret.
 */
import * as path from "path";
import { loadStackConfig } from "../../cli/plan/config";
import { sesDomains, smtpSettings } from "../../cli/plan/mail";
import { runProgram, type ProgramRun } from "../../cli/plan/program";
import { plannedRecords, plannedZones } from "../../cli/plan/records";
import { PLAIN, renderReport, reportJson, zoneFile } from "../../cli/plan/render";
import { ProviderSimulator } from "../../testing/simulator";

const PROGRAM = path.join(__dirname, "fixtures", "byodkim");

let run: ProgramRun;

beforeAll(async () => {
  const config = loadStackConfig(path.join(PROGRAM, "Pulumi.test.yaml"), PROGRAM);
  run = await runProgram({
    programDir: PROGRAM,
    config,
    mocks: new ProviderSimulator({ region: "eu-west-1" }),
  });
}, 60_000);

function find(type: string, name: string) {
  const r = run.resources.find((x) => x.type === type && x.name === name);
  if (r === undefined) throw new Error(`no ${type} ${name}`);
  return r;
}

/** The one SMTP access key of the fixture, whatever suffix (version or rotation slot) it is named with. */
function smtpKey() {
  const keys = run.resources.filter(
    (x) => x.type === "aws:iam/accessKey:AccessKey" && x.name.startsWith("byodkim-smtp-key-"),
  );
  expect(keys).toHaveLength(1);
  return keys[0];
}

describe("runProgram", () => {
  it("runs the program inside a root stack and records parents with the URNs the engine gives", () => {
    const stack = run.resources[0];
    expect(stack.type).toBe("pulumi:pulumi:Stack");
    expect(stack.urn).toBe("urn:pulumi:test::plan-byodkim::pulumi:pulumi:Stack::plan-byodkim-test");
    const mail = find("mailguard:index:MailDomain", "byodkim");
    expect(mail.urn).toBe("urn:pulumi:test::plan-byodkim::mailguard:index:MailDomain::byodkim");
    expect(mail.parent).toBe(stack.urn);
    const ses = find("mailguard:index:SesSender", "byodkim-ses");
    expect(ses.parent).toBe(mail.urn);
    expect(find("aws:sesv2/emailIdentity:EmailIdentity", "byodkim-ses-identity").parent).toBe(
      ses.urn,
    );
  });

  it("keeps inputs as written and outputs as the simulator filled them, secrets marked in wire form", () => {
    const identity = find("aws:sesv2/emailIdentity:EmailIdentity", "byodkim-ses-identity");
    expect(identity.inputs.emailIdentity).toBe("byodkim.example.org");
    expect(identity.outputs.arn).toBe(
      "arn:aws:ses:eu-west-1:123456789012:identity/byodkim.example.org",
    );
    const key = smtpKey();
    expect(key.secretOutputs).toEqual(expect.arrayContaining(["secret", "sesSmtpPasswordV4"]));
    expect(key.wireOutputs.sesSmtpPasswordV4).toMatchObject({
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
    });
    expect(typeof key.outputs.sesSmtpPasswordV4).toBe("string");
  });

  it("collects the stack outputs and knows which are secret", () => {
    expect(Object.keys(run.outputs)).toEqual(["smtp"]);
    expect(run.secretOutputs).toEqual(["smtp"]);
  });

  it("finds the BYODKIM selector and the signing key SES is given", () => {
    const [d] = sesDomains(run.resources, "us-east-1");
    expect(d).toMatchObject({
      domain: "byodkim.example.org",
      region: "eu-west-1",
      mailFromDomain: "mail.byodkim.example.org",
    });
    expect(d.dkim.kind).toBe("byodkim");
    if (d.dkim.kind === "byodkim") {
      expect(d.dkim.selector).toBe("plan");
      expect(d.dkim.privateKeyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    }
  });

  it("never puts the SMTP password, the secret key or the DKIM private key into the report", () => {
    const key = smtpKey();
    const bundle = run.outputs.smtp as { password: string; username: string };
    expect(bundle.password).toMatch(/^[A-Za-z0-9+/]{40,}={0,2}$/);
    const secrets = [bundle.password, String(key.outputs.secret)];
    const tlsKey = find("tls:index/privateKey:PrivateKey", "byodkim-ses-dkim-key");
    const privatePem = String(tlsKey.outputs.privateKeyPem);
    secrets.push(privatePem.split("\n")[1]);
    const records = plannedRecords(run.resources);
    const report = {
      project: "plan-byodkim",
      stack: "test",
      program: PROGRAM,
      config: "Pulumi.test.yaml",
      resources: run.resources,
      records,
      zones: plannedZones(records),
      outputs: run.resources[0].wireOutputs,
      smtp: smtpSettings(run, "eu-west-1"),
      findings: [],
      verdicts: [],
      providers: [],
      notes: [],
      timings: {},
    };
    const texts = [
      renderReport(report, PLAIN),
      JSON.stringify(reportJson(report)),
      ...report.zones.map((z) => zoneFile(z)),
    ];
    for (const text of texts) for (const s of secrets) expect(text).not.toContain(s);
    expect(report.smtp[0].password).toMatch(
      /^<secret: pulumi stack output smtp --show-secrets, field password, or Secrets Manager secret \S+>$/,
    );
    expect(report.smtp[0].region).toBe("eu-west-1");
  });
});
