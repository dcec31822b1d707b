/**
 * ses-dns-records over the real analyzer protocol: the pack started as the CLI starts it, each
 * resource sent to Analyze with its provider and the whole stack to AnalyzeStack, as the engine
 * does. A correct stack in each region passes the whole pack with no finding; a wrong MAIL FROM
 * MX, SPF or Easy DKIM target is a mandatory violation naming the record and the value expected.
 */
import * as fs from "fs";
import * as path from "path";
import { Diagnostic, PolicyPackSession, startPolicyPack } from "../../cli/analyzer/policy-pack";
import { Resource, UNKNOWN, awsProvider } from "../helpers/policy-support";
import {
  DOCUMENTED_REGIONS,
  Dns,
  TOKENS,
  analyzerResource,
  sesStack,
} from "../helpers/ses-fixtures";
import {
  DNS,
  EU,
  ID,
  ID_URN,
  ME,
  dkimWrong,
  mxWrong,
  recordLabel,
  recordUrn,
  spfWrong,
} from "../helpers/ses-messages";

const packDir = path.join(__dirname, "..", "..", "policies");
const POLICY = "ses-dns-records";
const packVersion = (
  JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8")) as { version: string }
).version;

let pack: PolicyPackSession;
let description: string;

beforeAll(async () => {
  pack = await startPolicyPack({ packDir });
  description = (await pack.info()).policies.find((p) => p.name === POLICY)?.description ?? "";
}, 180_000);

afterAll(async () => {
  await pack?.close();
});

/** Every diagnostic the pack gives for a stack: each resource on Analyze, then AnalyzeStack. */
async function feed(resources: Resource[]): Promise<Diagnostic[]> {
  const sent = resources.map(analyzerResource);
  const found: Diagnostic[] = [];
  for (const r of sent) {
    found.push(...(await pack.analyze(r)).diagnostics);
  }
  found.push(...(await pack.analyzeStack(sent)).diagnostics);
  return found;
}

/** The diagnostics as policy, level, URN and message without the description line the SDK adds. */
function summary(found: Diagnostic[]): [string, string, string, string][] {
  return found.map((d) => [
    d.policyName,
    d.enforcementLevel,
    d.urn,
    d.message.startsWith(`${description}\n`) ? d.message.slice(description.length + 1) : d.message,
  ]);
}

const violation = (urn: string, message: string): [string, string, string, string] => [
  POLICY,
  "mandatory",
  urn,
  message,
];

describe("ses-dns-records over pulumirpc.Analyzer", () => {
  it("is listed as a mandatory stack policy with managedElsewhere", async () => {
    const info = (await pack.info()).policies.find((p) => p.name === POLICY);
    expect(info).toMatchObject({ enforcementLevel: "mandatory", policyType: "stack" });
    expect(Object.keys(info?.configSchema?.properties ?? {})).toEqual(["managedElsewhere"]);
    expect(description).toMatch(/^The MX, SPF and Easy DKIM records .*\.$/);
  });

  const correct = DOCUMENTED_REGIONS.flatMap(([region, mxHost, dkimDomain]) =>
    DNS.map((dns) => [region, dns, mxHost, dkimDomain] as const),
  );
  it.each(correct)(
    "finds nothing, in the whole pack, for a correct stack in %s on %s",
    async (region, dns, mxHost, dkimDomain) => {
      expect(summary(await feed(sesStack({ dns, region, mxHost, dkimDomain })))).toEqual([]);
    },
  );

  it.each(DNS)(
    "takes the region from the provider the engine sends with the identity (%s)",
    async (dns) => {
      const provider = awsProvider("me-central-1");
      expect(summary(await feed(sesStack({ dns, provider, ...ME })))).toEqual([]);
      const identity = 'the SES identity "example.com" (me-central-1)';
      expect(summary(await feed(sesStack({ dns, provider, ...EU })))).toEqual([
        violation(
          recordUrn(dns, "MX", "mail.example.com"),
          mxWrong(
            dns,
            identity,
            "10 feedback-smtp.eu-west-1.amazonses.com",
            "feedback-smtp.me-central-1.amazonses.com",
          ),
        ),
        ...TOKENS.map((t) =>
          violation(
            recordUrn(dns, "CNAME", `${t}._domainkey.example.com`),
            dkimWrong(
              recordLabel(dns, "CNAME", `${t}._domainkey.example.com`),
              identity,
              t,
              `${t}.dkim.amazonses.com`,
              `${t}.dkim.me-central-1.amazonses.com`,
            ),
          ),
        ),
      ]);
    },
  );

  const cases = (dns: Dns): [string, Resource[], [string, string, string, string][]][] => [
    [
      "a MAIL FROM MX on amazonaws.com",
      sesStack({
        dns,
        region: "eu-west-1",
        ...EU,
        mxHost: "feedback-smtp.eu-west-1.amazonaws.com",
      }),
      [
        violation(
          recordUrn(dns, "MX", "mail.example.com"),
          mxWrong(
            dns,
            'the SES identity "example.com" (eu-west-1)',
            "10 feedback-smtp.eu-west-1.amazonaws.com",
            "feedback-smtp.eu-west-1.amazonses.com",
          ),
        ),
      ],
    ],
    [
      "a MAIL FROM MX naming another region's feedback host",
      sesStack({
        dns,
        region: "us-gov-east-1",
        mxHost: "feedback-smtp.us-east-1.amazonses.com",
        dkimDomain: "dkim.us-gov-east-1.amazonses.com",
      }),
      [
        violation(
          recordUrn(dns, "MX", "mail.example.com"),
          mxWrong(
            dns,
            'the SES identity "example.com" (us-gov-east-1)',
            "10 feedback-smtp.us-east-1.amazonses.com",
            "feedback-smtp.us-gov-east-1.amazonses.com",
          ),
        ),
      ],
    ],
    [
      "a MAIL FROM SPF that does not authorize SES",
      sesStack({
        dns,
        region: "sa-east-1",
        mxHost: "feedback-smtp.sa-east-1.amazonses.com",
        dkimDomain: "dkim.amazonses.com",
        spf: "v=spf1 -include:amazonses.com -all",
      }),
      [
        violation(
          recordUrn(dns, "TXT", "mail.example.com"),
          spfWrong(
            recordLabel(dns, "TXT", "mail.example.com"),
            'the SES identity "example.com" (sa-east-1)',
            "v=spf1 -include:amazonses.com -all",
            'fail ("-include:amazonses.com" matched at mail.example.com)',
          ),
        ),
      ],
    ],
    [
      "Easy DKIM CNAMEs to dkim.amazonses.com for a me-central-1 identity",
      sesStack({ dns, region: "me-central-1", ...ME, dkimDomain: "dkim.amazonses.com" }),
      TOKENS.map((t) =>
        violation(
          recordUrn(dns, "CNAME", `${t}._domainkey.example.com`),
          dkimWrong(
            recordLabel(dns, "CNAME", `${t}._domainkey.example.com`),
            'the SES identity "example.com" (me-central-1)',
            t,
            `${t}.dkim.amazonses.com`,
            `${t}.dkim.me-central-1.amazonses.com`,
          ),
        ),
      ),
    ],
  ];
  const violating = DNS.flatMap((dns) =>
    cases(dns).map(([label, stack, expected]) => [label, dns, stack, expected] as const),
  );
  it.each(violating)(
    "reports %s on %s as a mandatory violation, and nothing else",
    async (_label, _dns, stack, expected) => {
      expect(summary(await feed(stack))).toEqual(expected);
    },
  );

  it("judges MX and SPF during preview and names the unknown tokens in an advisory note", async () => {
    const stack = sesStack({
      dns: "cloudflare",
      region: "eu-west-1",
      ...EU,
      tokens: UNKNOWN,
      mxHost: "feedback-smtp.eu-west-1.amazonaws.com",
    });
    expect(summary(await feed(stack))).toEqual([
      violation(
        recordUrn("cloudflare", "MX", "mail.example.com"),
        mxWrong(
          "cloudflare",
          'the SES identity "example.com" (eu-west-1)',
          "10 feedback-smtp.eu-west-1.amazonaws.com",
          "feedback-smtp.eu-west-1.amazonses.com",
        ),
      ),
      [
        POLICY,
        "advisory",
        "",
        `can't run policy 'ses-dns-records' from policy pack 'mailguard@v${packVersion}' during preview: string value at .dkimSigningAttributes.tokens can't be known during preview`,
      ],
    ]);
  });

  it("applies managedElsewhere from Configure to records missing from the stack", async () => {
    const bare = sesStack({
      dns: "route53",
      region: "eu-central-2",
      mxHost: "feedback-smtp.eu-central-2.amazonses.com",
      dkimDomain: "dkim.eu-central-2.amazonses.com",
      without: ["mx", "spf", "dkim-0", "dkim-1", "dkim-2"],
    });
    const before = summary(await feed(bare));
    expect(before.map(([policy, level, urn]) => [policy, level, urn])).toEqual(
      Array.from({ length: 5 }, () => [POLICY, "mandatory", ID_URN]),
    );
    expect(before[0][3]).toContain(
      `${ID}: the SES identity "example.com" (eu-central-2) has no MX record at its MAIL FROM domain mail.example.com in the stack;`,
    );
    await pack.configure({ [POLICY]: { managedElsewhere: ["example.com"] } });
    try {
      expect(summary(await feed(bare))).toEqual([]);
    } finally {
      await pack.configure({ [POLICY]: { managedElsewhere: [] } });
    }
  });
});
