import { MailDomain, MailDomainArgs } from "../../components/mailDomain";
import { UNKNOWN } from "../../policies/core/finding";
import { sesSmtpPasswordV4 } from "../../components/sesSmtpPassword";
import { dkimTokensFor } from "../../testing/simulator";
import {
  inventory,
  ProviderSimulator,
  resolve,
  settle,
  simulate,
  valueOf,
  expectRefusal,
} from "../helpers/mocks";

let sim: ProviderSimulator;
beforeAll(async () => {
  sim = await simulate({ region: "us-east-1" });
});
beforeEach(() => sim.reset());

const ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
const R53_ZONE = "Z0123456789ABCDEFGHIJ";
const R53 = "aws:route53/record:Record";
const BASE: MailDomainArgs = { domain: "example.com", cloudflareZoneId: ZONE, region: "eu-west-1" };

async function build(name: string, args: MailDomainArgs) {
  const mail = new MailDomain(name, args);
  await valueOf(mail.urn);
  await settle(sim);
  return mail;
}

describe("MailDomain", () => {
  it("composes SesSender, SmtpCredentials and CloudflareMailRecords under itself, and nothing else", async () => {
    await build("mail", BASE);
    const root = sim.find("mailguard:index:MailDomain", "mail")!;
    const children = sim.childrenOf(root);
    expect(inventory(children).sort()).toEqual(
      [
        "mailguard:index:SesSender mail-ses",
        "mailguard:index:SmtpCredentials mail-smtp",
        "mailguard:index:CloudflareMailRecords mail-dns",
      ].sort(),
    );
    const byComponent = (name: string) =>
      inventory(sim.childrenOf(children.find((c) => c.name === name)!)).sort();
    expect(byComponent("mail-ses")).toEqual(
      [
        "aws:sesv2/configurationSet:ConfigurationSet mail-ses-configuration-set",
        "aws:sesv2/emailIdentity:EmailIdentity mail-ses-identity",
        "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes mail-ses-mail-from",
        "aws:kms/key:Key mail-ses-events-key",
        "aws:sns/topic:Topic mail-ses-events",
        "aws:sns/topicPolicy:TopicPolicy mail-ses-events-policy",
        "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination mail-ses-events-destination",
        "aws:cloudwatch/metricAlarm:MetricAlarm mail-ses-bounce-rate",
        "aws:cloudwatch/metricAlarm:MetricAlarm mail-ses-complaint-rate",
      ].sort(),
    );
    expect(byComponent("mail-smtp")).toEqual(
      [
        "aws:iam/user:User mail-smtp-user",
        "aws:iam/userPolicy:UserPolicy mail-smtp-send",
        "aws:iam/accessKey:AccessKey mail-smtp-key-a",
        "aws:secretsmanager/secret:Secret mail-smtp-secret",
        "aws:secretsmanager/secretVersion:SecretVersion mail-smtp-secret-value",
      ].sort(),
    );
    expect(byComponent("mail-dns")).toEqual(
      [
        "cloudflare:index/dnsRecord:DnsRecord mail-dns-dkim-0",
        "cloudflare:index/dnsRecord:DnsRecord mail-dns-dkim-1",
        "cloudflare:index/dnsRecord:DnsRecord mail-dns-dkim-2",
        "cloudflare:index/dnsRecord:DnsRecord mail-dns-mail-from-mx",
        "cloudflare:index/dnsRecord:DnsRecord mail-dns-mail-from-spf",
        "cloudflare:index/dnsRecord:DnsRecord mail-dns-dmarc",
      ].sort(),
    );
    // Every resource is accounted for by the lists above.
    expect(sim.resources).toHaveLength(1 + 3 + 9 + 5 + 6);
  });

  it("publishes the SES records and DMARC on Cloudflare, none proxied", async () => {
    const mail = await build("mail", BASE);
    const [t0, t1, t2] = dkimTokensFor("example.com");
    const records = await valueOf(mail.records);
    expect(records.map((r) => [r.type, r.name, r.content, r.ttl, r.proxied])).toEqual([
      ["CNAME", `${t0}._domainkey.example.com`, `${t0}.dkim.amazonses.com`, 3600, false],
      ["CNAME", `${t1}._domainkey.example.com`, `${t1}.dkim.amazonses.com`, 3600, false],
      ["CNAME", `${t2}._domainkey.example.com`, `${t2}.dkim.amazonses.com`, 3600, false],
      ["MX", "mail.example.com", "feedback-smtp.eu-west-1.amazonses.com", 3600, false],
      ["TXT", "mail.example.com", '"v=spf1 include:amazonses.com -all"', 3600, false],
      [
        "TXT",
        "_dmarc.example.com",
        '"v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:dmarc-reports@example.com"',
        3600,
        false,
      ],
    ]);
    expect(records[3].priority).toBe(10);
    for (const r of sim.ofType("cloudflare:index/dnsRecord:DnsRecord"))
      expect(r.inputs.proxied).toBe(false);
  });

  it("outputs what an application needs, with every secret secret", async () => {
    const mail = await build("mail", { ...BASE, allowedFromAddresses: ["app@example.com"] });
    const smtp = await resolve(mail.smtp);
    expect(smtp.secret).toBe(true);
    const key = sim.ofType("aws:iam/accessKey:AccessKey")[0];
    expect(smtp.value).toEqual({
      host: "email-smtp.eu-west-1.amazonaws.com",
      port: 587,
      startTls: true,
      implicitTlsPort: 465,
      username: key.id,
      password: sesSmtpPasswordV4(key.state.secret as string, "eu-west-1"),
      region: "eu-west-1",
      credentialsVersion: 1,
    });
    // Secret at the source: the component's list, then the one the SDK's AccessKey class appends
    // (the simulator marks these secret in any case, so secretOutputs alone cannot tell).
    expect(key.options?.additionalSecretOutputs).toEqual([
      "secret",
      "sesSmtpPasswordV4",
      "secret",
      "sesSmtpPasswordV4",
    ]);
    expect(key.secretOutputs.sort()).toEqual(["secret", "sesSmtpPasswordV4"]);
    const version = sim.ofType("aws:secretsmanager/secretVersion:SecretVersion")[0];
    expect(version.secretInputs).toEqual(["secretString"]);
    expect((await resolve(mail.secretArn)).secret).toBe(false);
    expect(await valueOf(mail.secretArn)).toMatch(/^arn:aws:secretsmanager:eu-west-1:/);
    expect(await valueOf(mail.identityArn)).toBe(
      "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
    );
    expect(await valueOf(mail.region)).toBe("eu-west-1");
    expect(await valueOf(mail.userName)).toMatch(/^mail-smtp-user-/);
    expect(mail.sandbox).toMatch(/sandbox/);
    // The SMTP user may send only through this identity and configuration set.
    const policy = JSON.parse(
      sim.ofType("aws:iam/userPolicy:UserPolicy")[0].inputs.policy as string,
    );
    expect(policy.Statement[0].Resource).toEqual([
      "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
      "arn:aws:ses:eu-west-1:123456789012:configuration-set/example-com-mailguard",
    ]);
  });

  it("hands SmtpCredentials the SES region SesSender resolved, so host and password follow SES", async () => {
    const mail = await build("mail", { ...BASE, region: "ap-southeast-2" });
    expect(sim.ofType("pulumi:providers:aws")).toEqual([]);
    const key = sim.ofType("aws:iam/accessKey:AccessKey")[0];
    const smtp = (await resolve(mail.smtp)).value!;
    expect(smtp.host).toBe("email-smtp.ap-southeast-2.amazonaws.com");
    expect(smtp.region).toBe("ap-southeast-2");
    expect(smtp.password).toBe(sesSmtpPasswordV4(key.state.secret as string, "ap-southeast-2"));
    expect(smtp.password).not.toBe(key.state.sesSmtpPasswordV4);
    expect(await valueOf(mail.region)).toBe("ap-southeast-2");
  });

  it("without a region, gives SES and the bundle the provider's region", async () => {
    const mail = await build("mail", { ...BASE, region: undefined });
    const key = sim.ofType("aws:iam/accessKey:AccessKey")[0];
    const smtp = (await resolve(mail.smtp)).value!;
    expect(smtp.host).toBe("email-smtp.us-east-1.amazonaws.com");
    expect(smtp.password).toBe(sesSmtpPasswordV4(key.state.secret as string, "us-east-1"));
    expect(await valueOf(mail.identityArn)).toMatch(/^arn:aws:ses:us-east-1:/);
  });

  it("records nothing unknown after a deployment", async () => {
    await build("mail", BASE);
    expect(JSON.stringify(sim.resources.map((r) => r.inputs))).not.toContain(UNKNOWN);
  });
});

describe("MailDomain refuses bad input before registering any child", () => {
  const spf10 = `v=spf1 ${Array.from({ length: 10 }, (_, i) => `include:s${i}.example.net`).join(" ")} -all`;
  const cases: [string, Partial<MailDomainArgs>, string][] = [
    [
      "an invalid domain",
      { domain: "-example.com" },
      'MailDomain "bad": invalid domain "-example.com": Label "-example" of "-example.com" starts or ends with a hyphen. Fix: Start and end every label with a letter or digit.',
    ],
    [
      "a DMARC option out of range",
      { dmarc: { p: "reject", pct: 150 } },
      'MailDomain "bad": invalid dmarc {"p":"reject","pct":150}: pct="150" is not an integer from 0 to 100 (RFC 7489). Fix: Remove pct (RFC 9989 dropped it; use t=y to test) or set an integer 0..100.',
    ],
    [
      "a From address outside the domain",
      { allowedFromAddresses: ["ceo@example.net"] },
      'MailDomain "bad": invalid allowedFromAddresses[0] "ceo@example.net": it is outside example.com, which SES cannot send from with this identity. Fix: Use an address at example.com or one of its subdomains.',
    ],
    [
      "a retainPreviousCredentials that is not a plain boolean",
      { retainPreviousCredentials: 1 as unknown as boolean },
      'MailDomain "bad": invalid retainPreviousCredentials 1: it must be true or false. Fix: Pass a plain boolean (not an Output), or leave it out for false.',
    ],
    [
      "an SPF merge beyond 10 lookups",
      { apexSpf: { existing: spf10, add: { includes: ["amazonses.com"] } } },
      `MailDomain "bad": invalid apexSpf {"existing":"${spf10}","add":{"includes":["amazonses.com"]}}: SPF record "${spf10.replace(" -all", " include:amazonses.com -all")}" has 11 terms that query DNS (include, a, mx, ptr, exists, redirect); receivers stop at 10 with permerror. Fix: Replace a, mx and ptr with ip4/ip6 ranges, or drop includes you no longer send through.`,
    ],
    [
      "an empty Cloudflare zone id, under MailDomain's name for it",
      { cloudflareZoneId: "" },
      'MailDomain "bad": invalid cloudflareZoneId "": it must be a Cloudflare zone id, as a string or an Output. Fix: Give the zone\'s id (32 hexadecimal characters, on the zone\'s overview page in the Cloudflare dashboard).',
    ],
    [
      "a public suffix as the domain",
      { domain: "github.io" },
      'MailDomain "bad": invalid domain "github.io": "github.io" is a public suffix (Public Suffix List, in the list\'s private section: its operator hands out names under it), not a domain anyone can send mail from. Fix: Use the registrable domain you hold under it, such as <your-name>.github.io.',
    ],
    [
      "a DMARC policy the pack's dmarc-policy-enforced fails",
      { dmarc: { p: "none" } },
      'MailDomain "bad": invalid dmarc {"p":"none"}: the policy pack\'s mandatory dmarc-policy-enforced policy (minimumPolicy "quarantine", requireFullPct true) would fail it: DMARC p=none in "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com" is weaker than quarantine, so receivers deliver mail that fails DMARC. Fix: Set p=quarantine once reports show legitimate mail passing (mailguard\'s MailDomain defaults to quarantine). Or, if your stack configures dmarc-policy-enforced with minimumPolicy: "none", pass dmarcPolicyEnforced: { minimumPolicy: "none" } to say so.',
    ],
    [
      "an apex SPF whose existing value is not a string",
      { apexSpf: { existing: 42 as unknown as string } },
      'MailDomain "bad": invalid apexSpf.existing 42: it must be a non-empty string. Fix: Give the SPF value the domain publishes today (it starts with v=spf1), or leave existing out when there is none.',
    ],
    [
      "a KMS key for the secret given as null",
      { secretKmsKeyId: null as unknown as string },
      'MailDomain "bad": invalid secretKmsKeyId null: it must be a KMS key id, alias or ARN, as a string or an Output. Fix: Give a key id, an alias such as alias/mail-secrets, or a key ARN; or leave it out for aws/secretsmanager.',
    ],
    [
      "no DNS zone at all",
      { cloudflareZoneId: undefined },
      'MailDomain "bad": invalid dns undefined: MailDomain needs the DNS zone the records go into. Fix: Give dns: { cloudflare: { zoneId: "<zone id>" } }, dns: { route53: { zoneId: "<hosted zone id>" } } or dns: { route53: { zoneName: "example.com" } }; cloudflareZoneId: "<zone id>" is the short form of the first.',
    ],
    [
      "a Cloudflare zone name without its id",
      { cloudflareZoneId: undefined, cloudflareZoneName: "example.com" },
      'MailDomain "bad": invalid dns undefined: MailDomain needs the DNS zone the records go into (cloudflareZoneName only checks the domain against it). Fix: Give dns: { cloudflare: { zoneId: "<zone id>" } }, dns: { route53: { zoneId: "<hosted zone id>" } } or dns: { route53: { zoneName: "example.com" } }; cloudflareZoneId: "<zone id>" is the short form of the first.',
    ],
    [
      "dns together with the short form cloudflareZoneId",
      { dns: { route53: { zoneId: R53_ZONE } } },
      'MailDomain "bad": invalid cloudflareZoneId "023e105f4ecef8ad9ca31a8372d0c353": cloudflareZoneId belongs to the short form of dns: { cloudflare: { zoneId, zoneName } }, and dns names the zone too; the records go into one zone. Fix: Give the zone once: in dns, or as cloudflareZoneId (with cloudflareZoneName) alone.',
    ],
    [
      "dns naming both backends",
      {
        cloudflareZoneId: undefined,
        dns: { cloudflare: { zoneId: ZONE }, route53: { zoneId: R53_ZONE } },
      },
      'MailDomain "bad": invalid dns {"cloudflare":{"zoneId":"023e105f4ecef8ad9ca31a8372d0c353"},"route53":{"zoneId":"Z0123456789ABCDEFGHIJ"}}: it must name exactly one DNS backend, cloudflare or route53: the records go into one zone. Fix: Give dns: { cloudflare: { zoneId: "<zone id>" } }, dns: { route53: { zoneId: "<hosted zone id>" } } or dns: { route53: { zoneName: "example.com" } }; cloudflareZoneId: "<zone id>" is the short form of the first.',
    ],
    [
      "a Route53 zone with neither id nor name, under MailDomain's name for it",
      { cloudflareZoneId: undefined, dns: { route53: {} } },
      'MailDomain "bad": invalid dns.route53.zoneId undefined: Route53MailRecords needs the hosted zone the records go into. Fix: Give zoneId (such as Z0123456789ABCDEFGHIJ, in the hosted zone details of the Route53 console), or zoneName to look the public zone up by name.',
    ],
    [
      "an empty Cloudflare zone id given in dns",
      { cloudflareZoneId: undefined, dns: { cloudflare: { zoneId: "" } } },
      'MailDomain "bad": invalid dns.cloudflare.zoneId "": it must be a Cloudflare zone id, as a string or an Output. Fix: Give the zone\'s id (32 hexadecimal characters, on the zone\'s overview page in the Cloudflare dashboard).',
    ],
    [
      "a TTL Route53 refuses, by Route53's rules",
      { cloudflareZoneId: undefined, dns: { route53: { zoneId: R53_ZONE } }, ttl: -5 },
      'MailDomain "bad": invalid ttl -5: Route53 accepts a whole number of seconds from 0 to 2147483647 (it has no automatic TTL). Fix: Leave it out for 3600.',
    ],
    [
      "adoption on a Route53 zone looked up by name",
      {
        cloudflareZoneId: undefined,
        dns: { route53: { zoneName: "example.com" } },
        apexSpf: "v=spf1 include:_spf.google.com ~all",
        adopt: { spf: true },
      },
      'MailDomain "bad": invalid adopt {"spf":true}: adopting a live record needs the zone id as a plain string, and zoneId is not given (the zone is looked up by zoneName): Pulumi\'s import option takes the live record set\'s id (<zone id>_<name>_TXT) as a plain string. Fix: Give zoneId, the hosted zone\'s id as a plain string, or leave adopt out and delete the live record sets before pulumi up.',
    ],
    [
      "arguments that are not an object",
      null as unknown as Partial<MailDomainArgs>,
      'MailDomain "bad": invalid args null: it must be an object of MailDomain arguments. Fix: Pass an object such as { domain: "example.com" }.',
    ],
  ];
  it.each(cases)("refuses %s with a ResourceError naming it", async (_what, change, message) => {
    await expectRefusal(
      sim,
      "mailguard:index:MailDomain bad",
      () => new MailDomain("bad", change === null ? (null as never) : { ...BASE, ...change }),
      message,
    );
  });
});

describe("MailDomain options that reach its children", () => {
  it("publishes an apex SPF given as a string, the existing record as it is", async () => {
    await build("mail", { ...BASE, apexSpf: "v=spf1 include:_spf.google.com ~all" });
    const spf = sim.find("cloudflare:index/dnsRecord:DnsRecord", "mail-dns-spf")!;
    expect([spf.inputs.name, spf.inputs.content]).toEqual([
      "example.com",
      '"v=spf1 include:_spf.google.com ~all"',
    ]);
  });

  it("publishes p=none when told the pack's dmarc-policy-enforced is configured for it", async () => {
    await build("mail", {
      ...BASE,
      dmarc: { p: "none", rua: ["mailto:dmarc@example.com"] },
      dmarcPolicyEnforced: { minimumPolicy: "none" },
    });
    expect(sim.find("cloudflare:index/dnsRecord:DnsRecord", "mail-dns-dmarc")!.inputs.content).toBe(
      '"v=DMARC1; p=none; rua=mailto:dmarc@example.com"',
    );
  });
});

describe("MailDomain on Route53", () => {
  const ROUTE53: MailDomainArgs = {
    domain: "example.com",
    dns: { route53: { zoneName: "example.com" } },
    region: "eu-west-1",
  };

  it("composes Route53MailRecords instead of CloudflareMailRecords, with a record set per name and type", async () => {
    await build("mail", ROUTE53);
    const root = sim.find("mailguard:index:MailDomain", "mail")!;
    expect(inventory(sim.childrenOf(root)).sort()).toEqual(
      [
        "mailguard:index:SesSender mail-ses",
        "mailguard:index:SmtpCredentials mail-smtp",
        "mailguard:index:Route53MailRecords mail-dns",
      ].sort(),
    );
    const dns = sim.find("mailguard:index:Route53MailRecords", "mail-dns")!;
    expect(inventory(sim.childrenOf(dns)).sort()).toEqual(
      [
        `${R53} mail-dns-dkim-0`,
        `${R53} mail-dns-dkim-1`,
        `${R53} mail-dns-dkim-2`,
        `${R53} mail-dns-mail-from-mx`,
        `${R53} mail-dns-mail-from-spf`,
        `${R53} mail-dns-dmarc`,
      ].sort(),
    );
    expect(sim.ofType("cloudflare:index/dnsRecord:DnsRecord")).toEqual([]);
    expect(sim.calls.filter((c) => c.token === "aws:route53/getZone:getZone")).toHaveLength(1);
    // The zone the simulator finds for example.com.
    for (const r of sim.ofType(R53)) expect(r.inputs.zoneId).toBe("ZQAV4CUE4EC8LI16KBUXP");
    expect(sim.find(R53, "mail-dns-mail-from-mx")!.inputs.records).toEqual([
      "10 feedback-smtp.eu-west-1.amazonses.com",
    ]);
  });

  it("outputs the same records, in the same shape, as on Cloudflare", async () => {
    const [t0, t1, t2] = dkimTokensFor("example.com");
    const expected = [
      {
        name: `${t0}._domainkey.example.com`,
        type: "CNAME",
        content: `${t0}.dkim.amazonses.com`,
        ttl: 3600,
        proxied: false,
      },
      {
        name: `${t1}._domainkey.example.com`,
        type: "CNAME",
        content: `${t1}.dkim.amazonses.com`,
        ttl: 3600,
        proxied: false,
      },
      {
        name: `${t2}._domainkey.example.com`,
        type: "CNAME",
        content: `${t2}.dkim.amazonses.com`,
        ttl: 3600,
        proxied: false,
      },
      {
        name: "mail.example.com",
        type: "MX",
        content: "feedback-smtp.eu-west-1.amazonses.com",
        ttl: 3600,
        priority: 10,
        proxied: false,
      },
      {
        name: "mail.example.com",
        type: "TXT",
        content: '"v=spf1 include:amazonses.com -all"',
        ttl: 3600,
        proxied: false,
      },
      {
        name: "_dmarc.example.com",
        type: "TXT",
        content: '"v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:dmarc-reports@example.com"',
        ttl: 3600,
        proxied: false,
      },
    ];
    const route53 = await build("r53", ROUTE53);
    expect(await valueOf(route53.records)).toEqual(expected);
    sim.reset();
    const cloudflare = await build("cf", BASE);
    expect(await valueOf(cloudflare.records)).toEqual(expected);
  });

  it("adopts the live apex record set, keeping its other values, with the zone id given", async () => {
    await build("mail", {
      ...ROUTE53,
      dns: { route53: { zoneId: R53_ZONE } },
      apexSpf: {
        existing: ["v=spf1 include:_spf.google.com ~all", "google-site-verification=abc"],
      },
      adopt: { spf: true },
    });
    const apex = sim.find(R53, "mail-dns-spf")!;
    expect(apex.inputs.records).toEqual([
      "v=spf1 include:_spf.google.com ~all",
      "google-site-verification=abc",
    ]);
    expect(apex.options?.import).toBe("Z0123456789ABCDEFGHIJ_example.com_TXT");
    expect(sim.calls.filter((c) => c.token === "aws:route53/getZone:getZone")).toEqual([]);
  });

  it("adopts a live Cloudflare SPF record through dns.cloudflare", async () => {
    await build("mail", {
      domain: "example.com",
      region: "eu-west-1",
      dns: { cloudflare: { zoneId: ZONE, zoneName: "example.com" } },
      apexSpf: "v=spf1 include:_spf.google.com ~all",
      adopt: { spf: "372e67954025e0ba6aaa6d586b9e0b59" },
    });
    const spf = sim.find("cloudflare:index/dnsRecord:DnsRecord", "mail-dns-spf")!;
    expect(spf.options?.import).toBe(
      "023e105f4ecef8ad9ca31a8372d0c353/372e67954025e0ba6aaa6d586b9e0b59",
    );
    expect(spf.inputs.zoneId).toBe(ZONE);
  });
});
