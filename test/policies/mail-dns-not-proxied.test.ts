import { mailDnsNotProxied } from "../../policies/rules/mail-dns-not-proxied";
import { CF_ZONE, cfLegacyRecord, cfRecord, r53Record } from "../helpers/dns-fixtures";
import { UNKNOWN, runResource, runStack, urnOf } from "../helpers/policy-support";

const TOKEN = "xtk53kxcy4p3t6ztbrffs6d54rsrrhh6";

describe("mail-dns-not-proxied", () => {
  it("passes DNS-only mail records and proxied web records", async () => {
    const records = [
      cfRecord("example.com", "MX", "inbound-smtp.us-east-1.amazonaws.com", { priority: 10 }),
      cfRecord(`${TOKEN}._domainkey`, "CNAME", `${TOKEN}.dkim.amazonses.com`),
      cfRecord("www", "CNAME", "app.example.net", { proxied: true }),
      cfRecord("example.com", "A", "192.0.2.1", { proxied: true }),
    ];
    for (const r of records) {
      expect((await runResource(mailDnsNotProxied, r)).violations).toEqual([]);
    }
  });

  it("ignores Route53, which has no proxy", async () => {
    expect(
      (
        await runResource(
          mailDnsNotProxied,
          r53Record("mail.example.com", "MX", ["10 feedback-smtp.us-east-1.amazonses.com"]),
        )
      ).violations,
    ).toEqual([]);
  });

  const violating: [string, ReturnType<typeof cfRecord>, RegExp][] = [
    [
      "a proxied Easy DKIM CNAME",
      cfRecord(`${TOKEN}._domainkey.example.com`, "CNAME", `${TOKEN}.dkim.amazonses.com`, {
        proxied: true,
      }),
      /a DKIM record at .*_domainkey.* is proxied/,
    ],
    [
      "a proxied MX record",
      cfRecord("mail.example.com", "MX", "feedback-smtp.us-east-1.amazonses.com", {
        proxied: true,
        priority: 10,
      }),
      /an MX record/,
    ],
    [
      "a proxied record at _dmarc",
      cfRecord("_dmarc", "CNAME", "dmarc.example.net", { proxied: true }),
      /a DMARC record/,
    ],
    [
      "a proxied CNAME to SES outside _domainkey",
      cfRecord("bounce", "CNAME", "feedback-smtp.eu-west-1.amazonses.com", { proxied: true }),
      /pointing at SES/,
    ],
    [
      "a proxied CNAME to a regional Easy DKIM domain outside _domainkey",
      cfRecord("ses-key", "CNAME", `${TOKEN}.dkim.me-central-1.amazonses.com`, { proxied: true }),
      /a record pointing at SES at ses-key is proxied/,
    ],
    [
      "a proxied CNAME to the GovCloud feedback host",
      cfRecord("bounce", "CNAME", "feedback-smtp.us-gov-east-1.amazonses.com.", { proxied: true }),
      /a record pointing at SES at bounce is proxied/,
    ],
    [
      "a proxied legacy Cloudflare Record",
      cfLegacyRecord(`${TOKEN}._domainkey`, "CNAME", `${TOKEN}.dkim.amazonses.com`, {
        proxied: true,
      }),
      /a DKIM record/,
    ],
  ];
  it.each(violating)("reports %s", async (_label, r, pattern) => {
    const out = await runResource(mailDnsNotProxied, r);
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(pattern);
    expect(out.violations[0]).toContain(`${r.type} "${r.name}"`);
    expect(out.violations[0]).toMatch(/Fix: set proxied: false/);
  });

  it("recognizes SES by its hosts, not by a substring: look-alikes that are not SES hosts pass", async () => {
    for (const target of [
      "amazonses.com.example.net",
      "feedback-smtp.eu-west-1.amazonaws.com",
      `${TOKEN}.dkim.example.amazonses.com`,
      "www.amazonses.com",
    ]) {
      const r = cfRecord("app", "CNAME", target, { proxied: true });
      expect([target, (await runResource(mailDnsNotProxied, r)).violations]).toEqual([target, []]);
    }
  });

  it("hands a proxied flag unknown during preview to the SDK, naming the field", async () => {
    const out = await runResource(
      mailDnsNotProxied,
      cfRecord(`${TOKEN}._domainkey`, "CNAME", `${TOKEN}.dkim.amazonses.com`, { proxied: UNKNOWN }),
    );
    expect(out.previewNote).toMatch(/\.proxied can't be known during preview/);
  });

  it("reports, at stack level, a proxied record at an SES MAIL FROM domain", async () => {
    const zone = { type: CF_ZONE, name: "zone", props: { id: "zone-1", name: "example.com" } };
    const mailFrom = {
      type: "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes",
      name: "mf",
      props: { emailIdentity: "example.com", mailFromDomain: "mail.example.com" },
    };
    const proxiedA = cfRecord("mail", "A", "192.0.2.1", { proxied: true });
    const out = await runStack(mailDnsNotProxied, [zone, mailFrom, proxiedA]);
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(/at the SES MAIL FROM domain mail\.example\.com is proxied/);
    const dnsOnly = cfRecord("mail", "A", "192.0.2.1");
    expect((await runStack(mailDnsNotProxied, [zone, mailFrom, dnsOnly])).violations).toEqual([]);
  });

  it("hands a proxied record whose name is unknown during preview to the SDK, naming the field", async () => {
    const at = (proxied: unknown) => ({
      ...cfRecord("x", "CNAME", "x"),
      props: {
        zoneId: "zone-1",
        name: UNKNOWN,
        type: "CNAME",
        ttl: 1,
        content: "app.example.net",
        proxied,
      },
    });
    for (const proxied of [true, UNKNOWN]) {
      const out = await runResource(mailDnsNotProxied, at(proxied));
      expect(out.violations).toEqual([]);
      expect(out.previewNote).toMatch(/\.name can't be known during preview/);
    }
    expect(await runResource(mailDnsNotProxied, at(false))).toEqual({ violations: [], urns: [] });
  });

  it("reports a proxied MX record even when its name is unknown", async () => {
    const out = await runResource(mailDnsNotProxied, {
      ...cfRecord("x", "MX", "x"),
      props: {
        zoneId: "zone-1",
        name: UNKNOWN,
        type: "MX",
        ttl: 1,
        priority: 10,
        content: "mx.example.net",
        proxied: true,
      },
    });
    expect(out.violations).toEqual([
      expect.stringMatching(/an MX record at \(unknown name\) is proxied/),
    ]);
  });

  describe("at stack level, names relative to zones the stack does not declare", () => {
    const mailFrom = {
      type: "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes",
      name: "mf",
      props: { emailIdentity: "example.com", mailFromDomain: "mail.example.com" },
    };
    const proxiedA = cfRecord("mail", "A", "192.0.2.1", { proxied: true });

    it("reports a proxied relative MAIL FROM name in the stack's only undeclared zone", async () => {
      const out = await runStack(mailDnsNotProxied, [mailFrom, proxiedA]);
      expect(out.violations).toEqual([
        expect.stringMatching(
          /"cf-a-mail": a record at the SES MAIL FROM domain mail\.example\.com is proxied\. Fix: set proxied: false/,
        ),
      ]);
    });

    it("reports it as unresolvable when records sit in several undeclared zones", async () => {
      const elsewhere = {
        ...cfRecord("www", "CNAME", "app.example.net"),
        props: { zoneId: "zone-2", name: "www", type: "CNAME", ttl: 1, content: "app.example.net" },
      };
      const out = await runStack(mailDnsNotProxied, [mailFrom, proxiedA, elsewhere]);
      expect(out.violations).toEqual([
        expect.stringMatching(
          /the proxied record "mail" in zone zone-1 may stand at the SES MAIL FROM domain mail\.example\.com: .* cannot be resolved\. Fix: set proxied: false/,
        ),
      ]);
    });
  });

  describe("at stack level, tenants' zones named by their records", () => {
    const CF = "cloudflare:index/dnsRecord:DnsRecord";
    const tenant = (
      k: number,
      extra: { type: string; name: string; props: Record<string, unknown> }[] = [],
    ) => [
      {
        type: "aws:sesv2/emailIdentity:EmailIdentity",
        name: `t${k}`,
        props: { emailIdentity: `tenant${k}.example.com` },
      },
      {
        type: "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes",
        name: `t${k}-mf`,
        props: {
          emailIdentity: `tenant${k}.example.com`,
          mailFromDomain: `mail.tenant${k}.example.com`,
        },
      },
      {
        type: CF,
        name: `t${k}-dkim`,
        props: {
          zoneId: `tenant-zone-${k}`,
          name: `tok._domainkey.tenant${k}.example.com`,
          type: "CNAME",
          content: "tok.dkim.amazonses.com",
          ttl: 1,
        },
      },
      ...extra,
    ];
    const proxiedMail = (k: number) => ({
      type: CF,
      name: `t${k}-mail-a`,
      props: {
        zoneId: `tenant-zone-${k}`,
        name: "mail",
        type: "A",
        content: "192.0.2.1",
        ttl: 1,
        proxied: true,
      },
    });

    it("places a proxied relative name at its tenant's MAIL FROM domain, whatever the other zones", async () => {
      const out = await runStack(mailDnsNotProxied, [
        ...tenant(0, [proxiedMail(0)]),
        ...tenant(1),
        ...tenant(2),
      ]);
      expect(out.violations).toEqual([
        `${CF} "t0-mail-a": a record at the SES MAIL FROM domain mail.tenant0.example.com is proxied. Fix: set proxied: false; mail records are DNS only (mailguard's MailDomain never proxies them).`,
      ]);
      expect(out.urns).toEqual([urnOf(CF, "t0-mail-a")]);
    });

    it("does not place it at another tenant's MAIL FROM domain", async () => {
      // Tenant 0 sends with the default MAIL FROM: its proxied "mail" is mail.tenant0.example.com.
      const withoutMailFrom = tenant(0).filter((r) => r.name !== "t0-mf");
      const out = await runStack(mailDnsNotProxied, [
        ...withoutMailFrom,
        proxiedMail(0),
        ...tenant(1),
      ]);
      expect(out.violations).toEqual([]);
    });
  });
});
