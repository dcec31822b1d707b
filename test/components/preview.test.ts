/**
 * `pulumi preview`: DKIM tokens and other computed values are unknown, yet every record must be
 * registered, at fixed indices, so the plan shows it.
 */
import { MailDomain } from "../../components/mailDomain";
import { SesSender } from "../../components/sesSender";
import { UNKNOWN } from "../../policies/core/finding";
import { ProviderSimulator, resolve, settle, simulate, valueOf } from "../helpers/mocks";

let sim: ProviderSimulator;
beforeAll(async () => {
  sim = await simulate({ region: "us-east-1", preview: true });
});
beforeEach(() => sim.reset());

const DNS = "cloudflare:index/dnsRecord:DnsRecord";

describe("in preview", () => {
  it("SesSender lists the three DKIM records at indices 0..2 while the tokens are unknown", async () => {
    const sender = new SesSender("mail", { domain: "example.com", region: "eu-west-1" });
    await valueOf(sender.urn);
    await settle(sim);
    expect(sender.dnsRecords.map((r) => [r.key, r.type])).toEqual([
      ["dkim-0", "CNAME"],
      ["dkim-1", "CNAME"],
      ["dkim-2", "CNAME"],
      ["mail-from-mx", "MX"],
      ["mail-from-spf", "TXT"],
    ]);
    for (const r of sender.dnsRecords.slice(0, 3)) {
      expect((await resolve(r.name)).known).toBe(false);
      expect((await resolve(r.content)).known).toBe(false);
    }
    expect((await resolve(sender.dnsRecords[3].content)).value).toBe(
      "feedback-smtp.eu-west-1.amazonses.com",
    );
    expect((await resolve(sender.dkimSelectors)).known).toBe(false);
  });

  it("MailDomain registers every Cloudflare record, DKIM names unknown, none proxied", async () => {
    const mail = new MailDomain("mail", {
      domain: "example.com",
      cloudflareZoneId: "023e105f4ecef8ad9ca31a8372d0c353",
      region: "eu-west-1",
    });
    await valueOf(mail.urn);
    await settle(sim);
    const records = sim.ofType(DNS);
    expect(records.map((r) => r.name).sort()).toEqual(
      [
        "mail-dns-dkim-0",
        "mail-dns-dkim-1",
        "mail-dns-dkim-2",
        "mail-dns-dmarc",
        "mail-dns-mail-from-mx",
        "mail-dns-mail-from-spf",
      ].sort(),
    );
    for (const r of records) expect(r.inputs.proxied).toBe(false);
    for (const i of [0, 1, 2]) {
      const dkim = sim.find(DNS, `mail-dns-dkim-${i}`)!;
      expect(dkim.inputs.type).toBe("CNAME");
      expect(dkim.inputs.name).toBe(UNKNOWN);
      expect(dkim.inputs.content).toBe(UNKNOWN);
    }
    expect(sim.find(DNS, "mail-dns-dmarc")!.inputs.content).toBe(
      '"v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:dmarc-reports@example.com"',
    );
    const smtp = await resolve(mail.smtp);
    expect(smtp).toEqual({ value: undefined, known: false, secret: true });
  });

  it("MailDomain on Route53 registers every record set, the DKIM ones apart while their names are unknown", async () => {
    const mail = new MailDomain("mail", {
      domain: "example.com",
      dns: { route53: { zoneName: "example.com" } },
      region: "eu-west-1",
    });
    await valueOf(mail.urn);
    await settle(sim);
    const R53 = "aws:route53/record:Record";
    expect(
      sim
        .ofType(R53)
        .map((r) => r.name)
        .sort(),
    ).toEqual(
      [
        "mail-dns-dkim-0",
        "mail-dns-dkim-1",
        "mail-dns-dkim-2",
        "mail-dns-dmarc",
        "mail-dns-mail-from-mx",
        "mail-dns-mail-from-spf",
      ].sort(),
    );
    for (const i of [0, 1, 2]) {
      const dkim = sim.find(R53, `mail-dns-dkim-${i}`)!;
      expect(dkim.inputs.type).toBe("CNAME");
      expect(dkim.inputs.name).toBe(UNKNOWN);
      expect(dkim.inputs.records).toEqual([UNKNOWN]);
    }
    expect(sim.find(R53, "mail-dns-mail-from-mx")!.inputs.records).toEqual([
      "10 feedback-smtp.eu-west-1.amazonses.com",
    ]);
  });
});
