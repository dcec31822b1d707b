import { sesTlsRequired } from "../../policies/rules/ses-tls-required";
import { UNKNOWN, runResource, runStack, urnOf } from "../helpers/policy-support";

const V1_SET = "aws:ses/configurationSet:ConfigurationSet";
const V2_SET = "aws:sesv2/configurationSet:ConfigurationSet";
const NATIVE_SET = "aws-native:ses:ConfigurationSet";
const V2_ID = "aws:sesv2/emailIdentity:EmailIdentity";
const NATIVE_ID = "aws-native:ses:EmailIdentity";

const v2Set = (name: string, tlsPolicy?: string) => ({
  type: V2_SET,
  name,
  props: {
    configurationSetName: name,
    ...(tlsPolicy === undefined ? {} : { deliveryOptions: { tlsPolicy } }),
  },
});
const identity = (configurationSetName?: unknown) => ({
  type: V2_ID,
  name: "id",
  props: {
    emailIdentity: "example.com",
    ...(configurationSetName === undefined ? {} : { configurationSetName }),
  },
});

describe("ses-tls-required", () => {
  it("passes configuration sets of SES v1, v2 and aws-native that require TLS", async () => {
    const sets = [
      {
        type: V1_SET,
        name: "v1",
        props: { name: "v1", deliveryOptions: { tlsPolicy: "Require" } },
      },
      v2Set("v2", "REQUIRE"),
      {
        type: NATIVE_SET,
        name: "n",
        props: { name: "n", deliveryOptions: { tlsPolicy: "REQUIRE" } },
      },
    ];
    for (const s of sets) {
      expect((await runResource(sesTlsRequired, s)).violations).toEqual([]);
    }
  });

  const violating: [
    string,
    { type: string; name: string; props: Record<string, unknown> },
    RegExp,
  ][] = [
    ["a v2 set with TLS optional", v2Set("s", "OPTIONAL"), /TLS policy is OPTIONAL/],
    ["a v2 set without delivery options", v2Set("s"), /TLS policy is unset \(Optional\)/],
    [
      "a v1 set with TLS optional",
      {
        type: V1_SET,
        name: "v1",
        props: { name: "v1", deliveryOptions: { tlsPolicy: "Optional" } },
      },
      /TLS policy is Optional/,
    ],
    [
      "an aws-native set without delivery options",
      { type: NATIVE_SET, name: "n", props: { name: "n" } },
      /unset/,
    ],
  ];
  it.each(violating)("reports %s", async (_label, r, pattern) => {
    const out = await runResource(sesTlsRequired, r);
    expect(out.violations).toHaveLength(1);
    expect(out.violations[0]).toMatch(pattern);
    expect(out.violations[0]).toContain(`${r.type} "${r.name}"`);
    expect(out.violations[0]).toMatch(/Fix: set deliveryOptions\.tlsPolicy to "REQUIRE"/);
  });

  it("hands a TLS policy unknown during preview to the SDK, naming the field", async () => {
    const out = await runResource(sesTlsRequired, v2Set("s", UNKNOWN));
    expect(out.previewNote).toMatch(/\.deliveryOptions\.tlsPolicy can't be known/);
  });

  describe("stack: identities send through a TLS-requiring set by default", () => {
    it("passes an identity whose default set requires TLS, by name or by output link", async () => {
      expect(
        (await runStack(sesTlsRequired, [v2Set("tls", "REQUIRE"), identity("tls")])).violations,
      ).toEqual([]);
      const linked = {
        ...identity(UNKNOWN),
        propertyDependencies: { configurationSetName: [urnOf(V2_SET, "tls")] },
      };
      expect(
        (await runStack(sesTlsRequired, [v2Set("tls", "REQUIRE"), linked])).violations,
      ).toEqual([]);
    });

    it("passes an aws-native identity naming its set in configurationSetAttributes", async () => {
      const id = {
        type: NATIVE_ID,
        name: "nid",
        props: {
          emailIdentity: "example.com",
          configurationSetAttributes: { configurationSetName: "tls" },
        },
      };
      expect((await runStack(sesTlsRequired, [v2Set("tls", "REQUIRE"), id])).violations).toEqual(
        [],
      );
    });

    const stackViolations: [
      string,
      { type: string; name: string; props: Record<string, unknown> }[],
      RegExp,
    ][] = [
      [
        "an identity without a default set",
        [v2Set("tls", "REQUIRE"), identity()],
        /has no default configuration set/,
      ],
      [
        "an identity whose default set does not require TLS",
        [v2Set("plain", "OPTIONAL"), identity("plain")],
        /"plain" does not require TLS/,
      ],
      [
        "an identity whose default set is not in the stack",
        [identity("elsewhere")],
        /"elsewhere" is not a configuration set in this stack/,
      ],
      [
        "an identity whose set name is unknown and unlinked",
        [v2Set("tls", "REQUIRE"), identity(UNKNOWN)],
        /configurationSetName is unknown/,
      ],
    ];
    it.each(stackViolations)("reports %s", async (_label, resources, pattern) => {
      const out = await runStack(sesTlsRequired, resources);
      expect(out.violations).toHaveLength(1);
      expect(out.violations[0]).toMatch(pattern);
      expect(out.violations[0]).toContain(`${V2_ID} "id"`);
      expect(out.urns[0]).toBe(urnOf(V2_ID, "id"));
    });

    const address = (email: string, configurationSetName?: string) => ({
      type: V2_ID,
      name: "ops",
      props: {
        emailIdentity: email,
        ...(configurationSetName === undefined ? {} : { configurationSetName }),
      },
    });

    it("reports an address identity without its own set, even when its domain's identity requires TLS", async () => {
      // Settings of a verified address override its domain's (SES Developer Guide, "Default
      // configuration set considerations"): the domain's default does not reach the address.
      for (const resources of [
        [v2Set("tls", "REQUIRE"), identity("tls"), address("ops@Example.com")],
        [v2Set("tls", "REQUIRE"), identity(), address("ops@example.com")],
        [v2Set("tls", "REQUIRE"), identity("tls"), address("ops@other.example")],
      ]) {
        const out = await runStack(sesTlsRequired, resources);
        const own = out.violations.filter((v) => v.includes(`${V2_ID} "ops"`));
        expect(own).toEqual([
          `${V2_ID} "ops": the identity has no default configuration set, so mail sent without naming one is not held to TLS. Fix: set configurationSetName to a configuration set that requires TLS (mailguard's MailDomain does).`,
        ]);
        expect(out.urns).toContain(urnOf(V2_ID, "ops"));
      }
    });

    it("passes an address identity whose own default set requires TLS", async () => {
      const out = await runStack(sesTlsRequired, [
        v2Set("tls", "REQUIRE"),
        identity("tls"),
        address("ops@example.com", "tls"),
      ]);
      expect(out.violations).toEqual([]);
    });

    it("reports an address identity whose own default set does not require TLS, whatever its domain uses", async () => {
      const out = await runStack(sesTlsRequired, [
        v2Set("tls", "REQUIRE"),
        v2Set("plain", "OPTIONAL"),
        identity("tls"),
        address("ops@example.com", "plain"),
      ]);
      expect(out.violations).toHaveLength(1);
      expect(out.violations[0]).toContain(`${V2_ID} "ops"`);
      expect(out.violations[0]).toMatch(/"plain" does not require TLS/);
    });

    it("accepts a set managed elsewhere when configured", async () => {
      const out = await runStack(sesTlsRequired, [identity("shared-tls")], {
        externalConfigurationSets: ["shared-tls"],
      });
      expect(out.violations).toEqual([]);
    });
  });
});
