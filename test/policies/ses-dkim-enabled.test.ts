import { sesDkimEnabled } from "../../policies/rules/ses-dkim-enabled";
import { runResource, runStack, urnOf } from "../helpers/policy-support";

const V2_ID = "aws:sesv2/emailIdentity:EmailIdentity";
const NATIVE_ID = "aws-native:ses:EmailIdentity";
const V1_ID = "aws:ses/domainIdentity:DomainIdentity";
const V1_DKIM = "aws:ses/domainDkim:DomainDkim";

describe("ses-dkim-enabled", () => {
  it("passes Easy DKIM, complete BYODKIM and address identities", async () => {
    const ok = [
      {
        type: V2_ID,
        name: "easy",
        props: {
          emailIdentity: "example.com",
          dkimSigningAttributes: { nextSigningKeyLength: "RSA_2048_BIT" },
        },
      },
      { type: V2_ID, name: "plain", props: { emailIdentity: "example.com" } },
      {
        type: V2_ID,
        name: "byo",
        props: {
          emailIdentity: "example.com",
          dkimSigningAttributes: {
            domainSigningPrivateKey: "MIIE...",
            domainSigningSelector: "s1",
          },
        },
      },
      { type: V2_ID, name: "addr", props: { emailIdentity: "me@example.com" } },
      {
        type: NATIVE_ID,
        name: "n",
        props: { emailIdentity: "example.com", dkimAttributes: { signingEnabled: true } },
      },
    ];
    for (const r of ok) {
      expect((await runResource(sesDkimEnabled, r)).violations).toEqual([]);
    }
  });

  const violating: [
    string,
    { type: string; name: string; props: Record<string, unknown> },
    RegExp,
  ][] = [
    [
      "BYODKIM without a selector",
      {
        type: V2_ID,
        name: "byo",
        props: {
          emailIdentity: "example.com",
          dkimSigningAttributes: { domainSigningPrivateKey: "MIIE..." },
        },
      },
      /domainSigningSelector is missing/,
    ],
    [
      "BYODKIM without a key",
      {
        type: V2_ID,
        name: "byo",
        props: {
          emailIdentity: "example.com",
          dkimSigningAttributes: { domainSigningSelector: "s1" },
        },
      },
      /domainSigningPrivateKey is missing/,
    ],
    [
      "aws-native signing turned off",
      {
        type: NATIVE_ID,
        name: "n",
        props: { emailIdentity: "example.com", dkimAttributes: { signingEnabled: false } },
      },
      /signingEnabled: false/,
    ],
  ];
  it.each(violating)("reports %s", async (_label, r, pattern) => {
    const out = await runResource(sesDkimEnabled, r);
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(pattern);
    expect(out.violations[0]).toContain(`${r.type} "${r.name}"`);
    expect(out.violations[0]).toMatch(/ Fix: /);
  });

  it("passes, at stack level, a v1 domain identity with DomainDkim matched by domain or by output link", async () => {
    const id = { type: V1_ID, name: "v1", props: { domain: "example.com" } };
    const byDomain = { type: V1_DKIM, name: "dkim", props: { domain: "example.com" } };
    const byLink = {
      type: V1_DKIM,
      name: "dkim",
      props: { domain: "x" },
      propertyDependencies: { domain: [urnOf(V1_ID, "v1")] },
    };
    expect((await runStack(sesDkimEnabled, [id, byDomain])).violations).toEqual([]);
    expect((await runStack(sesDkimEnabled, [id, byLink])).violations).toEqual([]);
  });

  it("reports, at stack level, a v1 domain identity without DomainDkim", async () => {
    const out = await runStack(sesDkimEnabled, [
      { type: V1_ID, name: "v1", props: { domain: "example.com" } },
      { type: V1_DKIM, name: "dkim", props: { domain: "other.example" } },
    ]);
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(
      /domain identity for "example\.com" has no aws\.ses\.DomainDkim/,
    );
    expect(out.urns[0]).toBe(urnOf(V1_ID, "v1"));
  });
});
