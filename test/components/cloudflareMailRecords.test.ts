import { generateKeyPairSync } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import {
  CloudflareMailRecords,
  CloudflareMailRecordsArgs,
} from "../../components/cloudflareMailRecords";
import { MailDnsRecord } from "../../components/common";
import { SES_RECORDS } from "../helpers/mail-records";
import { analyzeDmarc } from "../../policies/core/dmarc";
import { analyzeSpf } from "../../policies/core/spf";
import { joinTxt, splitTxt } from "../../policies/core/txt";
import { ProviderSimulator, settle, simulate, valueOf, expectRefusal } from "../helpers/mocks";

let sim: ProviderSimulator;
beforeAll(async () => {
  sim = await simulate();
});
beforeEach(() => sim.reset());
afterEach(() => jest.restoreAllMocks());

const COMPONENT = "mailguard:index:CloudflareMailRecords";
const DNS = "cloudflare:index/dnsRecord:DnsRecord";
const ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
/** Ids of live records, in the shape Cloudflare gives them. */
const LIVE_SPF = "372e67954025e0ba6aaa6d586b9e0b59";
const LIVE_DMARC = "a3c9e8d1f0b24c6e9d7f1a2b3c4d5e6f";
const TEN_INCLUDES = `v=spf1 ${Array.from({ length: 10 }, (_, i) => `include:s${i}.example.net`).join(" ")} -all`;

/** A TXT record of `records`, as a user would pass one. */
function txt(key: string, name: string, content: string): MailDnsRecord {
  return { key, name, type: "TXT", content, ttl: 3600, purpose: "user record" };
}

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
    const spki = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .publicKey.export({ type: "spki", format: "der" })
      .toString("base64");
    const long = `v=DKIM1; k=rsa; p=${spki}`;
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
    [
      "dmarc given as null",
      { dmarc: null as unknown as false },
      'CloudflareMailRecords "bad": invalid dmarc null: it must be false or DMARC options such as { p: "reject" }. Fix: Pass options such as { p: "reject", rua: ["mailto:dmarc@example.com"] }, false for no DMARC record, or leave it out for p=quarantine.',
    ],
    [
      "DMARC options without p",
      { dmarc: { rua: [] } as unknown as false },
      'CloudflareMailRecords "bad": invalid dmarc.p undefined: DMARC options need p, the policy for the domain. Fix: Give p: "quarantine" or p: "reject".',
    ],
    [
      "p=none, which the pack's dmarc-policy-enforced fails by default",
      { dmarc: { p: "none" } },
      'CloudflareMailRecords "bad": invalid dmarc {"p":"none"}: the policy pack\'s mandatory dmarc-policy-enforced policy (minimumPolicy "quarantine", requireFullPct true) would fail it: DMARC p=none in "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com" is weaker than quarantine, so receivers deliver mail that fails DMARC. Fix: Set p=quarantine once reports show legitimate mail passing (mailguard\'s MailDomain defaults to quarantine). Or, if your stack configures dmarc-policy-enforced with minimumPolicy: "none", pass dmarcPolicyEnforced: { minimumPolicy: "none" } to say so.',
    ],
    [
      "a pct below 100",
      { dmarc: { p: "reject", pct: 50 } },
      'CloudflareMailRecords "bad": invalid dmarc {"p":"reject","pct":50}: the policy pack\'s mandatory dmarc-policy-enforced policy (minimumPolicy "quarantine", requireFullPct true) would fail it: DMARC pct=50 in "v=DMARC1; p=reject; pct=50; rua=mailto:dmarc-reports@example.com" applies the policy to only 50% of failing mail. Fix: Remove pct or set pct=100. Or, if your stack configures dmarc-policy-enforced with requireFullPct: false, pass dmarcPolicyEnforced: { requireFullPct: false } to say so.',
    ],
    [
      "t=y where it lowers quarantine below the minimum",
      { dmarc: { p: "quarantine", t: "y" } },
      'CloudflareMailRecords "bad": invalid dmarc {"p":"quarantine","t":"y"}: the policy pack\'s mandatory dmarc-policy-enforced policy (minimumPolicy "quarantine", requireFullPct true) would fail it: DMARC t=y in "v=DMARC1; p=quarantine; t=y; rua=mailto:dmarc-reports@example.com" puts the record in test mode, so RFC 9989 receivers apply p=none instead of p=quarantine, weaker than quarantine. Fix: Remove t=y (or set t=n) once reports show legitimate mail passing, or lower minimumPolicy while testing. Or, if your stack configures dmarc-policy-enforced with minimumPolicy: "none", pass dmarcPolicyEnforced: { minimumPolicy: "none" } to say so.',
    ],
    [
      "the default quarantine when the pack is configured to require reject",
      { dmarcPolicyEnforced: { minimumPolicy: "reject" } },
      'CloudflareMailRecords "bad": invalid dmarc {"p":"quarantine","adkim":"r","aspf":"r","rua":["mailto:dmarc-reports@example.com"]}: the policy pack\'s mandatory dmarc-policy-enforced policy (minimumPolicy "reject", requireFullPct true) would fail it: DMARC p=quarantine in "v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:dmarc-reports@example.com" is weaker than reject, so receivers deliver mail that fails DMARC. Fix: Set p=reject once reports show legitimate mail passing (mailguard\'s MailDomain defaults to quarantine). Or, if your stack configures dmarc-policy-enforced with minimumPolicy: "quarantine", pass dmarcPolicyEnforced: { minimumPolicy: "quarantine" } to say so.',
    ],
    [
      "an apex SPF with neither existing nor add, which would publish v=spf1 -all",
      { apexSpf: {} },
      'CloudflareMailRecords "bad": invalid apexSpf {}: it gives no SPF record: without existing, add must name a sender, and mailguard does not publish v=spf1 -all at the domain (which fails every other sender of it) unless asked. Fix: Give existing (the SPF value the domain publishes today), senders in add, or add: { all: "-" } to publish v=spf1 -all on purpose.',
    ],
    [
      "an apex SPF whose existing value is a number",
      { apexSpf: { existing: 42 as unknown as string } },
      'CloudflareMailRecords "bad": invalid apexSpf.existing 42: it must be a non-empty string. Fix: Give the SPF value the domain publishes today (it starts with v=spf1), or leave existing out when there is none.',
    ],
    [
      "an apex SPF string that authorizes the internet",
      { apexSpf: "v=spf1 +all" },
      'CloudflareMailRecords "bad": invalid apexSpf "v=spf1 +all": SPF term "+all" authorizes every host on the internet to send as this domain. Fix: End the record with -all (or ~all while testing).',
    ],
    [
      "a misspelt SPF option",
      { apexSpf: { add: { include: ["_spf.google.com"] } as never } },
      'CloudflareMailRecords "bad": invalid apexSpf.add {"include":["_spf.google.com"]}: "include" is not one of its fields (includes, ip4, ip6, a, mx, all, redirect). Fix: Remove it or correct its spelling (did you mean includes?).',
    ],
    [
      "records that are not a list",
      { records: "x" as unknown as MailDnsRecord[] },
      'CloudflareMailRecords "bad": invalid records "x": it must be a list (a plain array). Fix: Pass a list of records such as SesSender.dnsRecords, or leave it out for none.',
    ],
    [
      "an empty zone id",
      { zoneId: "" },
      'CloudflareMailRecords "bad": invalid zoneId "": it must be a Cloudflare zone id, as a string or an Output. Fix: Give the zone\'s id (32 hexadecimal characters, on the zone\'s overview page in the Cloudflare dashboard).',
    ],
    [
      "a public suffix as the domain",
      { domain: "co.uk" },
      'CloudflareMailRecords "bad": invalid domain "co.uk": "co.uk" is a public suffix (Public Suffix List, names are registered under it), not a domain anyone can send mail from. Fix: Use the registrable domain you hold under it, such as example.co.uk.',
    ],
    [
      "a user record that would be a second apex SPF",
      {
        apexSpf: "v=spf1 include:_spf.google.com ~all",
        records: [txt("old-spf", "example.com", "v=spf1 mx -all")],
      },
      'CloudflareMailRecords "bad": invalid records[0].content "v=spf1 mx -all": example.com would have a second SPF record beside the one from apexSpf. There are 2 SPF records at one name ("v=spf1 include:_spf.google.com ~all", "v=spf1 mx -all"); receivers return permerror. Fix: Keep one SPF record at the name. When one of them was live before the stack published its own, adopt the live record instead: import it into the stack with its id (on Cloudflare <zone id>/<record id>; mailguard\'s CloudflareMailRecords takes the record id as adopt.spf, Route53MailRecords adopt.spf: true), so the merged value replaces it in place; or delete the live record. Otherwise merge them into one record (mergeSpf keeps every term) and delete the others.',
    ],
    [
      "two user SPF records at one name",
      {
        records: [
          txt("spf-a", "news.example.com", "v=spf1 a -all"),
          txt("spf-b", "News.Example.com.", "v=spf1 mx -all"),
        ],
      },
      'CloudflareMailRecords "bad": invalid records[1].content "v=spf1 mx -all": news.example.com would have a second SPF record beside the one from records[0]. There are 2 SPF records at one name ("v=spf1 a -all", "v=spf1 mx -all"); receivers return permerror. Fix: Keep one SPF record at the name. When one of them was live before the stack published its own, adopt the live record instead: import it into the stack with its id (on Cloudflare <zone id>/<record id>; mailguard\'s CloudflareMailRecords takes the record id as adopt.spf, Route53MailRecords adopt.spf: true), so the merged value replaces it in place; or delete the live record. Otherwise merge them into one record (mergeSpf keeps every term) and delete the others.',
    ],
    [
      "a user SPF record with +all",
      { records: [txt("spf", "example.com", "v=spf1 +all")] },
      'CloudflareMailRecords "bad": invalid records[0].content "v=spf1 +all": SPF term "+all" authorizes every host on the internet to send as this domain. Fix: End the record with -all (or ~all while testing).',
    ],
    [
      "a user DMARC record the pack's dmarc-policy-enforced fails",
      { dmarc: false, records: [txt("dmarc-own", "_dmarc.example.com", "v=DMARC1; p=none")] },
      'CloudflareMailRecords "bad": invalid records[0].content "v=DMARC1; p=none": the policy pack\'s mandatory dmarc-policy-enforced policy (minimumPolicy "quarantine", requireFullPct true) would fail it: DMARC p=none in "v=DMARC1; p=none" is weaker than quarantine, so receivers deliver mail that fails DMARC. Fix: Set p=quarantine once reports show legitimate mail passing (mailguard\'s MailDomain defaults to quarantine). Or, if your stack configures dmarc-policy-enforced with minimumPolicy: "none", pass dmarcPolicyEnforced: { minimumPolicy: "none" } to say so.',
    ],
    [
      "a user DMARC record beside the one this component publishes",
      { records: [txt("dmarc-own", "_dmarc.example.com", "v=DMARC1; p=reject")] },
      'CloudflareMailRecords "bad": invalid records[0].content "v=DMARC1; p=reject": _dmarc.example.com would have a second DMARC record beside the one from dmarc. There are 2 DMARC records at one name ("v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:dmarc-reports@example.com", "v=DMARC1; p=reject"); receivers discard all of them. Fix: Keep exactly one v=DMARC1 record at _dmarc.<domain>.',
    ],
    [
      "a user DMARC record receivers would ignore",
      { dmarc: false, records: [txt("dmarc-own", "_dmarc.example.com", "v=DMARC1; rua=x")] },
      `CloudflareMailRecords "bad": invalid records[0].content "v=DMARC1; rua=x": The record has no p= tag: RFC 7489 receivers ignore it, and RFC 9989 receivers apply p=none at best (only when rua= is valid). Fix: Add p=none, p=quarantine or p=reject right after v=DMARC1. rua: "x" is not a URI (it needs a scheme such as mailto: and URI characters only). Fix: Write report destinations as mailto:address, e.g. rua=mailto:dmarc@example.com; percent-encode "," ";" and spaces.`,
    ],
    [
      "a user DKIM key record whose key is not base64",
      { records: [txt("dkim", "s1._domainkey.example.com", "v=DKIM1; k=rsa; p=MIIB!")] },
      'CloudflareMailRecords "bad": invalid records[0].content "v=DKIM1; k=rsa; p=MIIB!": The p= value "MIIB!" is not valid base64. Fix: Publish the base64 encoding of the public key, padded with = to a multiple of 4 characters.',
    ],
    [
      "a CNAME at a name that has another record",
      {
        records: [
          { ...SES_RECORDS[1] },
          {
            key: "alias",
            name: "mail.example.com",
            type: "CNAME",
            content: "other.example.net",
            ttl: 3600,
            purpose: "alias",
          },
        ],
      },
      'CloudflareMailRecords "bad": invalid records[1] {"key":"alias","name":"mail.example.com","type":"CNAME","content":"other.example.net","ttl":3600,"purpose":"alias"}: mail.example.com would hold a CNAME and another record (records[0]); a CNAME must be alone at its name (RFC 1034 3.6.2). Fix: Publish the CNAME at a name of its own, or drop one of them.',
    ],
    [
      "a user record taking the key of the DMARC record",
      { records: [{ ...SES_RECORDS[1], key: "dmarc" }] },
      'CloudflareMailRecords "bad": invalid records[0].key "dmarc": another record has the same key. Fix: Give each record its own key.',
    ],
    [
      "adoption with a zone id that is an Output",
      {
        zoneId: pulumi.output(ZONE),
        apexSpf: "v=spf1 include:_spf.google.com ~all",
        adopt: { spf: LIVE_SPF },
      },
      'CloudflareMailRecords "bad": invalid adopt {"spf":"372e67954025e0ba6aaa6d586b9e0b59"}: adopting a live record needs the zone id as a plain string, and zoneId is an Output: Pulumi\'s import option takes the live record\'s id (<zone id>/<record id>) as a plain string. Fix: Give zoneId as the zone\'s id, a plain string, or leave adopt out and delete the live records before pulumi up.',
    ],
    [
      "a record id that is not Cloudflare's shape",
      { apexSpf: "v=spf1 include:_spf.google.com ~all", adopt: { spf: `${ZONE}/${LIVE_SPF}` } },
      'CloudflareMailRecords "bad": invalid adopt.spf "023e105f4ecef8ad9ca31a8372d0c353/372e67954025e0ba6aaa6d586b9e0b59": it must be the id of the live Cloudflare DNS record, 32 lower-case hexadecimal characters (the API lists them: GET /zones/<zone id>/dns_records?type=TXT&name=<name>). Fix: Give that id, or leave it out to adopt nothing.',
    ],
    [
      "adoption given as true, which is Route53's form",
      { apexSpf: "v=spf1 include:_spf.google.com ~all", adopt: { spf: true as unknown as string } },
      'CloudflareMailRecords "bad": invalid adopt.spf true: it must be the id of the live Cloudflare DNS record, 32 lower-case hexadecimal characters (the API lists them: GET /zones/<zone id>/dns_records?type=TXT&name=<name>). Fix: Give that id, or leave it out to adopt nothing.',
    ],
    [
      "a misspelt adoption",
      { adopt: { apexSpf: LIVE_SPF } as never },
      'CloudflareMailRecords "bad": invalid adopt {"apexSpf":"372e67954025e0ba6aaa6d586b9e0b59"}: "apexSpf" is not one of its fields (spf, dmarc). Fix: Remove it or correct its spelling.',
    ],
    [
      "adopting the apex SPF without publishing one",
      { adopt: { spf: LIVE_SPF } },
      'CloudflareMailRecords "bad": invalid adopt.spf "372e67954025e0ba6aaa6d586b9e0b59": there is no apex SPF record to take the live one\'s place: the component publishes one only with apexSpf. Fix: Give apexSpf with existing, the value the live record holds, or leave adopt.spf out.',
    ],
    [
      "adopting the apex SPF without its live value",
      { apexSpf: { add: { includes: ["_spf.google.com"] } }, adopt: { spf: LIVE_SPF } },
      'CloudflareMailRecords "bad": invalid adopt.spf "372e67954025e0ba6aaa6d586b9e0b59": apexSpf gives no existing value, so the senders the live record lists would be lost when the merged value replaces it. Fix: Give apexSpf.existing, the value the live record holds.',
    ],
    [
      "adopting _dmarc while publishing no DMARC record",
      { dmarc: false, adopt: { dmarc: LIVE_DMARC } },
      'CloudflareMailRecords "bad": invalid adopt.dmarc "a3c9e8d1f0b24c6e9d7f1a2b3c4d5e6f": dmarc is false, so the component publishes no DMARC record to take the live one\'s place. Fix: Give DMARC options (or leave dmarc out for the default), or leave adopt.dmarc out; to have no DMARC record, delete the live one in the zone.',
    ],
    [
      "an existing apex SPF given as a record set, which Cloudflare does not keep",
      {
        apexSpf: {
          existing: ["v=spf1 include:_spf.google.com ~all", "google-site-verification=abc"],
        } as never,
      },
      'CloudflareMailRecords "bad": invalid apexSpf.existing ["v=spf1 include:_spf.google.com ~all","google-site-verification=abc"]: CloudflareMailRecords publishes every TXT value as a record of its own, so the SPF record is all it takes over: the other TXT records at the domain stay as they are. Fix: Give the SPF value alone, as a string.',
    ],
    [
      "a priority on a record that is not MX",
      { records: [{ ...SES_RECORDS[2], priority: 10 }] },
      'CloudflareMailRecords "bad": invalid records[0].priority 10: only MX records have a priority. Fix: Leave it out.',
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

describe("CloudflareMailRecords apex SPF and DMARC forms", () => {
  it("reads an apex SPF given as a string as the existing record, published as it is", async () => {
    await build("dns", {
      zoneId: ZONE,
      domain: "example.com",
      dmarc: false,
      apexSpf: "v=spf1 include:_spf.google.com ~all",
    });
    expect(joinTxt(sim.find(DNS, "dns-spf")!.inputs.content as string)).toBe(
      "v=spf1 include:_spf.google.com ~all",
    );
  });

  it("publishes v=spf1 -all at the domain only when add asks for it", async () => {
    await build("dns", { zoneId: ZONE, domain: "example.com", apexSpf: { add: { all: "-" } } });
    expect(joinTxt(sim.find(DNS, "dns-spf")!.inputs.content as string)).toBe("v=spf1 -all");
  });

  it("builds a fresh apex SPF from the senders in add", async () => {
    await build("dns", {
      zoneId: ZONE,
      domain: "example.com",
      apexSpf: { add: { includes: ["_spf.google.com"] } },
    });
    expect(joinTxt(sim.find(DNS, "dns-spf")!.inputs.content as string)).toBe(
      "v=spf1 include:_spf.google.com -all",
    );
  });

  it("publishes what the pack accepts under the configuration it is told: p=none, pct=50", async () => {
    await build("dns", {
      zoneId: ZONE,
      domain: "example.com",
      dmarc: { p: "none", pct: 50, rua: [] },
      dmarcPolicyEnforced: { minimumPolicy: "none", requireFullPct: false },
    });
    expect(joinTxt(sim.find(DNS, "dns-dmarc")!.inputs.content as string)).toBe(
      "v=DMARC1; p=none; pct=50",
    );
  });

  it("publishes user TXT records that pass the core checks, and TXT whose value is an Output unjudged", async () => {
    const spki = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .publicKey.export({ type: "spki", format: "der" })
      .toString("base64");
    await build("dns", {
      zoneId: ZONE,
      domain: "example.com",
      dmarc: false,
      records: [
        txt("spf", "example.com", "v=spf1 include:_spf.google.com ~all"),
        txt("dmarc", "_dmarc.example.com", "v=DMARC1; p=reject"),
        txt("dkim", "s1._domainkey.example.com", `v=DKIM1; k=rsa; p=${spki}`),
        { ...txt("later", "s2._domainkey.example.com", ""), content: pulumi.output("v=spf1 +all") },
      ],
    });
    expect(
      sim
        .ofType(DNS)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["dns-dkim", "dns-dmarc", "dns-later", "dns-spf"]);
  });
});

describe("CloudflareMailRecords adopting what is live", () => {
  it("replaces the live apex SPF with the merged value in place: one SPF record at the apex, imported", async () => {
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    await build("dns", {
      zoneId: ZONE,
      domain: "example.com",
      dmarc: false,
      apexSpf: {
        existing: "v=spf1 include:_spf.google.com ~all",
        add: { includes: ["spf.example.net"] },
      },
      adopt: { spf: LIVE_SPF },
    });
    const apex = sim.ofType(DNS).filter((r) => r.inputs.name === "example.com");
    expect(apex.map((r) => r.name)).toEqual(["dns-spf"]);
    expect(apex[0].inputs).toEqual({
      zoneId: ZONE,
      name: "example.com",
      type: "TXT",
      content: '"v=spf1 include:_spf.google.com include:spf.example.net ~all"',
      ttl: 3600,
      proxied: false,
      comment: "Managed by mailguard: SPF of the domain",
    });
    expect(apex[0].options?.import).toBe(
      "023e105f4ecef8ad9ca31a8372d0c353/372e67954025e0ba6aaa6d586b9e0b59",
    );
    // The live record's id: the record is taken over, not created beside it.
    expect(apex[0].id).toBe(LIVE_SPF);
    expect(warn).not.toHaveBeenCalled();
  });

  it("adopts the live _dmarc record, and only the records it is told to", async () => {
    await build("dns", {
      zoneId: ZONE,
      domain: "example.com",
      records: SES_RECORDS,
      dmarc: { p: "reject" },
      adopt: { dmarc: LIVE_DMARC },
    });
    const imports = Object.fromEntries(sim.ofType(DNS).map((r) => [r.name, r.options?.import]));
    expect(imports).toEqual({
      "dns-dkim-0": undefined,
      "dns-mail-from-mx": undefined,
      "dns-mail-from-spf": undefined,
      "dns-dmarc": "023e105f4ecef8ad9ca31a8372d0c353/a3c9e8d1f0b24c6e9d7f1a2b3c4d5e6f",
    });
    expect(sim.find(DNS, "dns-dmarc")!.inputs.content).toBe(
      '"v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com"',
    );
  });

  it("says plainly, as a warning, that a live SPF record given only as existing must be imported or removed", async () => {
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    await build("dns", {
      zoneId: ZONE,
      domain: "example.com",
      apexSpf: "v=spf1 include:_spf.google.com ~all",
    });
    expect(sim.find(DNS, "dns-spf")!.options?.import).toBeUndefined();
    expect(warn.mock.calls).toEqual([
      [
        'warning: [runtime] CloudflareMailRecords "dns": apexSpf.existing is the SPF record example.com publishes today, and this component publishes its own SPF record at example.com: unless the live record goes, the domain has two SPF records, which receivers treat as a permerror for all of its mail. Adopt the live record (adopt: { spf: "<its DNS record id>" }), so the merged value replaces it in place, or delete it before pulumi up.',
      ],
    ]);
  });

  it("warns about nothing when the apex SPF is built from add alone", async () => {
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    await build("dns", {
      zoneId: ZONE,
      domain: "example.com",
      apexSpf: { add: { includes: ["_spf.google.com"] } },
    });
    expect(warn).not.toHaveBeenCalled();
  });
});
