/**
 * What mailguard's components register on Route53, fed through the pack as the engine would:
 * every custom resource's inputs to Analyze and every resource's outputs to AnalyzeStack. The
 * stacks from the components pass every policy, a BYODKIM key split the Route53 way included;
 * each record policy and ses-dns-records still reads what the components write, and fires on the
 * record set once one of its values is broken. mail-dns-not-proxied judges Cloudflare records only
 * (Route53 has no proxy), so it has nothing to find here.
 */
import { generateKeyPairSync } from "crypto";
import * as path from "path";
import { MailDomain, MailDomainArgs } from "../../components/mailDomain";
import { Diagnostic, PolicyPackSession, startPolicyPack } from "../../cli/analyzer/policy-pack";
import { ProviderSimulator, RecordedResource, settle, simulate, valueOf } from "../helpers/mocks";
import { feedToPack } from "../helpers/pack-feed";

const packDir = path.join(__dirname, "..", "..", "policies");
const R53 = "aws:route53/record:Record";
const ZONE = "Z0123456789ABCDEFGHIJ";

let pack: PolicyPackSession;
let sim: ProviderSimulator;

beforeAll(async () => {
  [pack, sim] = await Promise.all([
    startPolicyPack({ packDir }),
    simulate({ region: "us-east-1" }),
  ]);
}, 180_000);

afterAll(async () => {
  await pack?.close();
});

beforeEach(() => sim.reset());

/** Every resource a MailDomain on Route53 registers, once all of them are. */
async function route53Stack(change: Partial<MailDomainArgs> = {}): Promise<RecordedResource[]> {
  const mail = new MailDomain("mail", {
    domain: "example.com",
    dns: { route53: { zoneId: ZONE } },
    region: "eu-west-1",
    apexSpf: {
      existing: ["v=spf1 include:_spf.google.com ~all", "google-site-verification=abc"],
    },
    adopt: { spf: true },
    byodkim: { selector: "s1" },
    ...change,
  });
  await valueOf(mail.urn);
  await settle(sim);
  return structuredClone(sim.resources);
}

/** The stack with the values of one record set replaced, in its inputs and its outputs alike. */
function withValues(
  resources: RecordedResource[],
  name: string,
  records: string[],
): RecordedResource[] {
  const target = resources.find((r) => r.type === R53 && r.name === name);
  expect(target).toBeDefined();
  return resources.map((r) =>
    r === target ? { ...r, inputs: { ...r.inputs, records }, state: { ...r.state, records } } : r,
  );
}

/** The stack without one record set. */
function without(resources: RecordedResource[], name: string): RecordedResource[] {
  expect(resources.some((r) => r.type === R53 && r.name === name)).toBe(true);
  return resources.filter((r) => !(r.type === R53 && r.name === name));
}

/** Each diagnostic as policy, level and the resource its message opens with. */
function found(ds: Diagnostic[]): string[] {
  return ds.map((d) => {
    const subject = /(\S+ "[^"]+"): /.exec(d.message)?.[1] ?? "(no resource)";
    return `${d.policyName} ${d.enforcementLevel} ${subject}`;
  });
}

const rsaKey = (bits: number) =>
  generateKeyPairSync("rsa", { modulusLength: bits })
    .publicKey.export({ type: "spki", format: "der" })
    .toString("base64");

describe("MailDomain on Route53 through the pack", () => {
  it("finds nothing with its defaults and the zone looked up by name", async () => {
    const resources = await route53Stack({
      dns: { route53: { zoneName: "example.com" } },
      apexSpf: undefined,
      adopt: undefined,
      byodkim: undefined,
    });
    expect(resources.filter((r) => r.type === R53)).toHaveLength(6);
    expect(found(await feedToPack(pack, resources))).toEqual([]);
  });

  it('finds nothing in a BYODKIM key split into 255-octet strings with "", and an adopted apex set', async () => {
    const resources = await route53Stack();
    const key = resources.find((r) => r.type === R53 && r.name === "mail-dns-dkim")!;
    const [value] = key.inputs.records as string[];
    const strings = value.split('""');
    expect(strings.length).toBe(2);
    expect(strings[0].length).toBe(255);
    expect(strings[0]).toMatch(/^v=DKIM1; k=rsa; p=MIIB/);
    const apex = resources.find((r) => r.type === R53 && r.name === "mail-dns-spf")!;
    expect(apex.inputs.records).toEqual([
      "v=spf1 include:_spf.google.com ~all",
      "google-site-verification=abc",
    ]);
    expect(found(await feedToPack(pack, resources))).toEqual([]);
  });

  describe("each record policy fires on a Route53 record set from the components once a value is broken", () => {
    const spfSet = 'aws:route53/record:Record "mail-dns-spf"';
    const dmarcSet = 'aws:route53/record:Record "mail-dns-dmarc"';
    const dkimSet = 'aws:route53/record:Record "mail-dns-dkim"';
    const cases: [string, (rs: RecordedResource[]) => RecordedResource[], string[]][] = [
      [
        "spf-record-valid: a second SPF value in the apex set",
        (rs) =>
          withValues(rs, "mail-dns-spf", [
            "v=spf1 include:_spf.google.com ~all",
            "v=spf1 mx -all",
            "google-site-verification=abc",
          ]),
        [`spf-record-valid mandatory ${spfSet}`],
      ],
      [
        "spf-record-not-permissive: +all at the apex",
        (rs) => withValues(rs, "mail-dns-spf", ["v=spf1 +all", "google-site-verification=abc"]),
        [`spf-record-not-permissive mandatory ${spfSet}`],
      ],
      [
        "spf-record-advice: ?all at the apex",
        (rs) =>
          withValues(rs, "mail-dns-spf", [
            "v=spf1 include:_spf.google.com ?all",
            "google-site-verification=abc",
          ]),
        [`spf-record-advice advisory ${spfSet}`],
      ],
      [
        "dmarc-record-valid: a policy that does not exist",
        (rs) => withValues(rs, "mail-dns-dmarc", ["v=DMARC1; p=block"]),
        [`dmarc-record-valid mandatory ${dmarcSet}`],
      ],
      [
        "dmarc-policy-enforced: p=none",
        (rs) =>
          withValues(rs, "mail-dns-dmarc", [
            "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com",
          ]),
        [`dmarc-policy-enforced mandatory ${dmarcSet}`, `dmarc-record-advice advisory ${dmarcSet}`],
      ],
      [
        "dmarc-record-advice: no rua=",
        (rs) => withValues(rs, "mail-dns-dmarc", ["v=DMARC1; p=quarantine"]),
        [`dmarc-record-advice advisory ${dmarcSet}`],
      ],
      [
        "dkim-record-valid: a key that is not base64",
        (rs) => withValues(rs, "mail-dns-dkim", ["v=DKIM1; k=rsa; p=MIIB!"]),
        [`dkim-record-valid mandatory ${dkimSet}`],
      ],
      [
        "dkim-record-valid: a 2048-bit key left in one string of more than 255 octets",
        (rs) => withValues(rs, "mail-dns-dkim", [`v=DKIM1; k=rsa; p=${rsaKey(2048)}`]),
        [`dkim-record-valid mandatory ${dkimSet}`],
      ],
      [
        "dkim-key-strength: a 1024-bit key",
        (rs) => withValues(rs, "mail-dns-dkim", [`v=DKIM1; k=rsa; p=${rsaKey(1024)}`]),
        [`dkim-key-strength advisory ${dkimSet}`],
      ],
      [
        "ses-dns-records: the MAIL FROM MX of another region",
        (rs) =>
          withValues(rs, "mail-dns-mail-from-mx", ["10 feedback-smtp.us-east-1.amazonses.com"]),
        ['ses-dns-records mandatory aws:route53/record:Record "mail-dns-mail-from-mx"'],
      ],
      [
        "ses-domain-dmarc-published: no _dmarc record set",
        (rs) => without(rs, "mail-dns-dmarc"),
        [
          'ses-domain-dmarc-published mandatory aws:sesv2/emailIdentity:EmailIdentity "mail-ses-identity"',
        ],
      ],
    ];
    it.each(cases)("%s", async (_what, breakIt, expected) => {
      const resources = breakIt(await route53Stack());
      expect(found(await feedToPack(pack, resources)).sort()).toEqual([...expected].sort());
    });
  });
});
