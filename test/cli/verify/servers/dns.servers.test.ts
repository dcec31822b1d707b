/**
 * Section 1 against a real authoritative server: knotd serves example.com, with labelled fixture
 * zones for the names its records point at (SES's DKIM keys and SPF under amazonses.com, a report
 * destination under example.net). Every variant breaks one record, and verify must name it.
 */
import { execFileSync } from "child_process";
import { CloudWatchClient, DescribeAlarmsForMetricCommand } from "@aws-sdk/client-cloudwatch";
import {
  GetAccountCommand,
  GetConfigurationSetCommand,
  GetEmailIdentityCommand,
  SESv2Client,
} from "@aws-sdk/client-sesv2";
import { mockClient } from "aws-sdk-client-mock";
import { LiveDns } from "../../../../cli/verify/dns";
import type { Check, VerifyReport } from "../../../../cli/verify/report";
import { runVerify, type VerifyOptions } from "../../../../cli/verify/run";
import { checkHostLive } from "../../../../cli/verify/spf-live";
import { startKnot } from "./knot";
import { binary, freePort } from "./process";
import {
  addLines,
  commentedRecord,
  correctZones,
  replaceLine,
  STACK_OUTPUTS,
  TOKENS,
  withExample,
  type Zones,
} from "./zones";

let closedPort: number;
beforeAll(async () => {
  closedPort = await freePort();
});

async function verify(zones: Zones, options: Partial<VerifyOptions> = {}): Promise<VerifyReport> {
  const knot = await startKnot(zones);
  try {
    return await runVerify({
      domain: "example.com",
      region: "eu-west-1",
      resolver: knot.address,
      aws: false,
      smtp: false,
      probePort25: `127.0.0.1:${closedPort}`,
      timeouts: { dnsMs: 1500 },
      ...options,
    });
  } finally {
    await knot.stop();
  }
}

function byId(report: VerifyReport): Record<string, Check> {
  return Object.fromEntries(report.checks.filter((c) => c.section === "dns").map((c) => [c.id, c]));
}

function statuses(report: VerifyReport): Record<string, string> {
  return Object.fromEntries(
    report.checks.filter((c) => c.section === "dns").map((c) => [c.id, c.status]),
  );
}

const withStack = { stackOutputs: STACK_OUTPUTS };
const DKIM_NAME = (i: number) => `${TOKENS[i]}._domainkey.example.com`;

describe("the correct zone", () => {
  it("passes every DNS check from the domain and region alone; DKIM and drift need the stack", async () => {
    const report = await verify(correctZones());
    expect(statuses(report)).toEqual({
      "dns-dkim": "skip",
      "dns-mail-from-mx": "pass",
      "dns-mail-from-spf": "pass",
      "dns-spf-apex": "pass",
      "dns-dmarc": "pass",
      "dns-dmarc-report-auth": "pass",
      "dns-drift": "skip",
      "dns-reply": "pass",
    });
    const c = byId(report);
    expect(c["dns-mail-from-mx"].observed).toBe("MX 10 feedback-smtp.eu-west-1.amazonses.com.");
    expect(c["dns-mail-from-spf"].observed).toBe(
      '"v=spf1 include:amazonses.com -all": pass for all 9 SES ranges.',
    );
    expect(c["dns-spf-apex"].observed).toBe(
      '"v=spf1 include:amazonses.com -all": 1 DNS-querying term(s) (limit 10); SES\'s ranges: pass for all 9 SES ranges; other hosts (192.0.2.1): fail.',
    );
    expect(report.ok).toBe(true);
  });

  it("passes every DNS check with the stack's outputs: the three CNAMEs lead to 2048-bit keys", async () => {
    const report = await verify(correctZones(), withStack);
    expect(statuses(report)).toEqual({
      "dns-dkim-1": "pass",
      "dns-dkim-2": "pass",
      "dns-dkim-3": "pass",
      "dns-mail-from-mx": "pass",
      "dns-mail-from-spf": "pass",
      "dns-spf-apex": "pass",
      "dns-dmarc": "pass",
      "dns-dmarc-report-auth": "pass",
      "dns-drift": "pass",
      "dns-reply": "pass",
    });
    const c = byId(report);
    expect(c["dns-dkim-2"].subject).toBe(DKIM_NAME(1));
    expect(c["dns-dkim-2"].observed).toBe(
      `CNAME ${TOKENS[1]}.dkim.amazonses.com; key RSA 2048 bits.`,
    );
    expect(c["dns-drift"].observed).toBe("All 7 records of the stack answer as published.");
    const rows = Object.fromEntries(report.providers.rows.map((r) => [r.id, r.status]));
    expect(rows).toMatchObject({
      spf: "pass",
      dkim: "pass",
      dmarc: "pass",
      "spf-aligned": "pass",
      "dkim-key-1024": "pass",
      tls: "not checkable here",
    });
  });

  it("is served as an authoritative server does: a token's name answers with the CNAME alone", () => {
    // Checked with knot's own client, not verify's: the fixtures must make verify follow CNAMEs.
    const kdig = binary("kdig", "knot-dnsutils");
    return startKnot(correctZones()).then(async (knot) => {
      try {
        const out = execFileSync(kdig, [
          `@127.0.0.1`,
          "-p",
          String(knot.port),
          "+norec",
          "TXT",
          DKIM_NAME(0),
        ]).toString();
        expect(out).toMatch(
          new RegExp(
            `${DKIM_NAME(0)}\\.\\s+\\d+\\s+IN\\s+CNAME\\s+${TOKENS[0]}\\.dkim\\.amazonses\\.com\\.`,
          ),
        );
        expect(out).not.toMatch(/^[^;].*\sIN\s+TXT\s/m);
      } finally {
        await knot.stop();
      }
    });
  });
});

describe("DKIM variants (selectors from the stack outputs)", () => {
  it("names a missing CNAME", async () => {
    const c = byId(
      await verify(
        withExample((z) => replaceLine(z, "dkim-2")),
        withStack,
      ),
    );
    expect(c["dns-dkim-2"].status).toBe("fail");
    expect(c["dns-dkim-2"].observed).toBe(
      `No DKIM record: ${DKIM_NAME(1)} does not exist (NXDOMAIN).`,
    );
    expect(c["dns-dkim-2"].fix).toBe(
      `Publish CNAME ${DKIM_NAME(1)} -> ${TOKENS[1]}.dkim.amazonses.com, DNS only (Cloudflare: proxied false, no CNAME flattening).`,
    );
    expect(c["dns-dkim-1"].status).toBe("pass");
    expect(c["dns-drift"].status).toBe("fail");
    expect(c["dns-drift"].observed).toContain(
      `${DKIM_NAME(1)}: the stack published CNAME ${TOKENS[1]}.dkim.amazonses.com, DNS answers`,
    );
  });

  it("names a CNAME to the wrong DKIM domain (eu-south-1's for an eu-west-1 identity)", async () => {
    const zones = withExample((z) =>
      replaceLine(
        z,
        "dkim-2",
        `${TOKENS[1]}._domainkey CNAME ${TOKENS[1]}.dkim.eu-south-1.amazonses.com.`,
      ),
    );
    const c = byId(await verify(zones, withStack));
    expect(c["dns-dkim-2"].status).toBe("fail");
    expect(c["dns-dkim-2"].observed).toMatch(
      new RegExp(
        `^CNAME ${TOKENS[1]}\\.dkim\\.eu-south-1\\.amazonses\\.com: .*wrong DKIM domain: SES keeps the keys of eu-west-1 identities under dkim\\.amazonses\\.com`,
      ),
    );
    expect(c["dns-dkim-2"].fix).toBe(
      "Point the record at <token>.dkim.amazonses.com, as SES lists it for the identity.",
    );
  });

  it("names an A record where the CNAME should be (proxied or flattened)", async () => {
    const zones = withExample((z) =>
      replaceLine(z, "dkim-3", `${TOKENS[2]}._domainkey A 104.16.0.1`),
    );
    const c = byId(await verify(zones, withStack));
    expect(c["dns-dkim-3"].status).toBe("fail");
    expect(c["dns-dkim-3"].observed).toBe(
      `${DKIM_NAME(2)} answers with addresses (104.16.0.1), not a CNAME: the record is proxied or flattened, so SES and receivers never reach the key.`,
    );
  });

  it("names a CNAME whose target has no key", async () => {
    const zones = correctZones();
    zones["amazonses.com"] = replaceLine(zones["amazonses.com"], "key-1");
    const c = byId(await verify(zones, withStack));
    expect(c["dns-dkim-1"].status).toBe("fail");
    expect(c["dns-dkim-1"].observed).toBe(
      `CNAME ${TOKENS[0]}.dkim.amazonses.com; ${TOKENS[0]}.dkim.amazonses.com does not exist (NXDOMAIN).`,
    );
  });

  it("warns about a 1024-bit key, which receivers still accept", async () => {
    const zones = correctZones();
    const ses = zones["amazonses.com"];
    zones["amazonses.com"] = replaceLine(ses, "key-2", commentedRecord(ses, "weak-key-2"));
    const report = await verify(zones, withStack);
    const c = byId(report);
    expect(c["dns-dkim-2"].status).toBe("warn");
    expect(c["dns-dkim-2"].observed).toBe(
      `CNAME ${TOKENS[1]}.dkim.amazonses.com; key RSA 1024 bits: receivers accept it, but 1024-bit keys are weak.`,
    );
    expect(report.ok).toBe(true);
    expect(report.providers.rows.find((r) => r.id === "dkim-key-1024")).toMatchObject({
      status: "pass",
      basis: "1024-bit key",
    });
  });

  it("checks a BYODKIM key against the stack's record", async () => {
    const key = commentedRecord(correctZones()["amazonses.com"], "weak-key-2").replace(
      /^\S+ TXT /,
      "",
    );
    const zones = withExample((z) => addLines(z, `mailguard._domainkey TXT ${key}`));
    const joined = [...key.matchAll(/"([^"]*)"/g)].map((m) => m[1]).join("");
    const records = (STACK_OUTPUTS.dnsRecords as { type: string; name: string }[]).filter(
      (r) => r.type !== "CNAME",
    );
    const same = byId(
      await verify(zones, {
        stackOutputs: {
          ...STACK_OUTPUTS,
          dnsRecords: [
            ...records,
            { name: "mailguard._domainkey.example.com", type: "TXT", content: joined },
          ],
        },
      }),
    );
    expect(same["dns-dkim-1"].subject).toBe("mailguard._domainkey.example.com");
    expect(same["dns-dkim-1"].status).toBe("warn");
    const other = byId(
      await verify(zones, {
        stackOutputs: {
          ...STACK_OUTPUTS,
          dnsRecords: [
            ...records,
            {
              name: "mailguard._domainkey.example.com",
              type: "TXT",
              content: joined.replace("p=MIGf", "p=MIIB"),
            },
          ],
        },
      }),
    );
    expect(other["dns-dkim-1"].status).toBe("fail");
    expect(other["dns-dkim-1"].observed).toBe(
      "The key at mailguard._domainkey.example.com is not the one the stack gives SES to sign with (p= differs).",
    );
  });
});

describe("MAIL FROM variants", () => {
  it("names a missing MX", async () => {
    const c = byId(await verify(withExample((z) => replaceLine(z, "mail-from-mx"))));
    expect(c["dns-mail-from-mx"].status).toBe("fail");
    expect(c["dns-mail-from-mx"].observed).toBe("No MX: no MX record at mail.example.com.");
    expect(c["dns-mail-from-mx"].subject).toBe("mail.example.com");
  });

  it("names an MX on amazonaws.com instead of amazonses.com", async () => {
    const zones = withExample((z) =>
      replaceLine(z, "mail-from-mx", "mail MX 10 feedback-smtp.eu-west-1.amazonaws.com."),
    );
    const c = byId(await verify(zones));
    expect(c["dns-mail-from-mx"].status).toBe("fail");
    expect(c["dns-mail-from-mx"].observed).toBe(
      "MX 10 feedback-smtp.eu-west-1.amazonaws.com: feedback-smtp.eu-west-1.amazonaws.com is not SES's feedback host for eu-west-1.",
    );
    expect(c["dns-mail-from-mx"].fix).toBe(
      "feedback-smtp.eu-west-1.amazonaws.com is on amazonaws.com; SES's feedback host is on amazonses.com: point the MX at feedback-smtp.eu-west-1.amazonses.com.",
    );
  });

  it("names an MX to another region's feedback host", async () => {
    const zones = withExample((z) =>
      replaceLine(z, "mail-from-mx", "mail MX 10 feedback-smtp.us-east-1.amazonses.com."),
    );
    const c = byId(await verify(zones));
    expect(c["dns-mail-from-mx"].fix).toBe(
      "feedback-smtp.us-east-1.amazonses.com is the feedback host of us-east-1, but the identity is in eu-west-1: point the MX at feedback-smtp.eu-west-1.amazonses.com.",
    );
  });

  it("names a missing SPF record and a second one", async () => {
    const missing = byId(await verify(withExample((z) => replaceLine(z, "mail-from-spf"))));
    expect(missing["dns-mail-from-spf"].status).toBe("fail");
    expect(missing["dns-mail-from-spf"].observed).toBe("No SPF record at mail.example.com.");
    const second = byId(
      await verify(
        withExample((z) => addLines(z, 'mail TXT "v=spf1 include:_spf.example.net -all"')),
      ),
    );
    expect(second["dns-mail-from-spf"].status).toBe("fail");
    expect(second["dns-mail-from-spf"].observed).toMatch(
      /^There are 2 SPF records at one name \(.*\); receivers return permerror\.$/,
    );
  });

  it("fails an SPF record that does not authorize SES", async () => {
    const zones = withExample((z) =>
      replaceLine(z, "mail-from-spf", 'mail TXT "v=spf1 ip4:192.0.2.0/24 -all"'),
    );
    const c = byId(await verify(zones));
    expect(c["dns-mail-from-spf"].status).toBe("fail");
    expect(c["dns-mail-from-spf"].observed).toBe(
      '"v=spf1 ip4:192.0.2.0/24 -all": fail for ip4:199.255.192.0/22 ("-all" matched at mail.example.com); pass for 0 of 9.',
    );
  });
});

describe("apex SPF variants, judged by the core's RFC 7208 evaluator against the server", () => {
  it("names a second SPF record at the domain", async () => {
    const c = byId(await verify(withExample((z) => addLines(z, '@ TXT "v=spf1 mx -all"'))));
    expect(c["dns-spf-apex"].status).toBe("fail");
    expect(c["dns-spf-apex"].observed).toMatch(/^There are 2 SPF records at one name/);
  });

  it("fails a record beyond the 10-lookup limit", async () => {
    const hosts = Array.from({ length: 11 }, (_, i) => `h${i + 1}`);
    const zones = withExample((z) =>
      addLines(
        replaceLine(
          z,
          "apex-spf",
          `@ TXT "v=spf1 ${hosts.map((h) => `a:${h}.example.com`).join(" ")} include:amazonses.com -all"`,
        ),
        ...hosts.map((h) => `${h} A 192.0.2.${hosts.indexOf(h) + 100}`),
      ),
    );
    const c = byId(await verify(zones));
    expect(c["dns-spf-apex"].status).toBe("fail");
    expect(c["dns-spf-apex"].observed).toContain("12 DNS-querying term(s) (limit 10)");
    expect(c["dns-spf-apex"].observed).toContain(
      "Evaluation ends in permerror: more than 10 DNS-querying terms.",
    );
    expect(c["dns-spf-apex"].fix).toMatch(/^Bring the record to 10 DNS-querying terms or fewer/);
  });

  it("fails a record with more than two void lookups", async () => {
    const zones = withExample((z) =>
      replaceLine(
        z,
        "apex-spf",
        '@ TXT "v=spf1 a:nx1.example.com a:nx2.example.com a:nx3.example.com include:amazonses.com -all"',
      ),
    );
    const c = byId(await verify(zones));
    expect(c["dns-spf-apex"].status).toBe("fail");
    expect(c["dns-spf-apex"].observed).toContain(
      "Evaluation ends in permerror: more than 2 void lookups.",
    );
  });

  it("warns when there is none, and fails when the stack publishes one", async () => {
    const zones = withExample((z) => replaceLine(z, "apex-spf"));
    expect(byId(await verify(zones))["dns-spf-apex"].status).toBe("warn");
    const c = byId(await verify(zones, withStack));
    expect(c["dns-spf-apex"].status).toBe("fail");
    expect(c["dns-spf-apex"].fix).toBe(
      'Publish the stack\'s record, TXT example.com "v=spf1 include:amazonses.com -all" (pulumi up).',
    );
  });

  it("evaluates include chains through the live server: the result for each SES range", async () => {
    const knot = await startKnot(correctZones());
    try {
      const dns = new LiveDns({ server: knot.address, timeoutMs: 1500 });
      const request = (ip: string) => ({
        ip,
        mailFrom: "bounce@mail.example.com",
        helo: "smtp-out.amazonses.com",
      });
      expect((await checkHostLive(request("54.240.8.20"), dns)).result).toBe("pass");
      expect((await checkHostLive(request("203.0.113.9"), dns)).result).toBe("fail");
      const nowhere = await checkHostLive(
        { ...request("54.240.8.20"), mailFrom: "x@nowhere.example.org" },
        dns,
      );
      expect(nowhere).toEqual({
        result: "temperror",
        reason: "TXT lookup of nowhere.example.org failed",
        // The record itself could not be fetched, so no term was evaluated.
        lookups: [],
        matches: [],
        voids: [],
      });
    } finally {
      await knot.stop();
    }
  });
});

describe("DMARC variants", () => {
  it("names a missing record", async () => {
    const c = byId(await verify(withExample((z) => replaceLine(z, "dmarc"))));
    expect(c["dns-dmarc"].status).toBe("fail");
    expect(c["dns-dmarc"].subject).toBe("_dmarc.example.com");
    expect(c["dns-dmarc"].observed).toBe("There is no DMARC record.");
    expect(c["dns-dmarc-report-auth"].status).toBe("skip");
  });

  it("names a duplicated record", async () => {
    const c = byId(await verify(withExample((z) => addLines(z, '_dmarc TXT "v=DMARC1; p=none"'))));
    expect(c["dns-dmarc"].status).toBe("fail");
    expect(c["dns-dmarc"].observed).toMatch(
      /^There are 2 DMARC records at one name .*receivers discard all of them\./,
    );
  });

  it("names an invalid policy", async () => {
    const c = byId(
      await verify(withExample((z) => replaceLine(z, "dmarc", '_dmarc TXT "v=DMARC1; p=block"'))),
    );
    expect(c["dns-dmarc"].status).toBe("fail");
    expect(c["dns-dmarc"].observed).toContain('p="block" is not a DMARC policy');
  });

  it("warns about p=none, and the drift check names the difference from the stack", async () => {
    const zones = withExample((z) =>
      replaceLine(
        z,
        "dmarc",
        '_dmarc TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com"',
      ),
    );
    const c = byId(await verify(zones, withStack));
    expect(c["dns-dmarc"].status).toBe("warn");
    expect(c["dns-dmarc"].fix).toBe(
      "Once reports show your mail passes, set p=quarantine, then p=reject.",
    );
    expect(c["dns-drift"].status).toBe("fail");
    expect(c["dns-drift"].observed).toBe(
      '_dmarc.example.com: the stack published TXT "v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:dmarc-reports@example.com", DNS answers TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com".',
    );
  });

  it("accepts an outside report address that authorizes the domain, and names one that does not", async () => {
    const authorized = byId(
      await verify(
        withExample((z) =>
          replaceLine(
            z,
            "dmarc",
            '_dmarc TXT "v=DMARC1; p=reject; rua=mailto:agg@reports.example.net"',
          ),
        ),
      ),
    );
    expect(authorized["dns-dmarc-report-auth"].status).toBe("pass");
    expect(authorized["dns-dmarc-report-auth"].observed).toBe(
      "Authorized: example.com._report._dmarc.reports.example.net.",
    );
    const missing = byId(
      await verify(
        withExample((z) =>
          replaceLine(
            z,
            "dmarc",
            '_dmarc TXT "v=DMARC1; p=reject; rua=mailto:agg@noauth.example.net"',
          ),
        ),
      ),
    );
    expect(missing["dns-dmarc-report-auth"].status).toBe("fail");
    expect(missing["dns-dmarc-report-auth"].subject).toBe(
      "example.com._report._dmarc.noauth.example.net",
    );
    expect(missing["dns-dmarc-report-auth"].observed).toBe(
      "Not authorized: example.com._report._dmarc.noauth.example.net (example.com._report._dmarc.noauth.example.net does not exist (NXDOMAIN)). Receivers send no reports to these destinations (RFC 7489 7.1).",
    );
  });
});

describe("reply variants", () => {
  it("fails a null MX", async () => {
    const c = byId(await verify(withExample((z) => replaceLine(z, "reply-mx", "@ MX 0 ."))));
    expect(c["dns-reply"].status).toBe("fail");
    expect(c["dns-reply"].observed).toBe(
      "MX 0 .: a null MX says example.com receives no mail, so replies to its From addresses bounce.",
    );
  });

  it("accepts an address as the implicit MX, and fails a domain with neither", async () => {
    const implicit = byId(
      await verify(withExample((z) => addLines(replaceLine(z, "reply-mx"), "@ A 192.0.2.25"))),
    );
    expect(implicit["dns-reply"].status).toBe("pass");
    expect(implicit["dns-reply"].observed).toBe(
      "No MX; 192.0.2.25 receives mail as the implicit MX (RFC 5321 5.1).",
    );
    const none = byId(await verify(withExample((z) => replaceLine(z, "reply-mx"))));
    expect(none["dns-reply"].status).toBe("fail");
  });
});

describe("with SES's view (recorded SES responses, live DNS)", () => {
  const ses = mockClient(SESv2Client);
  const cloudwatch = mockClient(CloudWatchClient);
  afterAll(() => {
    ses.restore();
    cloudwatch.restore();
  });

  it("checks the DKIM tokens SES lists, at the DKIM domain SES names", async () => {
    const meta = { $metadata: {} };
    ses.on(GetEmailIdentityCommand).resolves({
      ...meta,
      IdentityType: "DOMAIN",
      VerifiedForSendingStatus: true,
      VerificationStatus: "SUCCESS",
      DkimAttributes: {
        SigningEnabled: true,
        Status: "SUCCESS",
        Tokens: TOKENS,
        SigningHostedZone: "dkim.amazonses.com",
        SigningAttributesOrigin: "AWS_SES",
        CurrentSigningKeyLength: "RSA_2048_BIT",
        NextSigningKeyLength: "RSA_2048_BIT",
      },
      MailFromAttributes: {
        MailFromDomain: "mail.example.com",
        MailFromDomainStatus: "SUCCESS",
        BehaviorOnMxFailure: "USE_DEFAULT_VALUE",
      },
      ConfigurationSetName: "mail-ses-example-com",
    });
    ses.on(GetAccountCommand).resolves({
      ...meta,
      ProductionAccessEnabled: true,
      SendingEnabled: true,
      EnforcementStatus: "HEALTHY",
    });
    ses.on(GetConfigurationSetCommand).resolves({
      ...meta,
      ConfigurationSetName: "mail-ses-example-com",
      DeliveryOptions: { TlsPolicy: "REQUIRE" },
      ReputationOptions: { ReputationMetricsEnabled: true },
      SendingOptions: { SendingEnabled: true },
    });
    cloudwatch.on(DescribeAlarmsForMetricCommand).resolves({
      ...meta,
      MetricAlarms: [{ AlarmName: "mail-ses-rate", StateValue: "OK", Threshold: 0.025 }],
    });
    const report = await verify(correctZones(), { aws: true });
    expect(
      report.checks.filter((c) => c.status !== "pass").map((c) => `${c.id} ${c.status}`),
    ).toEqual([
      "dns-drift skip",
      "smtp-starttls skip",
      "smtp-starttls-certificate skip",
      "smtp-starttls-auth skip",
      "smtp-implicit-tls skip",
      "smtp-implicit-tls-auth skip",
      "smtp-send-test skip",
    ]);
    expect(report.notes).toContain("DKIM selectors from SES (GetEmailIdentity).");
    expect(report.providers.rows.find((r) => r.id === "tls")?.status).toBe("pass");
  });
});
