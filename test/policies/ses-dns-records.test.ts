import { sesDnsRecords } from "../../policies/rules/ses-dns-records";
import { CF_DNS_RECORD, R53_RECORD, cfRecord, r53Record } from "../helpers/dns-fixtures";
import { Resource, UNKNOWN, awsProvider, runStack, urnOf } from "../helpers/policy-support";
import {
  DNS,
  EU,
  FEEDBACK_SOURCE,
  ID,
  ID_URN,
  MANAGED_FIX,
  ME,
  SPF_SOURCE,
  dkimMissing,
  dkimWrong,
  mxWrong,
  recordLabel,
  recordUrn,
  spfWrong,
} from "../helpers/ses-messages";
import {
  DOCUMENTED_REGIONS,
  Dns,
  NATIVE_ID,
  SES_SPF,
  TOKENS,
  V1_DKIM,
  V1_ID,
  V1_MAIL_FROM,
  V2_ID,
  V2_MAIL_FROM,
  dnsRecord,
  replacing,
  sesStack,
  withProps,
  zoneOf,
} from "../helpers/ses-fixtures";

async function violationsOf(resources: Resource[], config: Record<string, unknown> = {}) {
  return (await runStack(sesDnsRecords, resources, config)).violations;
}

describe("ses-dns-records", () => {
  describe("correct stacks", () => {
    const cases = DOCUMENTED_REGIONS.flatMap(([region, mxHost, dkimDomain]) =>
      DNS.map((dns) => [region, dns, mxHost, dkimDomain] as const),
    );
    it.each(cases)("passes an identity in %s on %s", async (region, dns, mxHost, dkimDomain) => {
      const out = await runStack(sesDnsRecords, sesStack({ dns, region, mxHost, dkimDomain }));
      expect(out).toEqual({ violations: [], urns: [] });
    });

    it.each(DNS)("passes an identity whose region is its provider's (%s)", async (dns) => {
      const stack = sesStack({ dns, provider: awsProvider("me-central-1"), ...ME });
      expect(await runStack(sesDnsRecords, stack)).toEqual({ violations: [], urns: [] });
    });

    it("passes records named relative to the zone the stack declares", async () => {
      const stack = [
        zoneOf("cloudflare"),
        {
          type: V2_ID,
          name: "id",
          props: {
            region: "eu-west-1",
            emailIdentity: "example.com",
            dkimSigningAttributes: { tokens: [...TOKENS] },
          },
        },
        {
          type: V2_MAIL_FROM,
          name: "mail-from",
          props: { emailIdentity: "example.com", mailFromDomain: "mail.example.com" },
        },
        cfRecord("mail", "MX", "feedback-smtp.eu-west-1.amazonses.com", { priority: 10 }),
        cfRecord("mail", "TXT", SES_SPF),
        ...TOKENS.map((t) => cfRecord(`${t}._domainkey`, "CNAME", `${t}.dkim.amazonses.com`)),
      ];
      expect(await violationsOf(stack)).toEqual([]);
    });

    const authorizing = [
      "v=spf1 include:amazonses.com ~all",
      "v=spf1 mx include:amazonses.com -all",
      "v=spf1 include:_spf.example.net include:amazonses.com -all",
      "v=spf1 redirect=amazonses.com",
      "V=SPF1 +INCLUDE:AMAZONSES.COM -ALL",
    ];
    it.each(authorizing)(
      "passes the MAIL FROM SPF %j, which reaches SES's include",
      async (spf) => {
        for (const dns of DNS) {
          expect(await violationsOf(sesStack({ dns, region: "eu-west-1", ...EU, spf }))).toEqual(
            [],
          );
        }
      },
    );

    it("skips address identities, which have no records of their own", async () => {
      const stack = [
        {
          type: V2_ID,
          name: "ops",
          props: { region: "eu-west-1", emailIdentity: "ops@example.com" },
        },
        {
          type: V2_MAIL_FROM,
          name: "ops-mail-from",
          props: { emailIdentity: "ops@example.com", mailFromDomain: "mail.example.com" },
        },
      ];
      expect(await violationsOf(stack)).toEqual([]);
    });

    it("needs no Easy DKIM CNAMEs for a BYODKIM identity", async () => {
      for (const attrs of [
        { domainSigningSelector: "s1", signingAttributesOrigin: "EXTERNAL", tokens: ["s1"] },
        { signingAttributesOrigin: "EXTERNAL", tokens: ["s1"] },
      ]) {
        const stack = replacing(
          sesStack({
            dns: "cloudflare",
            region: "eu-west-1",
            ...EU,
            without: ["dkim-0", "dkim-1", "dkim-2"],
          }),
          V2_ID,
          "id",
          (r) => withProps(r, { dkimSigningAttributes: attrs }),
        );
        expect(await violationsOf(stack)).toEqual([]);
      }
    });

    it("needs no MX or SPF for an identity without a custom MAIL FROM domain", async () => {
      const stack = sesStack({
        dns: "route53",
        region: "eu-west-1",
        ...EU,
        without: ["mx", "spf"],
      }).filter((r) => r.type !== V2_MAIL_FROM);
      expect(await violationsOf(stack)).toEqual([]);
    });
  });

  describe("the MAIL FROM MX", () => {
    it.each(DNS)(
      "reports an MX on amazonaws.com, where SES has no feedback host (%s)",
      async (dns) => {
        const stack = sesStack({
          dns,
          region: "eu-west-1",
          ...EU,
          mxHost: "feedback-smtp.eu-west-1.amazonaws.com",
        });
        const out = await runStack(sesDnsRecords, stack);
        expect(out.violations).toEqual([
          mxWrong(
            dns,
            'the SES identity "example.com" (eu-west-1)',
            "10 feedback-smtp.eu-west-1.amazonaws.com",
            "feedback-smtp.eu-west-1.amazonses.com",
          ),
        ]);
        expect(out.urns).toEqual([recordUrn(dns, "MX", "mail.example.com")]);
      },
    );

    it.each(DNS)("reports an MX that names another region's feedback host (%s)", async (dns) => {
      const stack = sesStack({
        dns,
        region: "me-central-1",
        ...ME,
        mxHost: "feedback-smtp.us-east-1.amazonses.com",
      });
      expect(await violationsOf(stack)).toEqual([
        mxWrong(
          dns,
          'the SES identity "example.com" (me-central-1)',
          "10 feedback-smtp.us-east-1.amazonses.com",
          "feedback-smtp.me-central-1.amazonses.com",
        ),
      ]);
    });

    it.each(DNS)("reports an MX with a priority other than SES's 10 (%s)", async (dns) => {
      const stack = sesStack({ dns, region: "eu-west-1", ...EU, mxPriority: 20 });
      expect(await violationsOf(stack)).toEqual([
        mxWrong(
          dns,
          'the SES identity "example.com" (eu-west-1)',
          "20 feedback-smtp.eu-west-1.amazonses.com",
          "feedback-smtp.eu-west-1.amazonses.com",
        ),
      ]);
    });

    it.each(DNS)("reports a MAIL FROM domain without an MX record (%s)", async (dns) => {
      const out = await runStack(
        sesDnsRecords,
        sesStack({ dns, region: "eu-west-1", ...EU, without: ["mx"] }),
      );
      expect(out.violations).toEqual([
        `${ID}: the SES identity "example.com" (eu-west-1) has no MX record at its MAIL FROM domain mail.example.com in the stack; expected MX mail.example.com "10 feedback-smtp.eu-west-1.amazonses.com" (${FEEDBACK_SOURCE}), without which SES never verifies the MAIL FROM domain. Fix: publish that record (mailguard's MailDomain does), ${MANAGED_FIX}.`,
      ]);
      expect(out.urns).toEqual([ID_URN]);
    });

    it("reports a second MX record, in a second resource or in the same Route53 record set", async () => {
      const expected = (list: string) =>
        `${ID}: the MAIL FROM domain mail.example.com of the SES identity "example.com" (eu-west-1) has 2 MX records in the stack (${list}); SES expects exactly one, "10 feedback-smtp.eu-west-1.amazonses.com" (${FEEDBACK_SOURCE}). Fix: keep only MX mail.example.com "10 feedback-smtp.eu-west-1.amazonses.com".`;
      const cloudflare = [
        ...sesStack({ dns: "cloudflare", region: "eu-west-1", ...EU }),
        {
          ...cfRecord("mail.example.com", "MX", "mx.example.net", { priority: 20 }),
          name: "backup-mx",
        },
      ];
      expect(await violationsOf(cloudflare)).toEqual([
        expected(
          '"10 feedback-smtp.eu-west-1.amazonses.com" in "cf-mx-mail.example.com", "20 mx.example.net" in "backup-mx"',
        ),
      ]);
      const route53 = replacing(
        sesStack({ dns: "route53", region: "eu-west-1", ...EU }),
        R53_RECORD,
        "r53-mx-mail.example.com",
        (r) =>
          withProps(r, {
            records: ["10 feedback-smtp.eu-west-1.amazonses.com", "20 mx.example.net"],
          }),
      );
      expect(await violationsOf(route53)).toEqual([
        expected(
          '"10 feedback-smtp.eu-west-1.amazonses.com" in "r53-mx-mail.example.com", "20 mx.example.net" in "r53-mx-mail.example.com"',
        ),
      ]);
    });
  });

  describe("the MAIL FROM SPF, judged by RFC 7208 evaluation", () => {
    const failing: [string, string][] = [
      [
        "v=spf1 -include:amazonses.com -all",
        'fail ("-include:amazonses.com" matched at mail.example.com)',
      ],
      ["v=spf1 -all include:amazonses.com", 'fail ("-all" matched at mail.example.com)'],
      [
        "v=spf1 ?include:amazonses.com -all",
        'neutral ("?include:amazonses.com" matched at mail.example.com)',
      ],
      [
        "v=spf1 ~include:amazonses.com",
        'softfail ("~include:amazonses.com" matched at mail.example.com)',
      ],
      [
        "v=spf1 include:amazonses.com.example.net -all",
        'fail ("-all" matched at mail.example.com)',
      ],
      ["v=spf1 include:_spf.example.net ~all", 'softfail ("~all" matched at mail.example.com)'],
      [
        "v=spf1 include:amazonses.com foo -all",
        'permerror (SPF term "foo" is not a known mechanism)',
      ],
    ];
    const cases = failing.flatMap(([spf, ending]) => DNS.map((dns) => [spf, dns, ending] as const));
    it.each(cases)("reports %j on %s", async (spf, dns, ending) => {
      const out = await runStack(sesDnsRecords, sesStack({ dns, region: "eu-west-1", ...EU, spf }));
      expect(out.violations).toEqual([
        spfWrong(
          recordLabel(dns, "TXT", "mail.example.com"),
          'the SES identity "example.com" (eu-west-1)',
          spf,
          ending,
        ),
      ]);
      expect(out.urns).toEqual([recordUrn(dns, "TXT", "mail.example.com")]);
    });

    it("reports two SPF records at the MAIL FROM domain, which receivers treat as permerror", async () => {
      const expected = (list: string) =>
        `${ID}: the MAIL FROM domain mail.example.com of the SES identity "example.com" (eu-west-1) has 2 SPF records in the stack (${list}), which does not authorize SES: RFC 7208 evaluation for an SES sending address ends in permerror (several SPF records at mail.example.com). Expected TXT mail.example.com "v=spf1 include:amazonses.com -all" (${SPF_SOURCE}). Fix: publish exactly that one SPF record (mailguard's MailDomain does).`;
      const cloudflare = [
        ...sesStack({ dns: "cloudflare", region: "eu-west-1", ...EU }),
        { ...cfRecord("mail.example.com", "TXT", "v=spf1 mx -all"), name: "second-spf" },
      ];
      expect(await violationsOf(cloudflare)).toEqual([
        expected(`"${SES_SPF}" in "cf-txt-mail.example.com", "v=spf1 mx -all" in "second-spf"`),
      ]);
      const route53 = replacing(
        sesStack({ dns: "route53", region: "eu-west-1", ...EU }),
        R53_RECORD,
        "r53-txt-mail.example.com",
        (r) => withProps(r, { records: [SES_SPF, "v=spf1 mx -all"] }),
      );
      expect(await violationsOf(route53)).toEqual([
        expected(
          `"${SES_SPF}" in "r53-txt-mail.example.com", "v=spf1 mx -all" in "r53-txt-mail.example.com"`,
        ),
      ]);
    });

    it.each(DNS)(
      "follows an include of a record the stack publishes, which may authorize SES (%s)",
      async (dns) => {
        const spf = "v=spf1 include:_spf.example.com -all";
        const stack = [
          ...sesStack({ dns, region: "eu-west-1", ...EU, spf }),
          dnsRecord(
            dns,
            "_spf.example.com",
            "TXT",
            "v=spf1 ip4:192.0.2.0/24 include:amazonses.com -all",
          ),
        ];
        expect(await violationsOf(stack)).toEqual([]);
        const missing = sesStack({ dns, region: "eu-west-1", ...EU, spf });
        expect(await violationsOf(missing)).toEqual([
          spfWrong(
            recordLabel(dns, "TXT", "mail.example.com"),
            'the SES identity "example.com" (eu-west-1)',
            spf,
            'permerror ("include:_spf.example.com": no SPF record at _spf.example.com)',
          ),
        ]);
      },
    );

    it("defers, during preview, an evaluation that reached a record whose value is unknown yet", async () => {
      const spf = "v=spf1 include:_spf.example.com -all";
      const pending = dnsRecord("cloudflare", "_spf.example.com", "TXT", "x");
      pending.props = { ...pending.props, content: UNKNOWN };
      const out = await runStack(sesDnsRecords, [
        ...sesStack({ dns: "cloudflare", region: "eu-west-1", ...EU, spf }),
        pending,
      ]);
      expect(out.violations).toEqual([]);
      expect(out.previewNote).toMatch(/\.content can't be known during preview/);
    });

    it.each(DNS)(
      "reports a MAIL FROM domain whose TXT records hold no SPF record (%s)",
      async (dns) => {
        const stack = [
          ...sesStack({ dns, region: "eu-west-1", ...EU, without: ["spf"] }),
          dnsRecord(dns, "mail.example.com", "TXT", "google-site-verification=abc"),
        ];
        expect(await violationsOf(stack)).toEqual([
          `${ID}: the SES identity "example.com" (eu-west-1) has no SPF record at its MAIL FROM domain mail.example.com in the stack; expected TXT mail.example.com "v=spf1 include:amazonses.com -all" (${SPF_SOURCE}), without which SPF does not pass for the mail SES sends from it and DMARC cannot align on SPF. Fix: publish that record (mailguard's MailDomain does), ${MANAGED_FIX}.`,
        ]);
      },
    );
  });

  describe("Easy DKIM CNAMEs", () => {
    it.each(DNS)(
      "reports CNAMEs to dkim.amazonses.com for a me-central-1 identity (%s)",
      async (dns) => {
        const stack = sesStack({
          dns,
          region: "me-central-1",
          ...ME,
          dkimDomain: "dkim.amazonses.com",
        });
        const out = await runStack(sesDnsRecords, stack);
        expect(out.violations).toEqual(
          TOKENS.map((t) =>
            dkimWrong(
              recordLabel(dns, "CNAME", `${t}._domainkey.example.com`),
              'the SES identity "example.com" (me-central-1)',
              t,
              `${t}.dkim.amazonses.com`,
              `${t}.dkim.me-central-1.amazonses.com`,
            ),
          ),
        );
        expect(out.urns).toEqual(
          TOKENS.map((t) => recordUrn(dns, "CNAME", `${t}._domainkey.example.com`)),
        );
      },
    );

    it("reports CNAMEs to a regional DKIM domain for an identity in a region that uses the global one", async () => {
      const stack = sesStack({
        dns: "cloudflare",
        region: "eu-west-1",
        ...EU,
        dkimDomain: "dkim.eu-west-1.amazonses.com",
      });
      expect(await violationsOf(stack)).toEqual(
        TOKENS.map((t) =>
          dkimWrong(
            recordLabel("cloudflare", "CNAME", `${t}._domainkey.example.com`),
            'the SES identity "example.com" (eu-west-1)',
            t,
            `${t}.dkim.eu-west-1.amazonses.com`,
            `${t}.dkim.amazonses.com`,
          ),
        ),
      );
    });

    it("reports a CNAME whose target holds another token", async () => {
      const [t0, t1] = TOKENS;
      const stack = replacing(
        sesStack({ dns: "route53", region: "eu-west-1", ...EU }),
        R53_RECORD,
        `r53-cname-${t0}._domainkey.example.com`,
        (r) => withProps(r, { records: [`${t1}.dkim.amazonses.com`] }),
      );
      expect(await violationsOf(stack)).toEqual([
        dkimWrong(
          recordLabel("route53", "CNAME", `${t0}._domainkey.example.com`),
          'the SES identity "example.com" (eu-west-1)',
          t0,
          `${t1}.dkim.amazonses.com`,
          `${t0}.dkim.amazonses.com`,
        ),
      ]);
    });

    it("reports a token without its CNAME, naming the record SES expects", async () => {
      const t = TOKENS[2];
      const out = await runStack(
        sesDnsRecords,
        sesStack({
          dns: "cloudflare",
          region: "ap-southeast-3",
          mxHost: "feedback-smtp.ap-southeast-3.amazonses.com",
          dkimDomain: "dkim.ap-southeast-3.amazonses.com",
          without: ["dkim-2"],
        }),
      );
      expect(out.violations).toEqual([
        dkimMissing(
          'the SES identity "example.com" (ap-southeast-3)',
          t,
          `${t}.dkim.ap-southeast-3.amazonses.com`,
        ),
      ]);
      expect(out.urns).toEqual([ID_URN]);
    });

    it("counts a TXT record at a token's name as no CNAME", async () => {
      const t = TOKENS[0];
      const stack = [
        ...sesStack({ dns: "cloudflare", region: "eu-west-1", ...EU, without: ["dkim-0"] }),
        cfRecord(`${t}._domainkey.example.com`, "TXT", `${t}.dkim.amazonses.com`),
      ];
      expect(await violationsOf(stack)).toEqual([
        dkimMissing('the SES identity "example.com" (eu-west-1)', t, `${t}.dkim.amazonses.com`),
      ]);
    });
  });

  describe("the identity's region", () => {
    it.each(DNS)(
      "takes the provider's region when the identity has none of its own (%s)",
      async (dns) => {
        const stack = sesStack({ dns, provider: awsProvider("me-central-1"), ...EU });
        expect(await violationsOf(stack)).toEqual([
          mxWrong(
            dns,
            'the SES identity "example.com" (me-central-1)',
            "10 feedback-smtp.eu-west-1.amazonses.com",
            "feedback-smtp.me-central-1.amazonses.com",
          ),
          ...TOKENS.map((t) =>
            dkimWrong(
              recordLabel(dns, "CNAME", `${t}._domainkey.example.com`),
              'the SES identity "example.com" (me-central-1)',
              t,
              `${t}.dkim.amazonses.com`,
              `${t}.dkim.me-central-1.amazonses.com`,
            ),
          ),
        ]);
      },
    );

    it("takes the identity's own region over its provider's", async () => {
      const stack = sesStack({
        dns: "cloudflare",
        region: "eu-west-1",
        provider: awsProvider("me-central-1"),
        ...EU,
      });
      expect(await violationsOf(stack)).toEqual([]);
    });

    it("judges hosts and DKIM domains by their shape when the stack does not tell the region", async () => {
      for (const [, mxHost, dkimDomain] of DOCUMENTED_REGIONS) {
        expect(await violationsOf(sesStack({ dns: "route53", mxHost, dkimDomain }))).toEqual([]);
      }
      const wrong = sesStack({
        dns: "route53",
        mxHost: "feedback-smtp.us-east-1.amazonaws.com",
        dkimDomain: "dkim.amazonaws.com",
        without: ["dkim-1", "dkim-2"],
      });
      const t = TOKENS[0];
      const identity = 'the SES identity "example.com" (region not set in the stack)';
      expect(await violationsOf(wrong)).toEqual([
        mxWrong(
          "route53",
          identity,
          "10 feedback-smtp.us-east-1.amazonaws.com",
          "feedback-smtp.<region>.amazonses.com",
        ),
        dkimWrong(
          recordLabel("route53", "CNAME", `${t}._domainkey.example.com`),
          identity,
          t,
          `${t}.dkim.amazonaws.com`,
          `${t}.dkim.amazonses.com or ${t}.dkim.<region>.amazonses.com`,
        ),
        ...TOKENS.slice(1).map((m) =>
          dkimMissing(identity, m, `${m}.dkim.amazonses.com or ${m}.dkim.<region>.amazonses.com`),
        ),
      ]);
    });

    it("judges by shape and names the region when it is unknown during preview", async () => {
      for (const [resourceRegion, provider, path] of [
        [UNKNOWN, undefined, ".region"],
        [undefined, awsProvider(UNKNOWN), ".region"],
      ] as const) {
        const out = await runStack(
          sesDnsRecords,
          sesStack({ dns: "cloudflare", region: resourceRegion, provider, ...ME }),
        );
        expect(out.violations).toEqual([]);
        expect(out.previewNote).toBe(
          `can't run policy 'ses-dns-records' during preview: string value at ${path} can't be known during preview`,
        );
      }
      const wrong = await runStack(
        sesDnsRecords,
        sesStack({
          dns: "cloudflare",
          region: UNKNOWN,
          ...ME,
          mxHost: "feedback-smtp.me-central-1.amazonaws.com",
        }),
      );
      expect(wrong.violations).toEqual([
        mxWrong(
          "cloudflare",
          'the SES identity "example.com" (region not known yet)',
          "10 feedback-smtp.me-central-1.amazonaws.com",
          "feedback-smtp.<region>.amazonses.com",
        ),
      ]);
      expect(wrong.previewNote).toMatch(/string value at \.region can't be known during preview$/);
    });
  });

  describe("SES v1 and aws-native identities", () => {
    const records = (dns: Dns, mxHost: string, dkimDomain: string) =>
      sesStack({ dns, region: "me-central-1", mxHost, dkimDomain }).filter(
        (r) => r.type === CF_DNS_RECORD || r.type === R53_RECORD || r.type.endsWith("/zone:Zone"),
      );
    const v1 = (extra: Record<string, unknown> = {}): Resource[] => [
      {
        type: V1_ID,
        name: "v1",
        props: { region: "me-central-1", domain: "example.com", ...extra },
      },
      {
        type: V1_MAIL_FROM,
        name: "v1-mail-from",
        props: {
          region: "me-central-1",
          domain: "example.com",
          mailFromDomain: "mail.example.com",
        },
      },
      {
        type: V1_DKIM,
        name: "v1-dkim",
        props: { region: "me-central-1", domain: "example.com", dkimTokens: [...TOKENS] },
      },
    ];

    it("passes an SES v1 DomainIdentity with its MailFrom and DomainDkim records", async () => {
      expect(
        await violationsOf([...v1(), ...records("cloudflare", ME.mxHost, ME.dkimDomain)]),
      ).toEqual([]);
    });

    it("reports an SES v1 identity's wrong MX and DKIM domain, against the identity", async () => {
      const out = await runStack(sesDnsRecords, [
        ...v1(),
        ...records("route53", "feedback-smtp.me-central-1.amazonaws.com", "dkim.amazonses.com"),
      ]);
      const identity = 'the SES identity "example.com" (me-central-1)';
      expect(out.violations).toEqual([
        mxWrong("route53", identity, "10 feedback-smtp.me-central-1.amazonaws.com", ME.mxHost),
        ...TOKENS.map((t) =>
          dkimWrong(
            recordLabel("route53", "CNAME", `${t}._domainkey.example.com`),
            identity,
            t,
            `${t}.dkim.amazonses.com`,
            `${t}.dkim.me-central-1.amazonses.com`,
          ),
        ),
      ]);
    });

    it("links an SES v1 MailFrom whose domain is unknown to its identity through the output link", async () => {
      const [identity, mailFrom, dkim] = v1();
      const linked = {
        ...mailFrom,
        props: { ...mailFrom.props, domain: UNKNOWN },
        propertyDependencies: { domain: [urnOf(V1_ID, "v1")] },
      };
      const out = await runStack(sesDnsRecords, [
        identity,
        linked,
        dkim,
        ...records("cloudflare", ME.mxHost, ME.dkimDomain).filter((r) => r.props.type !== "MX"),
      ]);
      expect(out.violations).toEqual([
        `${V1_ID} "v1": the SES identity "example.com" (me-central-1) has no MX record at its MAIL FROM domain mail.example.com in the stack; expected MX mail.example.com "10 feedback-smtp.me-central-1.amazonses.com" (${FEEDBACK_SOURCE}), without which SES never verifies the MAIL FROM domain. Fix: publish that record (mailguard's MailDomain does), ${MANAGED_FIX}.`,
      ]);
      expect(out.previewNote).toBeUndefined();
    });

    const native = (extra: Record<string, unknown> = {}): Resource => ({
      type: NATIVE_ID,
      name: "native",
      provider: awsProvider("me-central-1"),
      props: {
        emailIdentity: "example.com",
        mailFromAttributes: {
          mailFromDomain: "mail.example.com",
          behaviorOnMxFailure: "USE_DEFAULT_VALUE",
        },
        ...Object.fromEntries(
          TOKENS.flatMap((t, i) => [
            [`dkimDnsTokenName${i + 1}`, `${t}._domainkey.example.com`],
            [`dkimDnsTokenValue${i + 1}`, `${t}.dkim.me-central-1.amazonses.com`],
          ]),
        ),
        ...extra,
      },
    });

    it("passes an aws-native identity whose records match its mailFromAttributes and DKIM token outputs", async () => {
      expect(
        await violationsOf([native(), ...records("cloudflare", ME.mxHost, ME.dkimDomain)]),
      ).toEqual([]);
    });

    it("reports an aws-native identity's records against the targets SES reports for it", async () => {
      const out = await runStack(sesDnsRecords, [
        native(),
        ...records("cloudflare", "feedback-smtp.us-east-1.amazonses.com", "dkim.amazonses.com"),
      ]);
      const identity = 'the SES identity "example.com" (me-central-1)';
      expect(out.violations).toEqual([
        mxWrong("cloudflare", identity, "10 feedback-smtp.us-east-1.amazonses.com", ME.mxHost),
        ...TOKENS.map((t) =>
          dkimWrong(
            recordLabel("cloudflare", "CNAME", `${t}._domainkey.example.com`),
            identity,
            t,
            `${t}.dkim.amazonses.com`,
            `${t}.dkim.me-central-1.amazonses.com`,
          ),
        ),
      ]);
    });

    it("needs no CNAMEs for an aws-native identity that does not sign with Easy DKIM", async () => {
      const mailOnly = records("cloudflare", ME.mxHost, ME.dkimDomain).filter(
        (r) => r.props.type !== "CNAME",
      );
      for (const extra of [
        { dkimAttributes: { signingEnabled: false } },
        { dkimSigningAttributes: { domainSigningSelector: "s1" } },
      ]) {
        expect(await violationsOf([native(extra), ...mailOnly])).toEqual([]);
      }
    });
  });

  describe("during preview", () => {
    it("judges MX and SPF while the DKIM tokens are unknown, and names the tokens", async () => {
      const out = await runStack(
        sesDnsRecords,
        sesStack({
          dns: "cloudflare",
          region: "eu-west-1",
          ...EU,
          tokens: UNKNOWN,
          mxHost: "feedback-smtp.eu-west-1.amazonaws.com",
        }),
      );
      expect(out.violations).toEqual([
        mxWrong(
          "cloudflare",
          'the SES identity "example.com" (eu-west-1)',
          "10 feedback-smtp.eu-west-1.amazonaws.com",
          "feedback-smtp.eu-west-1.amazonses.com",
        ),
      ]);
      expect(out.previewNote).toBe(
        "can't run policy 'ses-dns-records' during preview: string value at .dkimSigningAttributes.tokens can't be known during preview",
      );
    });

    it("does not call a record missing while a record's name is unknown", async () => {
      const stack = [
        ...sesStack({ dns: "cloudflare", region: "eu-west-1", ...EU, without: ["dkim-0"] }),
        {
          ...cfRecord("x", "CNAME", "x"),
          name: "dkim-unnamed",
          props: { zoneId: "zone-1", name: UNKNOWN, type: "CNAME", ttl: 1, content: UNKNOWN },
        },
      ];
      const out = await runStack(sesDnsRecords, stack);
      expect(out.violations).toEqual([]);
      expect(out.previewNote).toMatch(/string value at \.name can't be known during preview$/);
    });

    it.each([
      ["content", { content: UNKNOWN }, ".content"],
      ["priority", { priority: UNKNOWN }, ".priority"],
    ])("names an MX %s that is unknown", async (_field, props, path) => {
      const stack = replacing(
        sesStack({ dns: "cloudflare", region: "eu-west-1", ...EU }),
        CF_DNS_RECORD,
        "cf-mx-mail.example.com",
        (r) => withProps(r, props),
      );
      const out = await runStack(sesDnsRecords, stack);
      expect(out.violations).toEqual([]);
      expect(out.previewNote).toBe(
        `can't run policy 'ses-dns-records' during preview: string value at ${path} can't be known during preview`,
      );
    });

    it("names a MAIL FROM domain or an identity domain that is unknown", async () => {
      for (const [type, name, props, path] of [
        [V2_MAIL_FROM, "mail-from", { mailFromDomain: UNKNOWN }, ".mailFromDomain"],
        [V2_ID, "id", { emailIdentity: UNKNOWN }, ".emailIdentity"],
      ] as const) {
        const stack = replacing(
          sesStack({ dns: "route53", region: "eu-west-1", ...EU }),
          type,
          name,
          (r) => withProps(r, props),
        );
        const out = await runStack(sesDnsRecords, stack);
        expect(out.violations).toEqual([]);
        expect(out.previewNote).toMatch(
          new RegExp(`string value at \\${path} can't be known during preview$`),
        );
      }
    });

    it("names an SPF value that is unknown instead of judging the name's other TXT values", async () => {
      const stack = [
        ...sesStack({ dns: "route53", region: "eu-west-1", ...EU, spf: "v=spf1 -all" }),
        { ...r53Record("mail.example.com", "TXT", [UNKNOWN]), name: "pending-txt" },
      ];
      const out = await runStack(sesDnsRecords, stack);
      expect(out.violations).toEqual([]);
      expect(out.previewNote).toBe(
        "can't run policy 'ses-dns-records' during preview: string value at .records.0 can't be known during preview",
      );
    });
  });

  describe("managedElsewhere", () => {
    const bare = () =>
      sesStack({
        dns: "cloudflare",
        region: "eu-west-1",
        ...EU,
        without: ["mx", "spf", "dkim-0", "dkim-1", "dkim-2"],
      });

    it("passes an identity whose records live in another stack, subdomains covered", async () => {
      expect(await violationsOf(bare())).toHaveLength(5);
      expect(await violationsOf(bare(), { managedElsewhere: ["example.com"] })).toEqual([]);
      expect(await violationsOf(bare(), { managedElsewhere: ["Example.COM."] })).toEqual([]);
    });

    it("covers only the names under the listed domain", async () => {
      const out = await violationsOf(bare(), { managedElsewhere: ["mail.example.com"] });
      expect(out).toEqual(
        TOKENS.map((t) =>
          dkimMissing('the SES identity "example.com" (eu-west-1)', t, `${t}.dkim.amazonses.com`),
        ),
      );
      expect(await violationsOf(bare(), { managedElsewhere: ["other.example"] })).toHaveLength(5);
    });

    it("still judges a record the stack does publish", async () => {
      const stack = sesStack({
        dns: "cloudflare",
        region: "eu-west-1",
        ...EU,
        mxHost: "feedback-smtp.eu-west-1.amazonaws.com",
      });
      expect(await violationsOf(stack, { managedElsewhere: ["example.com"] })).toEqual([
        mxWrong(
          "cloudflare",
          'the SES identity "example.com" (eu-west-1)',
          "10 feedback-smtp.eu-west-1.amazonaws.com",
          "feedback-smtp.eu-west-1.amazonses.com",
        ),
      ]);
    });
  });

  describe("names relative to zones the stack does not declare", () => {
    const identity = (): Resource[] => [
      {
        type: V2_ID,
        name: "id",
        props: {
          region: "eu-west-1",
          emailIdentity: "example.com",
          dkimSigningAttributes: { tokens: [] },
        },
      },
      {
        type: V2_MAIL_FROM,
        name: "mail-from",
        props: { emailIdentity: "example.com", mailFromDomain: "mail.example.com" },
      },
    ];

    it("takes a relative name in the stack's only undeclared zone for the full one", async () => {
      const stack = [
        ...identity(),
        cfRecord("mail", "MX", "feedback-smtp.eu-west-1.amazonaws.com", { priority: 10 }),
        cfRecord("mail", "TXT", SES_SPF),
      ];
      expect(await violationsOf(stack)).toEqual([
        `${CF_DNS_RECORD} "cf-mx-mail": the MX record at mail.example.com, the MAIL FROM domain of the SES identity "example.com" (eu-west-1), is "10 feedback-smtp.eu-west-1.amazonaws.com"; SES expects "10 feedback-smtp.eu-west-1.amazonses.com" (${FEEDBACK_SOURCE}) and never verifies the MAIL FROM domain otherwise. Fix: point the record at feedback-smtp.eu-west-1.amazonses.com with priority 10.`,
      ]);
    });

    it("says it cannot tell when the stack's records sit in several undeclared zones", async () => {
      const inZone2 = (r: Resource) => withProps(r, { zoneId: "zone-2" });
      const stack = [
        ...identity(),
        cfRecord("mail", "MX", "feedback-smtp.eu-west-1.amazonses.com", { priority: 10 }),
        inZone2(cfRecord("mail", "TXT", SES_SPF)),
      ];
      expect(await violationsOf(stack)).toEqual([
        `${ID}: cannot tell whether the stack publishes an MX record at its MAIL FROM domain mail.example.com for the SES identity "example.com" (eu-west-1): the only candidates ("mail" in zone zone-1) have names relative to zones the stack does not declare, and the stack has records in several such zones. Fix: write the record's full name (mail.example.com), declare its zone in the stack, ${MANAGED_FIX}.`,
        `${ID}: cannot tell whether the stack publishes an SPF record at its MAIL FROM domain mail.example.com for the SES identity "example.com" (eu-west-1): the only candidates ("mail" in zone zone-2) have names relative to zones the stack does not declare, and the stack has records in several such zones. Fix: write the record's full name (mail.example.com), declare its zone in the stack, ${MANAGED_FIX}.`,
      ]);
    });
  });

  it("tells apart the records of many identities in one stack", async () => {
    const stack = Array.from({ length: 300 }, (_, i) =>
      sesStack({
        dns: "route53",
        region: "eu-west-1",
        ...EU,
        domain: `d${i}.example.com`,
        mxHost: i === 150 ? "feedback-smtp.eu-west-1.amazonaws.com" : EU.mxHost,
      })
        .filter((r) => !r.type.endsWith("/zone:Zone"))
        .map((r) => ({ ...r, name: `${r.name}-${i}` })),
    ).flat();
    const out = await runStack(sesDnsRecords, stack);
    expect(out.violations).toEqual([
      `${R53_RECORD} "r53-mx-mail.d150.example.com-150": the MX record at mail.d150.example.com, the MAIL FROM domain of the SES identity "d150.example.com" (eu-west-1), is "10 feedback-smtp.eu-west-1.amazonaws.com"; SES expects "10 feedback-smtp.eu-west-1.amazonses.com" (${FEEDBACK_SOURCE}) and never verifies the MAIL FROM domain otherwise. Fix: point the record at feedback-smtp.eu-west-1.amazonses.com with priority 10.`,
    ]);
  });
});
