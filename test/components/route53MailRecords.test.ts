import { generateKeyPairSync } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { MailDnsRecord } from "../../components/common";
import { SES_RECORDS } from "../helpers/mail-records";
import { Route53MailRecords, Route53MailRecordsArgs } from "../../components/route53MailRecords";
import {
  expectRefusal,
  inventory,
  ProviderSimulator,
  resolve,
  settle,
  simulate,
  valueOf,
} from "../helpers/mocks";

let sim: ProviderSimulator;
beforeAll(async () => {
  sim = await simulate();
});
beforeEach(() => sim.reset());
afterEach(() => jest.restoreAllMocks());

const COMPONENT = "mailguard:index:Route53MailRecords";
const RECORD = "aws:route53/record:Record";
const ZONE = "Z0123456789ABCDEFGHIJ";
/** The zone id the simulator gives example.com when it is looked up by name. */
const LOOKED_UP = "ZQAV4CUE4EC8LI16KBUXP";
const GOOGLE_SPF = "v=spf1 include:_spf.google.com ~all";
const DEFAULT_DMARC =
  "v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:dmarc-reports@example.com";

function txt(key: string, name: string, content: string, ttl = 3600): MailDnsRecord {
  return { key, name, type: "TXT", content, ttl, purpose: "user record" };
}

async function build(name: string, args: Route53MailRecordsArgs) {
  const records = new Route53MailRecords(name, args);
  await valueOf(records.urn);
  await settle(sim);
  return records;
}

/** The inputs of each record set, by logical name. */
function sets(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(sim.ofType(RECORD).map((r) => [r.name, r.inputs]));
}

describe("Route53MailRecords", () => {
  it("publishes one aws.route53.Record per name and type: the MAIL FROM name holds two, MX and TXT", async () => {
    await build("dns", { zoneId: ZONE, domain: "example.com", records: SES_RECORDS });
    const parent = sim.find(COMPONENT, "dns")!;
    expect(inventory(sim.resources)).toEqual([
      `${COMPONENT} dns`,
      `${RECORD} dns-dkim-0`,
      `${RECORD} dns-mail-from-mx`,
      `${RECORD} dns-mail-from-spf`,
      `${RECORD} dns-dmarc`,
    ]);
    for (const r of sim.ofType(RECORD)) expect(r.parent).toBe(parent.urn);
    expect(sets()).toEqual({
      "dns-dkim-0": {
        zoneId: ZONE,
        name: "aaaa._domainkey.example.com",
        type: "CNAME",
        ttl: 3600,
        records: ["aaaa.dkim.amazonses.com"],
      },
      "dns-mail-from-mx": {
        zoneId: ZONE,
        name: "mail.example.com",
        type: "MX",
        ttl: 3600,
        records: ["10 feedback-smtp.eu-west-1.amazonses.com"],
      },
      "dns-mail-from-spf": {
        zoneId: ZONE,
        name: "mail.example.com",
        type: "TXT",
        ttl: 3600,
        records: ["v=spf1 include:amazonses.com -all"],
      },
      "dns-dmarc": {
        zoneId: ZONE,
        name: "_dmarc.example.com",
        type: "TXT",
        ttl: 3600,
        records: [DEFAULT_DMARC],
      },
    });
    // Nothing is adopted, and no record set may overwrite a live one.
    for (const r of sim.ofType(RECORD)) {
      expect(r.options?.import).toBeUndefined();
      expect(r.inputs).not.toHaveProperty("allowOverwrite");
    }
    expect(sim.calls).toEqual([]);
  });

  it("outputs the records in the shape CloudflareMailRecords does: TXT quoted, MX priority apart", async () => {
    const component = await build("dns", {
      zoneId: ZONE,
      domain: "example.com",
      records: SES_RECORDS,
    });
    expect(await valueOf(component.records)).toEqual([
      {
        name: "aaaa._domainkey.example.com",
        type: "CNAME",
        content: "aaaa.dkim.amazonses.com",
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
        content: `"${DEFAULT_DMARC}"`,
        ttl: 3600,
        proxied: false,
      },
    ]);
    expect(await valueOf(component.zoneId)).toBe(ZONE);
    expect(component.reportAuthorizations).toEqual([]);
  });

  it("looks the public hosted zone up by zoneName when no zoneId is given", async () => {
    const component = await build("dns", { zoneName: "example.com", domain: "example.com" });
    expect(sim.calls.map((c) => [c.token, c.inputs])).toEqual([
      ["aws:route53/getZone:getZone", { name: "example.com", privateZone: false }],
    ]);
    expect(sets()["dns-dmarc"].zoneId).toBe(LOOKED_UP);
    expect(await valueOf(component.zoneId)).toBe(LOOKED_UP);
  });

  it('splits a TXT value longer than 255 octets into strings joined with "", as the AWS provider takes it', async () => {
    const spki = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .publicKey.export({ type: "spki", format: "der" })
      .toString("base64");
    const long = `v=DKIM1; k=rsa; p=${spki}`;
    expect(long.length).toBe(410);
    const component = await build("dns", {
      zoneId: ZONE,
      domain: "example.com",
      dmarc: false,
      records: [txt("dkim", "s1._domainkey.example.com", long)],
    });
    expect(sets()["dns-dkim"].records).toEqual([`${long.slice(0, 255)}""${long.slice(255)}`]);
    expect((await valueOf(component.records))[0].content).toBe(
      `"${long.slice(0, 255)}" "${long.slice(255)}"`,
    );
  });

  it("splits a TXT value that is an Output the same way once it resolves", async () => {
    const value = `v=spf1 ${Array.from({ length: 20 }, (_, i) => `ip4:192.0.2.${i}`).join(" ")} -all`;
    await build("dns", {
      zoneId: ZONE,
      domain: "example.com",
      dmarc: false,
      records: [{ ...txt("later", "news.example.com", ""), content: pulumi.output(value) }],
    });
    expect(value.length).toBe(301);
    expect(sets()["dns-later"].records).toEqual([`${value.slice(0, 255)}""${value.slice(255)}`]);
  });

  it("publishes a user TXT value at the apex in the same record set as the apex SPF", async () => {
    await build("dns", {
      zoneId: ZONE,
      domain: "example.com",
      dmarc: false,
      apexSpf: { add: { includes: ["_spf.google.com"] } },
      records: [txt("verification", "example.com", "google-site-verification=abc")],
    });
    expect(inventory(sim.ofType(RECORD))).toEqual([`${RECORD} dns-spf`]);
    expect(sets()["dns-spf"]).toEqual({
      zoneId: ZONE,
      name: "example.com",
      type: "TXT",
      ttl: 3600,
      records: ["google-site-verification=abc", "v=spf1 include:_spf.google.com -all"],
    });
  });

  it("applies a TTL override to every record set, 0 included (Route53 has no automatic TTL)", async () => {
    await build("dns", { zoneId: ZONE, domain: "example.com", records: SES_RECORDS, ttl: 0 });
    expect(sim.ofType(RECORD).map((r) => r.inputs.ttl)).toEqual([0, 0, 0, 0]);
  });
});

describe("Route53MailRecords adopting what is live", () => {
  it("merges the SPF into the adopted apex record set and keeps every other value, importing it", async () => {
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    await build("dns", {
      zoneId: ZONE,
      domain: "example.com",
      dmarc: false,
      apexSpf: {
        existing: [GOOGLE_SPF, "google-site-verification=abc", "MS=ms12345678"],
        add: { ip4: ["192.0.2.0/24"] },
      },
      adopt: { spf: true },
    });
    // One record set at the apex, so one SPF record there: merged, with every other value kept.
    expect(inventory(sim.ofType(RECORD))).toEqual([`${RECORD} dns-spf`]);
    const apex = sim.find(RECORD, "dns-spf")!;
    expect(apex.inputs).toEqual({
      zoneId: ZONE,
      name: "example.com",
      type: "TXT",
      ttl: 3600,
      records: [
        "v=spf1 include:_spf.google.com ip4:192.0.2.0/24 ~all",
        "google-site-verification=abc",
        "MS=ms12345678",
      ],
    });
    expect(apex.options?.import).toBe("Z0123456789ABCDEFGHIJ_example.com_TXT");
    expect(apex.id).toBe("Z0123456789ABCDEFGHIJ_example.com_TXT");
    expect(apex.inputs).not.toHaveProperty("allowOverwrite");
    expect(warn).not.toHaveBeenCalled();
  });

  it("adopts the live _dmarc record set, replacing its value with the component's DMARC", async () => {
    await build("dns", {
      zoneId: ZONE,
      domain: "example.com",
      dmarc: { p: "reject" },
      adopt: { dmarc: true },
    });
    const dmarc = sim.find(RECORD, "dns-dmarc")!;
    expect(dmarc.inputs.records).toEqual([
      "v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com",
    ]);
    expect(dmarc.options?.import).toBe("Z0123456789ABCDEFGHIJ__dmarc.example.com_TXT");
  });

  it("adopts nothing with adopt: { spf: false }, and says what to do about the live record set", async () => {
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    await build("dns", {
      zoneId: ZONE,
      domain: "example.com",
      apexSpf: GOOGLE_SPF,
      adopt: { spf: false },
    });
    expect(sim.find(RECORD, "dns-spf")!.options?.import).toBeUndefined();
    expect(warn.mock.calls).toEqual([
      [
        'warning: [runtime] Route53MailRecords "dns": apexSpf.existing is what example.com publishes today, and Route53 keeps every TXT value of a name in one record set: while the live set exists, creating the component\'s fails. Adopt it (adopt: { spf: true }, with every value it holds listed in apexSpf.existing, which are kept), so the merged set replaces it in place, or delete it before pulumi up.',
      ],
    ]);
  });
});

describe("Route53MailRecords refuses bad input before registering any child", () => {
  const cases: [string, Partial<Route53MailRecordsArgs>, string][] = [
    [
      "neither a zone id nor a zone name",
      { zoneId: undefined },
      'Route53MailRecords "bad": invalid zoneId undefined: Route53MailRecords needs the hosted zone the records go into. Fix: Give zoneId (such as Z0123456789ABCDEFGHIJ, in the hosted zone details of the Route53 console), or zoneName to look the public zone up by name.',
    ],
    [
      "a zone id with the /hostedzone/ prefix",
      { zoneId: "/hostedzone/Z0123456789ABCDEFGHIJ" },
      'Route53MailRecords "bad": invalid zoneId "/hostedzone/Z0123456789ABCDEFGHIJ": it is not a Route53 hosted zone id. Fix: Give the hosted zone\'s id, such as Z0123456789ABCDEFGHIJ (without /hostedzone/), or leave it out and give zoneName to look the zone up.',
    ],
    [
      "a negative TTL",
      { ttl: -1 },
      'Route53MailRecords "bad": invalid ttl -1: Route53 accepts a whole number of seconds from 0 to 2147483647 (it has no automatic TTL). Fix: Leave it out for 3600.',
    ],
    [
      "a TTL beyond Route53's largest",
      { ttl: 2147483648 },
      'Route53MailRecords "bad": invalid ttl 2147483648: Route53 accepts a whole number of seconds from 0 to 2147483647 (it has no automatic TTL). Fix: Leave it out for 3600.',
    ],
    [
      "adoption while the zone is looked up by name",
      { zoneId: undefined, zoneName: "example.com", apexSpf: GOOGLE_SPF, adopt: { spf: true } },
      'Route53MailRecords "bad": invalid adopt {"spf":true}: adopting a live record needs the zone id as a plain string, and zoneId is not given (the zone is looked up by zoneName): Pulumi\'s import option takes the live record set\'s id (<zone id>_<name>_TXT) as a plain string. Fix: Give zoneId, the hosted zone\'s id as a plain string, or leave adopt out and delete the live record sets before pulumi up.',
    ],
    [
      "adoption with a zone id that is an Output",
      { zoneId: pulumi.output(ZONE), apexSpf: GOOGLE_SPF, adopt: { spf: true } },
      'Route53MailRecords "bad": invalid adopt {"spf":true}: adopting a live record needs the zone id as a plain string, and zoneId is an Output: Pulumi\'s import option takes the live record set\'s id (<zone id>_<name>_TXT) as a plain string. Fix: Give zoneId, the hosted zone\'s id as a plain string, or leave adopt out and delete the live record sets before pulumi up.',
    ],
    [
      "an adoption given as a record id",
      {
        apexSpf: GOOGLE_SPF,
        adopt: { spf: "372e67954025e0ba6aaa6d586b9e0b59" as unknown as boolean },
      },
      'Route53MailRecords "bad": invalid adopt.spf "372e67954025e0ba6aaa6d586b9e0b59": it must be true or false: Route53 names a record set by zone, name and type, so the import id (<zone id>_<name>_TXT) is derived. Fix: Pass true to adopt the live record set, or leave it out.',
    ],
    [
      "adopting the apex record set without an apex SPF",
      { adopt: { spf: true } },
      'Route53MailRecords "bad": invalid adopt.spf true: there is no apex SPF record to take the live one\'s place: the component publishes one only with apexSpf. Fix: Give apexSpf with existing, the value the live record holds, or leave adopt.spf out.',
    ],
    [
      "adopting the apex record set without its values",
      { apexSpf: { add: { includes: ["_spf.google.com"] } }, adopt: { spf: true } },
      'Route53MailRecords "bad": invalid adopt.spf true: apexSpf gives no existing value, so the senders the live record lists would be lost when the merged value replaces it. Fix: Give apexSpf.existing, every value the live record set holds.',
    ],
    [
      "adopting _dmarc while publishing no DMARC record",
      { dmarc: false, adopt: { dmarc: true } },
      'Route53MailRecords "bad": invalid adopt.dmarc true: dmarc is false, so the component publishes no DMARC record to take the live one\'s place. Fix: Give DMARC options (or leave dmarc out for the default), or leave adopt.dmarc out; to have no DMARC record, delete the live one in the zone.',
    ],
    [
      "an existing record set with two SPF values",
      { apexSpf: { existing: ["v=spf1 a -all", "v=spf1 mx -all"] } },
      'Route53MailRecords "bad": invalid apexSpf.existing ["v=spf1 a -all","v=spf1 mx -all"]: it lists 2 SPF records, which receivers treat as a permerror; the component publishes one. Fix: Keep one of them in existing and give the senders of the others in add.',
    ],
    [
      "an empty existing record set",
      { apexSpf: { existing: [] } },
      'Route53MailRecords "bad": invalid apexSpf.existing []: it lists no value. Fix: List every value the live TXT record set at the domain holds, or leave existing out when there is none.',
    ],
    [
      "an existing record set without an SPF value and no senders to add",
      { apexSpf: { existing: ["google-site-verification=abc"] } },
      'Route53MailRecords "bad": invalid apexSpf {"existing":["google-site-verification=abc"]}: it gives no SPF record: without an SPF value in existing, add must name a sender, and mailguard does not publish v=spf1 -all at the domain (which fails every other sender of it) unless asked. Fix: Give existing (the SPF value the domain publishes today), senders in add, or add: { all: "-" } to publish v=spf1 -all on purpose.',
    ],
    [
      "a kept value with a double quote",
      { apexSpf: { existing: [GOOGLE_SPF, 'say "hi"'] } },
      'Route53MailRecords "bad": invalid apexSpf.existing[1] "say \\"hi\\"": a Route53 TXT value cannot hold a double quote: the AWS provider puts each value in quotes itself and Route53 reads "" inside it as the boundary between two strings. Fix: Give the value as DNS presents it, without quotes; the component splits long values itself.',
    ],
    [
      "a user TXT value with a double quote",
      { records: [txt("quoted", "example.com", '"v=spf1 -all"')] },
      'Route53MailRecords "bad": invalid records[0].content "\\"v=spf1 -all\\"": a Route53 TXT value cannot hold a double quote: the AWS provider puts each value in quotes itself and Route53 reads "" inside it as the boundary between two strings. Fix: Give the value as DNS presents it, without quotes; the component splits long values itself.',
    ],
    [
      "records of one record set with different TTLs",
      { apexSpf: GOOGLE_SPF, records: [txt("verification", "example.com", "x=y", 300)] },
      'Route53MailRecords "bad": invalid records[0].ttl 300: example.com TXT is one record set on Route53, with one TTL, and the apex SPF (apexSpf) in it has TTL 3600. Fix: Give the records of one name and type the same TTL, or set ttl for all.',
    ],
    [
      "a user record that would be a second SPF value in the apex record set",
      { apexSpf: GOOGLE_SPF, records: [txt("old-spf", "example.com", "v=spf1 mx -all")] },
      `Route53MailRecords "bad": invalid records[0].content "v=spf1 mx -all": example.com would have a second SPF record beside the one from apexSpf. There are 2 SPF records at one name ("${GOOGLE_SPF}", "v=spf1 mx -all"); receivers return permerror. Fix: Keep one SPF record at the name. When one of them was live before the stack published its own, adopt the live record instead: import it into the stack with its id (on Cloudflare <zone id>/<record id>; mailguard's CloudflareMailRecords takes the record id as adopt.spf, Route53MailRecords adopt.spf: true), so the merged value replaces it in place; or delete the live record. Otherwise merge them into one record (mergeSpf keeps every term) and delete the others.`,
    ],
    [
      "a record type that is not a mail record",
      { records: [{ ...txt("a", "example.com", "x"), type: "A" as "TXT" }] },
      'Route53MailRecords "bad": invalid records[0].type "A": it must be "CNAME", "TXT" or "MX", the mail record types. Fix: Publish other records with aws.route53.Record directly.',
    ],
    [
      "p=none, which the pack's dmarc-policy-enforced fails by default",
      { dmarc: { p: "none" } },
      'Route53MailRecords "bad": invalid dmarc {"p":"none"}: the policy pack\'s mandatory dmarc-policy-enforced policy (minimumPolicy "quarantine", requireFullPct true) would fail it: DMARC p=none in "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com" is weaker than quarantine, so receivers deliver mail that fails DMARC. Fix: Set p=quarantine once reports show legitimate mail passing (mailguard\'s MailDomain defaults to quarantine). Or, if your stack configures dmarc-policy-enforced with minimumPolicy: "none", pass dmarcPolicyEnforced: { minimumPolicy: "none" } to say so.',
    ],
    [
      "allowOverwrite, which it does not take",
      { allowOverwrite: true } as Partial<Route53MailRecordsArgs>,
      'Route53MailRecords "bad": invalid allowOverwrite true: it is not an argument of Route53MailRecords. Fix: Remove it or correct its spelling; the arguments are zoneId, zoneName, domain, records, dmarc, dmarcPolicyEnforced, apexSpf, adopt, ttl.',
    ],
  ];
  it.each(cases)("refuses %s with a ResourceError naming it", async (_what, change, message) => {
    await expectRefusal(
      sim,
      `${COMPONENT} bad`,
      () => new Route53MailRecords("bad", { zoneId: ZONE, domain: "example.com", ...change }),
      message,
    );
  });
});

describe("Route53MailRecords with record names that are Outputs", () => {
  it("keeps a record whose name is unknown in a record set of its own", async () => {
    const name = pulumi.output("x._domainkey.example.com");
    const unknownName = pulumi.output(name).apply((n) => n);
    const component = new Route53MailRecords("dns", {
      zoneId: ZONE,
      domain: "example.com",
      dmarc: false,
      records: [
        { ...SES_RECORDS[0], key: "dkim-0", name: unknownName },
        { ...SES_RECORDS[0], key: "dkim-1", name: "bbbb._domainkey.example.com" },
      ],
    });
    await resolve(component.records);
    await settle(sim);
    expect(inventory(sim.ofType(RECORD)).sort()).toEqual([
      `${RECORD} dns-dkim-0`,
      `${RECORD} dns-dkim-1`,
    ]);
  });
});
