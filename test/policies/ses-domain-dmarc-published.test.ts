import { sesDomainDmarcPublished } from "../../policies/rules/ses-domain-dmarc-published";
import { CF_ZONE, cfRecord, r53Record } from "../helpers/dns-fixtures";
import { UNKNOWN, runStack, urnOf } from "../helpers/policy-support";
import { ANCHORS, TENANT_IDENTITY, tenantRecord, tenants } from "../helpers/tenants";

const V2_ID = "aws:sesv2/emailIdentity:EmailIdentity";
const V1_ID = "aws:ses/domainIdentity:DomainIdentity";
const zone = { type: CF_ZONE, name: "zone", props: { id: "zone-1", name: "example.com" } };
const v2 = (domain: unknown) => ({ type: V2_ID, name: "id", props: { emailIdentity: domain } });

describe("ses-domain-dmarc-published", () => {
  it("passes an identity whose _dmarc record is in the stack, by full or zone-relative name", async () => {
    expect(
      (
        await runStack(sesDomainDmarcPublished, [
          v2("example.com"),
          r53Record("_dmarc.example.com", "TXT", ["v=DMARC1; p=reject"]),
        ])
      ).violations,
    ).toEqual([]);
    expect(
      (
        await runStack(sesDomainDmarcPublished, [
          zone,
          v2("example.com"),
          cfRecord("_dmarc", "TXT", "v=DMARC1; p=reject"),
        ])
      ).violations,
    ).toEqual([]);
  });

  it("passes a subdomain identity covered by its organizational domain's record", async () => {
    const out = await runStack(sesDomainDmarcPublished, [
      v2("mail.example.co.uk"),
      r53Record("_dmarc.example.co.uk", "TXT", ["v=DMARC1; p=reject"]),
    ]);
    expect(out.violations).toEqual([]);
  });

  it("ignores address identities", async () => {
    expect((await runStack(sesDomainDmarcPublished, [v2("me@example.com")])).violations).toEqual(
      [],
    );
  });

  const violating: [
    string,
    { type: string; name: string; props: Record<string, unknown> }[],
    RegExp,
  ][] = [
    [
      "a v2 identity with no DMARC record",
      [v2("example.com")],
      /no DMARC record for "example\.com"/,
    ],
    [
      "a v1 identity whose record is for another domain",
      [
        { type: V1_ID, name: "id", props: { domain: "example.org" } },
        r53Record("_dmarc.example.com", "TXT", ["v=DMARC1; p=reject"]),
      ],
      /no DMARC record for "example\.org"/,
    ],
    [
      "a record in another zone",
      [zone, v2("example.org"), cfRecord("_dmarc", "TXT", "v=DMARC1; p=reject")],
      /looked for TXT _dmarc\.example\.org/,
    ],
    ["an identity whose domain is unknown", [v2(UNKNOWN)], /emailIdentity is unknown/],
  ];
  it.each(violating)("reports %s", async (_label, resources, pattern) => {
    const out = await runStack(sesDomainDmarcPublished, resources);
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(pattern);
    expect(out.violations[0]).toMatch(/"id"/);
    expect(out.urns[0]).toBe(urnOf(resources.find((r) => r.name === "id")?.type ?? "", "id"));
  });

  it("skips domains configured as managed elsewhere, with their subdomains", async () => {
    const out = await runStack(sesDomainDmarcPublished, [v2("mail.example.com")], {
      managedElsewhere: ["example.com"],
    });
    expect(out.violations).toEqual([]);
  });

  describe("names relative to zones the stack does not declare", () => {
    const loose = (name: string, zoneId: string) => ({
      ...cfRecord(name, "TXT", "v=DMARC1; p=reject"),
      name: `dmarc-${zoneId}`,
      props: { zoneId, name, type: "TXT", ttl: 1, content: "v=DMARC1; p=reject" },
    });
    const alpha = { ...v2("alpha.com"), name: "alpha" };
    const beta = { ...v2("beta.org"), name: "beta" };

    it("counts a relative _dmarc in the stack's only undeclared zone, for one domain", async () => {
      expect(
        (await runStack(sesDomainDmarcPublished, [alpha, loose("_dmarc", "zone-of-alpha")]))
          .violations,
      ).toEqual([]);
      expect(
        (
          await runStack(sesDomainDmarcPublished, [
            { ...v2("mail.alpha.com"), name: "alpha" },
            loose("_dmarc", "zone-of-alpha"),
          ])
        ).violations,
      ).toEqual([]);
    });

    it("does not let one relative _dmarc stand for two domains", async () => {
      const out = await runStack(sesDomainDmarcPublished, [
        alpha,
        beta,
        loose("_dmarc", "zone-of-alpha"),
      ]);
      expect(out.violations).toEqual([
        expect.stringMatching(
          /"alpha": cannot tell whether the stack publishes a DMARC record for "alpha\.com": the only candidates \("_dmarc" in zone zone-of-alpha\)/,
        ),
        expect.stringMatching(/"beta": cannot tell whether .* for "beta\.org"/),
      ]);
    });

    it("does not guess the zone when records sit in several undeclared zones", async () => {
      const out = await runStack(sesDomainDmarcPublished, [
        beta,
        loose("_dmarc", "zone-of-alpha"),
        loose("www", "zone-of-beta"),
      ]);
      expect(out.violations).toEqual([
        expect.stringMatching(
          /"beta": cannot tell .* Fix: write the record's full name \(_dmarc\.beta\.org\)/,
        ),
      ]);
      expect(
        (
          await runStack(sesDomainDmarcPublished, [
            beta,
            loose("_dmarc.beta.org", "zone-of-alpha"),
            loose("www", "zone-of-beta"),
          ])
        ).violations,
      ).toEqual([]);
    });
  });

  describe("multi-tenant stacks: a zone per tenant, its id from config, not declared", () => {
    const cannotTell = (k: number, candidates: string) =>
      `${TENANT_IDENTITY} "t${k}-identity": cannot tell whether the stack publishes a DMARC record for "tenant${k}.example.com": the only candidates (${candidates}) have names relative to zones the stack does not declare, and those zones cannot be told apart from the stack (records in several undeclared zones, or one zone needed for several domains). Fix: write the record's full name (_dmarc.tenant${k}.example.com), declare its zone in the stack, or list the domain in managedElsewhere.`;
    const zones = (ks: number[]) => ks.map((k) => `"_dmarc" in zone tenant-zone-${k}`).join(", ");

    it.each([["the MAIL FROM MX"], ["an Easy DKIM CNAME"]] as const)(
      "passes every tenant whose zone holds %s with its full name beside a relative _dmarc",
      async (anchor) => {
        const out = await runStack(sesDomainDmarcPublished, tenants(3, ANCHORS[anchor]));
        expect(out.violations).toEqual([]);
      },
    );

    it("cannot tell, for each tenant, when the zones hold nothing but their _dmarc", async () => {
      const out = await runStack(sesDomainDmarcPublished, tenants(3, ANCHORS.none));
      expect(out.violations).toEqual([
        cannotTell(0, zones([0, 1, 2])),
        cannotTell(1, zones([0, 1, 2])),
        cannotTell(2, zones([0, 1, 2])),
      ]);
    });

    it.each([12, 40])(
      "names five candidates at most, then how many more (%i tenants)",
      async (count) => {
        const out = await runStack(sesDomainDmarcPublished, tenants(count, ANCHORS.none));
        expect(out.violations).toHaveLength(count);
        expect(out.violations[0]).toBe(
          cannotTell(0, `${zones([0, 1, 2, 3, 4])} and ${count - 5} more`),
        );
        expect(out.violations[count - 1]).toBe(
          cannotTell(count - 1, `${zones([0, 1, 2, 3, 4])} and ${count - 5} more`),
        );
      },
    );

    it("does not take a tenant's zone for a domain its records do not sit under", async () => {
      const out = await runStack(sesDomainDmarcPublished, [
        ...tenants(2, ANCHORS["the MAIL FROM MX"]),
        { type: TENANT_IDENTITY, name: "other", props: { emailIdentity: "other.org" } },
      ]);
      expect(out.violations).toEqual([
        `${TENANT_IDENTITY} "other": no DMARC record for "other.org" in the stack (looked for TXT _dmarc.other.org), so receivers apply no policy to mail forged in its name. Fix: publish one (mailguard's MailDomain does), or list the domain in managedElsewhere when its DMARC record lives in another stack.`,
      ]);
    });

    it("cannot tell when a zone's records leave it several names, one of them the organization's", async () => {
      // tenant-zone-7 holds mail.x.example.com in full: it may be that zone, x.example.com or
      // example.com, so its relative _dmarc may be the organizational record of y.example.com.
      const out = await runStack(sesDomainDmarcPublished, [
        { type: TENANT_IDENTITY, name: "y", props: { emailIdentity: "y.example.com" } },
        tenantRecord(7, "_dmarc", "TXT", "v=DMARC1; p=reject"),
        tenantRecord(7, "mail.x.example.com", "MX", "feedback-smtp.us-east-1.amazonses.com"),
      ]);
      expect(out.violations).toEqual([
        `${TENANT_IDENTITY} "y": cannot tell whether the stack publishes a DMARC record for "y.example.com": the only candidates ("_dmarc" in zone tenant-zone-7) have names relative to zones the stack does not declare, and those zones cannot be told apart from the stack (records in several undeclared zones, or one zone needed for several domains). Fix: write the record's full name (_dmarc.y.example.com), declare its zone in the stack, or list the domain in managedElsewhere.`,
      ]);
    });
  });
});
