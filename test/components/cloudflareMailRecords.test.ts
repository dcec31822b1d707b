import {
  CloudflareMailRecords,
  CloudflareMailRecordsArgs,
} from "../../components/cloudflareMailRecords";
import { MailDnsRecord } from "../../components/common";
import { analyzeDmarc } from "../../policies/core/dmarc";
import { analyzeSpf } from "../../policies/core/spf";
import { joinTxt, splitTxt } from "../../policies/core/txt";
import { ProviderSimulator, settle, simulate, valueOf, expectRefusal } from "../helpers/mocks";

let sim: ProviderSimulator;
beforeAll(async () => {
  sim = await simulate();
});
beforeEach(() => sim.reset());

const COMPONENT = "mailguard:index:CloudflareMailRecords";
const DNS = "cloudflare:index/dnsRecord:DnsRecord";
const ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
const TEN_INCLUDES = `v=spf1 ${Array.from({ length: 10 }, (_, i) => `include:s${i}.example.net`).join(" ")} -all`;

const SES_RECORDS: MailDnsRecord[] = [
  {
    key: "dkim-0",
    name: "aaaa._domainkey.example.com",
    type: "CNAME",
    content: "aaaa.dkim.amazonses.com",
    ttl: 3600,
    purpose: "DKIM (SES Easy DKIM)",
  },
  {
    key: "mail-from-mx",
    name: "mail.example.com",
    type: "MX",
    content: "feedback-smtp.eu-west-1.amazonses.com",
    priority: 10,
    ttl: 3600,
    purpose: "MAIL FROM bounces to SES",
  },
  {
    key: "mail-from-spf",
    name: "mail.example.com",
    type: "TXT",
    content: "v=spf1 include:amazonses.com -all",
    ttl: 3600,
    purpose: "MAIL FROM SPF",
  },
];

async function build(name: string, args: CloudflareMailRecordsArgs) {
  const records = new CloudflareMailRecords(name, args);
  await valueOf(records.urn);
  await settle(sim);
  return records;
}

describe("CloudflareMailRecords", () => {
  it("publishes the given records plus DMARC, each a DnsRecord child, never proxied, with a mailguard comment", async () => {
    const component = await build("dns", {
      zoneId: ZONE,
      domain: "example.com",
      records: SES_RECORDS,
    });
    const parent = sim.find(COMPONENT, "dns")!;
    const records = sim.ofType(DNS);
    expect(records.map((r) => r.name).sort()).toEqual(
      ["dns-dkim-0", "dns-dmarc", "dns-mail-from-mx", "dns-mail-from-spf"].sort(),
    );
    expect(sim.resources.filter((r) => r.type !== COMPONENT && r.type !== DNS)).toEqual([]);
    for (const r of records) {
      expect(r.parent).toBe(parent.urn);
      expect(r.inputs.proxied).toBe(false);
      expect(r.inputs.zoneId).toBe(ZONE);
      expect(r.inputs.comment).toMatch(/^Managed by mailguard: /);
    }
    const byName = Object.fromEntries(records.map((r) => [r.name, r.inputs]));
    expect(byName["dns-dkim-0"]).toEqual({
      zoneId: ZONE,
      name: "aaaa._domainkey.example.com",
      type: "CNAME",
      content: "aaaa.dkim.amazonses.com",
      ttl: 3600,
      proxied: false,
      comment: "Managed by mailguard: DKIM (SES Easy DKIM)",
    });
    expect(byName["dns-mail-from-mx"]).toMatchObject({
      type: "MX",
      content: "feedback-smtp.eu-west-1.amazonses.com",
      priority: 10,
    });
    expect(byName["dns-mail-from-spf"].content).toBe('"v=spf1 include:amazonses.com -all"');
    expect(byName["dns-dmarc"]).toMatchObject({
      name: "_dmarc.example.com",
      type: "TXT",
      content: '"v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:dmarc-reports@example.com"',
    });
    const published = await valueOf(component.records);
    expect(published).toHaveLength(4);
    expect(published.every((r) => r.proxied === false)).toBe(true);
    expect(component.reportAuthorizations).toEqual([]);
  });

  it("publishes DMARC built by the core from typed options, and lists the authorization an outside report address needs", async () => {
    const component = await build("dns", {
      zoneId: ZONE,
      domain: "example.com",
      dmarc: { p: "reject", rua: ["mailto:dmarc@example.com", "mailto:reports@dmarc-vendor.net"] },
    });
    const dmarc = sim.find(DNS, "dns-dmarc")!;
    const value = joinTxt(dmarc.inputs.content as string);
    expect(value).toBe(
      "v=DMARC1; p=reject; rua=mailto:dmarc@example.com,mailto:reports@dmarc-vendor.net",
    );
    expect(analyzeDmarc(value).record?.p).toBe("reject");
    expect(component.reportAuthorizations).toEqual([
      {
        uri: "mailto:reports@dmarc-vendor.net",
        destination: "dmarc-vendor.net",
        name: "example.com._report._dmarc.dmarc-vendor.net",
        content: "v=DMARC1;",
      },
    ]);
    // Listed, not created: it belongs to another zone.
    expect(sim.ofType(DNS).map((r) => r.inputs.name)).toEqual(["_dmarc.example.com"]);
  });

  it("sends reports to dmarc-reports@<domain> when the DMARC options leave rua undefined", async () => {
    const component = await build("dns", {
      zoneId: ZONE,
      domain: "news.example.com",
      dmarc: { p: "reject", adkim: "s" },
    });
    expect(joinTxt(sim.find(DNS, "dns-dmarc")!.inputs.content as string)).toBe(
      "v=DMARC1; p=reject; adkim=s; rua=mailto:dmarc-reports@news.example.com",
    );
    expect(component.reportAuthorizations).toEqual([]);
  });

  it("publishes no rua= when the DMARC options give an empty list", async () => {
    await build("dns", { zoneId: ZONE, domain: "example.com", dmarc: { p: "reject", rua: [] } });
    expect(joinTxt(sim.find(DNS, "dns-dmarc")!.inputs.content as string)).toBe(
      "v=DMARC1; p=reject",
    );
  });

  it("merges the apex SPF with the existing value instead of overwriting it", async () => {
    await build("dns", {
      zoneId: ZONE,
      domain: "example.com",
      dmarc: false,
      apexSpf: {
        existing: "v=spf1 include:_spf.google.com ~all",
        add: { includes: ["amazonses.com"] },
      },
    });
    const spf = sim.find(DNS, "dns-spf")!;
    expect(spf.inputs.name).toBe("example.com");
    const value = joinTxt(spf.inputs.content as string);
    expect(value).toBe("v=spf1 include:_spf.google.com include:amazonses.com ~all");
    expect(analyzeSpf(value).permerrors).toEqual([]);
  });

  it("quotes and splits a TXT value longer than 255 octets as the core does", async () => {
    const long = `v=DKIM1; k=rsa; p=${"A".repeat(392)}`;
    await build("dns", {
      zoneId: ZONE,
      domain: "example.com",
      dmarc: false,
      records: [
        {
          key: "dkim",
          name: "s1._domainkey.example.com",
          type: "TXT",
          content: long,
          ttl: 3600,
          purpose: "DKIM",
        },
      ],
    });
    const content = sim.find(DNS, "dns-dkim")!.inputs.content as string;
    expect(content).toBe(
      splitTxt(long)
        .map((s) => `"${s}"`)
        .join(" "),
    );
    expect(splitTxt(long).length).toBe(2);
    expect(joinTxt(content)).toBe(long);
  });

  it("works for an identity on a subdomain of the zone", async () => {
    await build("dns", {
      zoneId: ZONE,
      zoneName: "example.com",
      domain: "news.example.com",
      records: [{ ...SES_RECORDS[1], name: "mail.news.example.com" }],
    });
    expect(
      sim
        .ofType(DNS)
        .map((r) => r.inputs.name)
        .sort(),
    ).toEqual(["_dmarc.news.example.com", "mail.news.example.com"]);
  });

  it("applies a TTL override to every record", async () => {
    await build("dns", { zoneId: ZONE, domain: "example.com", records: SES_RECORDS, ttl: 1 });
    expect(sim.ofType(DNS).map((r) => r.inputs.ttl)).toEqual([1, 1, 1, 1]);
  });

  it("accepts the 30-second TTL Enterprise zones allow", async () => {
    await build("dns", { zoneId: ZONE, domain: "example.com", records: SES_RECORDS, ttl: 30 });
    expect(sim.ofType(DNS).map((r) => r.inputs.ttl)).toEqual([30, 30, 30, 30]);
  });
});

describe("CloudflareMailRecords refuses bad input before registering any child", () => {
  const cases: [string, Partial<CloudflareMailRecordsArgs>, string][] = [
    [
      "a DMARC policy that does not exist",
      { dmarc: { p: "block" as "reject" } },
      'CloudflareMailRecords "bad": invalid dmarc {"p":"block"}: p="block" is not a DMARC policy; it must be none, quarantine or reject. Fix: Set p=reject (or quarantine; none only while monitoring).',
    ],
    [
      "an SPF merge beyond 10 DNS lookups",
      {
        apexSpf: {
          existing: TEN_INCLUDES,
          add: { includes: ["amazonses.com"] },
        },
      },
      `CloudflareMailRecords "bad": invalid apexSpf {"existing":"${TEN_INCLUDES}","add":{"includes":["amazonses.com"]}}: SPF record "${TEN_INCLUDES.replace(" -all", " include:amazonses.com -all")}" has 11 terms that query DNS (include, a, mx, ptr, exists, redirect); receivers stop at 10 with permerror. Fix: Replace a, mx and ptr with ip4/ip6 ranges, or drop includes you no longer send through.`,
    ],
    [
      "a domain outside the zone",
      { domain: "example.org", zoneName: "example.com" },
      'CloudflareMailRecords "bad": invalid domain "example.org": it is not in the zone example.com. Fix: Use the zone of the domain (or of a parent domain).',
    ],
    [
      "a TTL Cloudflare refuses",
      { ttl: 5 },
      'CloudflareMailRecords "bad": invalid ttl 5: Cloudflare accepts 1 (automatic) or 60 to 86400 seconds (from 30 on Enterprise zones). Fix: Leave it out for 3600.',
    ],
    [
      "a TTL just below Enterprise's floor",
      { ttl: 29 },
      'CloudflareMailRecords "bad": invalid ttl 29: Cloudflare accepts 1 (automatic) or 60 to 86400 seconds (from 30 on Enterprise zones). Fix: Leave it out for 3600.',
    ],
  ];
  it.each(cases)("refuses %s with a ResourceError naming it", async (_what, change, message) => {
    await expectRefusal(
      sim,
      `${COMPONENT} bad`,
      () => new CloudflareMailRecords("bad", { zoneId: ZONE, domain: "example.com", ...change }),
      message,
    );
  });
});
