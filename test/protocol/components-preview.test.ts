/**
 * The same components during `pulumi preview`: provider-computed values (DKIM tokens, ids, ARNs)
 * arrive as the unknown sentinel. The pack must decide from the known fields and block nothing.
 */
import * as path from "path";
import { MailDomain } from "../../components/mailDomain";
import { NoSmtpEgressSecurityGroup } from "../../components/noSmtpEgressSecurityGroup";
import { SmtpEndpoint } from "../../components/smtpEndpoint";
import { Diagnostic, PolicyPackSession, startPolicyPack } from "../../cli/analyzer/policy-pack";
import { ProviderSimulator, RecordedResource, settle, simulate, valueOf } from "../helpers/mocks";
import { feedToPack } from "../helpers/pack-feed";

const packDir = path.join(__dirname, "..", "..", "policies");
const ZONE = "023e105f4ecef8ad9ca31a8372d0c353";

let pack: PolicyPackSession;
let sim: ProviderSimulator;

beforeAll(async () => {
  [pack, sim] = await Promise.all([
    startPolicyPack({ packDir }),
    simulate({ region: "us-east-1", preview: true }),
  ]);
}, 180_000);

afterAll(async () => {
  await pack?.close();
});

function feed(resources: RecordedResource[]): Promise<Diagnostic[]> {
  return feedToPack(pack, resources);
}

describe("mailguard's own components during preview", () => {
  it("raise no mandatory finding; what cannot be read yet is named in advisory preview notes", async () => {
    const mail = new MailDomain("mail", {
      domain: "example.com",
      cloudflareZoneId: ZONE,
      region: "eu-west-1",
      dmarc: { p: "quarantine", rua: ["mailto:dmarc-reports@example.com"] },
    });
    const group = new NoSmtpEgressSecurityGroup("web", { vpcId: "vpc-0123456789abcdef0" });
    const endpoint = new SmtpEndpoint("smtp", {
      vpcId: "vpc-0123456789abcdef0",
      subnetIds: [{ id: "subnet-0123456789abcdef0", availabilityZone: "us-east-1a" }],
      allowFrom: { securityGroups: [{ key: "web", id: group.securityGroupId }] },
    });
    await Promise.all([valueOf(mail.urn), valueOf(group.urn), valueOf(endpoint.urn)]);
    await settle(sim);
    const found = await feed(sim.resources);
    expect(found.filter((d) => d.enforcementLevel === "mandatory").map((d) => d.message)).toEqual(
      [],
    );
    // The SMTP user's policy document holds ARNs, and the Easy DKIM names hold tokens: unknown yet.
    // ses-dns-records judges the MAIL FROM MX and SPF, then names the tokens it needs for DKIM.
    // The endpoint's group id is unknown, and this feed, unlike the engine's, carries no property
    // dependencies to link it by: smtp-endpoint-reachable names it.
    expect(
      found.map((d) => `${d.policyName} ${d.message.replace(/^.* value at /, "")}`).sort(),
    ).toEqual([
      "dkim-record-valid .name can't be known during preview",
      "dkim-record-valid .name can't be known during preview",
      "dkim-record-valid .name can't be known during preview",
      "ses-dns-records .dkimSigningAttributes.tokens can't be known during preview",
      "smtp-endpoint-reachable .securityGroupIds.0 can't be known during preview",
      "smtp-user-least-privilege .policy can't be known during preview",
    ]);
    for (const d of found) {
      expect(d.message).toMatch(
        /^can't run policy '[a-z0-9-]+' from policy pack 'mailguard@v[\d.]+' during preview: .* value at \.[\w.]+ can't be known during preview$/,
      );
    }
  });
});
