import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  checkEndpointHost,
  SmtpCredentials,
  SmtpCredentialsArgs,
} from "../../components/smtpCredentials";
import { SmtpEndpoint } from "../../components/smtpEndpoint";
import { ArgumentError } from "../../components/common";
import { sesSmtpPasswordV4 } from "../../components/sesSmtpPassword";
import {
  inventory,
  ProviderSimulator,
  resolve,
  settle,
  simulate,
  valueOf,
  onlyOfType,
  expectRefusal,
} from "../helpers/mocks";

let sim: ProviderSimulator;
beforeAll(async () => {
  sim = await simulate({ region: "us-east-1" });
});
beforeEach(() => sim.reset());

const COMPONENT = "mailguard:index:SmtpCredentials";
const IDENTITY = "arn:aws:ses:eu-west-1:123456789012:identity/example.com";
const SET = "arn:aws:ses:eu-west-1:123456789012:configuration-set/example-com-mailguard";
const BASE: SmtpCredentialsArgs = {
  domain: "example.com",
  identityArn: IDENTITY,
  configurationSetArn: SET,
  region: "eu-west-1",
};

async function build(
  name: string,
  args: SmtpCredentialsArgs,
  opts?: pulumi.ComponentResourceOptions,
) {
  const creds = new SmtpCredentials(name, args, opts);
  await valueOf(creds.urn);
  await settle(sim);
  return creds;
}

const only = (type: string) => onlyOfType(sim, type);

describe("SmtpCredentials", () => {
  it("registers exactly a user, its send policy, the access key and the secret, and no provider", async () => {
    const creds = await build("smtp", BASE);
    const component = sim.find(COMPONENT, "smtp")!;
    expect(inventory(sim.resources).sort()).toEqual(
      [
        `${COMPONENT} smtp`,
        "aws:iam/user:User smtp-user",
        "aws:iam/userPolicy:UserPolicy smtp-send",
        "aws:iam/accessKey:AccessKey smtp-key-a",
        "aws:secretsmanager/secret:Secret smtp-secret",
        "aws:secretsmanager/secretVersion:SecretVersion smtp-secret-value",
      ].sort(),
    );
    for (const r of sim.resources.filter((x) => x.type !== COMPONENT))
      expect(r.parent).toBe(component.urn);
    expect(sim.ofType("pulumi:providers:aws")).toEqual([]);
    expect(only("aws:iam/user:User").inputs).toEqual({ path: "/mailguard/" });
    expect(await valueOf(creds.userName)).toBe(only("aws:iam/user:User").state.name);
  });

  it("allows only ses:SendRawEmail on the identity and the configuration set", async () => {
    await build("smtp", BASE);
    const policy = only("aws:iam/userPolicy:UserPolicy");
    expect(policy.inputs.user).toBe(only("aws:iam/user:User").state.name);
    expect(JSON.parse(policy.inputs.policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "SendRawEmailThroughTheIdentityOnly",
          Effect: "Allow",
          Action: "ses:SendRawEmail",
          Resource: [IDENTITY, SET],
        },
      ],
    });
  });

  it("limits the From addresses exactly when asked, normalizing their domains", async () => {
    await build("smtp", {
      ...BASE,
      allowedFromAddresses: [
        "app@Example.com",
        "alerts@news.example.com",
        '"ops team"@example.com',
      ],
    });
    const doc = JSON.parse(only("aws:iam/userPolicy:UserPolicy").inputs.policy as string);
    expect(doc.Statement[0].Condition).toEqual({
      StringLike: {
        "ses:FromAddress": ["app@example.com", "alerts@news.example.com", '"ops team"@example.com'],
      },
    });
  });

  it("creates the access key with the provider in effect, its secrets secret at the source", async () => {
    await build("smtp", BASE);
    const key = only("aws:iam/accessKey:AccessKey");
    expect(key.provider).toBeUndefined();
    expect(key.inputs).toEqual({ user: only("aws:iam/user:User").state.name });
    // The component's own list, then the one the SDK's AccessKey class appends.
    expect(key.options?.additionalSecretOutputs).toEqual([
      "secret",
      "sesSmtpPasswordV4",
      "secret",
      "sesSmtpPasswordV4",
    ]);
    expect(key.secretOutputs.sort()).toEqual(["secret", "sesSmtpPasswordV4"]);
  });

  it("derives the password for the SES region when it differs from the provider's, registering no provider", async () => {
    const creds = await build("smtp", { ...BASE, region: "ap-southeast-2" });
    expect(sim.ofType("pulumi:providers:aws")).toEqual([]);
    const key = only("aws:iam/accessKey:AccessKey");
    const bundle = (await resolve(creds.bundle)).value!;
    expect(bundle.host).toBe("email-smtp.ap-southeast-2.amazonaws.com");
    expect(bundle.region).toBe("ap-southeast-2");
    expect(bundle.password).toBe(sesSmtpPasswordV4(key.state.secret as string, "ap-southeast-2"));
    // The key's own sesSmtpPasswordV4 is for the provider's region (us-east-1): not usable here.
    expect(bundle.password).not.toBe(key.state.sesSmtpPasswordV4);
    expect(only("aws:secretsmanager/secret:Secret").inputs.region).toBe("ap-southeast-2");
  });

  it("outputs a secret bundle for port 587 STARTTLS and 465 whose password is valid for the SES region", async () => {
    const creds = await build("smtp", BASE);
    const key = only("aws:iam/accessKey:AccessKey");
    const bundle = await resolve(creds.bundle);
    expect(bundle.secret).toBe(true);
    expect(bundle.value).toEqual({
      host: "email-smtp.eu-west-1.amazonaws.com",
      port: 587,
      startTls: true,
      implicitTlsPort: 465,
      username: key.id,
      password: sesSmtpPasswordV4(key.state.secret as string, "eu-west-1"),
      region: "eu-west-1",
      credentialsVersion: 1,
    });
    expect(bundle.value!.username).toMatch(/^AKIA[A-Z0-9]{16}$/);
    const username = await resolve(creds.username);
    expect(username).toEqual({ value: key.id, known: true, secret: true });
  });

  it("stores the whole bundle in a Secrets Manager secret in the SES region, as a secret input", async () => {
    const creds = await build("smtp", { ...BASE, secretKmsKeyId: "alias/mail" });
    const secret = only("aws:secretsmanager/secret:Secret");
    expect(secret.inputs.kmsKeyId).toBe("alias/mail");
    expect(secret.inputs.region).toBe("eu-west-1");
    const version = only("aws:secretsmanager/secretVersion:SecretVersion");
    expect(version.inputs.secretId).toBe(secret.id);
    expect(version.secretInputs).toEqual(["secretString"]);
    expect(version.secretOutputs).toContain("secretString");
    expect(JSON.parse(version.inputs.secretString as string)).toEqual(
      (await resolve(creds.bundle)).value,
    );
    expect(await valueOf(creds.secretArn)).toBe(secret.state.arn);
    expect(secret.state.arn).toMatch(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:/);
  });

  it("without a region, uses the region of the provider in effect for the host and the password", async () => {
    const usw2 = new aws.Provider("usw2", { region: "us-west-2" });
    const creds = await build("smtp", { ...BASE, region: undefined }, { providers: { aws: usw2 } });
    expect(sim.ofType("pulumi:providers:aws").map((p) => p.name)).toEqual(["usw2"]);
    const key = only("aws:iam/accessKey:AccessKey");
    expect(key.provider?.startsWith(`${sim.find("pulumi:providers:aws", "usw2")!.urn}::`)).toBe(
      true,
    );
    const bundle = (await resolve(creds.bundle)).value!;
    expect(bundle.host).toBe("email-smtp.us-west-2.amazonaws.com");
    expect(bundle.password).toBe(sesSmtpPasswordV4(key.state.secret as string, "us-west-2"));
    expect(await valueOf(creds.region)).toBe("us-west-2");
    const getRegion = sim.calls.filter((c) => c.token === "aws:index/getRegion:getRegion");
    expect(getRegion.map((c) => c.result.region)).toEqual(["us-west-2"]);
  });
});

/** A registered access key as the engine sees it: logical name and the options that drive steps. */
interface KeyGoal {
  name: string;
  trigger: unknown;
  deleteBeforeReplace: boolean | undefined;
}

/**
 * The access keys that exist while Pulumi applies one update, by its ordering: each registered key
 * in registration order is created (new name), replaced (trigger changed: delete first when
 * deleteBeforeReplace, else create first and delete the old one at the end) or left alone; keys
 * no longer registered are deleted at the end. Returns the state after the update and the most
 * keys that existed at any moment.
 */
function applyUpdate(
  before: Map<string, unknown>,
  goals: KeyGoal[],
): { after: Map<string, unknown>; most: number; deletedBeforeEnd: string[] } {
  const after = new Map(before);
  let live = before.size;
  let most = live;
  let pendingDeletes = 0;
  const deletedBeforeEnd: string[] = [];
  for (const goal of goals) {
    if (!after.has(goal.name)) {
      live++;
    } else if (after.get(goal.name) !== goal.trigger) {
      if (goal.deleteBeforeReplace) {
        live--;
        deletedBeforeEnd.push(goal.name);
        live++;
      } else {
        live++;
        pendingDeletes++;
      }
    }
    most = Math.max(most, live);
    after.set(goal.name, goal.trigger);
  }
  const registered = new Set(goals.map((g) => g.name));
  for (const name of [...after.keys()]) if (!registered.has(name)) after.delete(name);
  live -= pendingDeletes;
  return { after, most, deletedBeforeEnd };
}

async function keyGoals(version: number, retain: boolean): Promise<KeyGoal[]> {
  sim.reset();
  await build("smtp", { ...BASE, credentialsVersion: version, retainPreviousCredentials: retain });
  return sim.ofType("aws:iam/accessKey:AccessKey").map((k) => ({
    name: k.name,
    trigger: k.options?.replacementTrigger,
    deleteBeforeReplace: k.options?.deleteBeforeReplace,
  }));
}

describe("SmtpCredentials rotation", () => {
  it("registers the key of version N in slot a (N odd) or b (N even), replaced by its version, deleted before replaced", async () => {
    const registered = async (version: number, retain: boolean) => {
      sim.reset();
      await build("smtp", {
        ...BASE,
        credentialsVersion: version,
        retainPreviousCredentials: retain,
      });
      const user = only("aws:iam/user:User");
      return sim.ofType("aws:iam/accessKey:AccessKey").map((k) => ({
        name: k.name,
        inputs: k.inputs,
        replacementTrigger: k.options?.replacementTrigger,
        deleteBeforeReplace: k.options?.deleteBeforeReplace,
        aliases: k.options?.aliases,
        user: user.state.name,
      }));
    };
    const expected = (slot: string, version: number, user: unknown) => ({
      name: `smtp-key-${slot}`,
      inputs: { user },
      replacementTrigger: version,
      deleteBeforeReplace: true,
      aliases: [],
      user,
    });
    const v1 = await registered(1, false);
    expect(v1).toEqual([expected("a", 1, v1[0].user)]);
    const v2 = await registered(2, false);
    expect(v2).toEqual([expected("b", 2, v2[0].user)]);
    const v1retained = await registered(1, true);
    expect(v1retained).toEqual([expected("a", 1, v1retained[0].user)]);
    const v4retained = await registered(4, true);
    expect(v4retained).toEqual([
      expected("a", 3, v4retained[0].user),
      expected("b", 4, v4retained[0].user),
    ]);
  });

  it("puts the current version's key in the bundle, the retained one only in IAM", async () => {
    const creds = await build("smtp", {
      ...BASE,
      credentialsVersion: 3,
      retainPreviousCredentials: true,
    });
    expect(
      sim
        .ofType("aws:iam/accessKey:AccessKey")
        .map((k) => k.name)
        .sort(),
    ).toEqual(["smtp-key-a", "smtp-key-b"]);
    const bundle = (await resolve(creds.bundle)).value!;
    expect(bundle.username).toBe(sim.find("aws:iam/accessKey:AccessKey", "smtp-key-a")!.id);
    expect(bundle.credentialsVersion).toBe(3);
  });

  const sequences: [string, [number, boolean][]][] = [
    [
      "one-step rotations",
      [
        [1, false],
        [2, false],
        [3, false],
        [4, false],
      ],
    ],
    [
      "two-step rotations",
      [
        [1, false],
        [2, true],
        [2, false],
        [3, true],
        [3, false],
        [4, true],
        [4, false],
      ],
    ],
    [
      "bumps with retain left on",
      [
        [1, true],
        [2, true],
        [3, true],
        [4, true],
        [5, true],
      ],
    ],
    [
      "retain turned off while bumping",
      [
        [1, false],
        [2, true],
        [3, false],
        [4, true],
        [5, false],
      ],
    ],
    [
      "skipped and reverted versions",
      [
        [1, false],
        [3, true],
        [6, true],
        [5, false],
        [2, true],
      ],
    ],
  ];
  it.each(sequences)(
    "never holds more than two keys through %s",
    async (_what, steps) => {
      let state = new Map<string, unknown>();
      const peaks: { version: number; retain: boolean; most: number }[] = [];
      for (const [version, retain] of steps) {
        const goals = await keyGoals(version, retain);
        const { after, most } = applyUpdate(state, goals);
        peaks.push({ version, retain, most });
        expect({ version, retain, keys: after.size }).toEqual({
          version,
          retain,
          keys: retain && version > 1 ? 2 : 1,
        });
        state = after;
      }
      expect(peaks.filter((p) => p.most > 2)).toEqual([]);
      expect(Math.max(...peaks.map((p) => p.most))).toBe(2);
    },
    30_000,
  );

  it("keeps the key applications use until the new one exists when bumping by one", async () => {
    for (const retain of [false, true]) {
      let state = applyUpdate(new Map(), await keyGoals(1, retain)).after;
      for (const version of [2, 3, 4, 5]) {
        const goals = await keyGoals(version, retain);
        const inUse = `smtp-key-${version % 2 === 0 ? "a" : "b"}`;
        const { after, deletedBeforeEnd } = applyUpdate(state, goals);
        expect({ version, retain, deletedBeforeEnd: deletedBeforeEnd.includes(inUse) }).toEqual({
          version,
          retain,
          deletedBeforeEnd: false,
        });
        // With retain, the previous key survives the update too.
        expect({ version, retain, kept: after.has(inUse) }).toEqual({
          version,
          retain,
          kept: retain,
        });
        state = after;
      }
    }
  }, 30_000);

  it("counts a third key when the slots are not deleted before replacement (the model can fail)", () => {
    const before = new Map<string, unknown>([
      ["smtp-key-a", 1],
      ["smtp-key-b", 2],
    ]);
    const goals = [
      { name: "smtp-key-b", trigger: 2, deleteBeforeReplace: false },
      { name: "smtp-key-a", trigger: 3, deleteBeforeReplace: false },
    ];
    expect(applyUpdate(before, goals).most).toBe(3);
    expect(
      applyUpdate(
        before,
        goals.map((g) => ({ ...g, deleteBeforeReplace: true })),
      ).most,
    ).toBe(2);
  });
});

describe("SmtpCredentials refuses bad input before registering any child", () => {
  const cases: [string, Partial<SmtpCredentialsArgs>, string][] = [
    [
      "a VPC endpoint id of the wrong shape",
      { vpcEndpoint: { endpointId: "vpc-0123", host: "email-smtp.eu-west-1.amazonaws.com" } },
      'SmtpCredentials "bad": invalid vpcEndpoint.endpointId "vpc-0123": it is not a VPC endpoint id. Fix: Give an id such as vpce-0123456789abcdef0. Pass the SmtpEndpoint itself, or { endpointId: endpoint.endpointId, host: endpoint.host }.',
    ],
    [
      "a VPC endpoint host that is not an SES SMTP host",
      { vpcEndpoint: { endpointId: "vpce-0123", host: "smtp.example.com" } },
      'SmtpCredentials "bad": invalid vpcEndpoint.host "smtp.example.com": it is not an SES SMTP host (email-smtp.<region>.amazonaws.com). Fix: Pass the SmtpEndpoint itself, or { endpointId: endpoint.endpointId, host: endpoint.host }.',
    ],
    [
      "a VPC endpoint given as its id alone",
      { vpcEndpoint: "vpce-0123" as unknown as SmtpCredentialsArgs["vpcEndpoint"] },
      'SmtpCredentials "bad": invalid vpcEndpoint "vpce-0123": it must be an SmtpEndpoint. Fix: Pass the SmtpEndpoint itself, or { endpointId: endpoint.endpointId, host: endpoint.host }.',
    ],
    [
      "the FIPS host with a VPC endpoint, which serves the standard host only",
      {
        fips: true,
        region: "us-east-1",
        vpcEndpoint: { endpointId: "vpce-0123", host: "email-smtp.us-east-1.amazonaws.com" },
      },
      'SmtpCredentials "bad": invalid fips true: it cannot be combined with vpcEndpoint: the SES SMTP VPC endpoint (com.amazonaws.<region>.email-smtp) serves the standard host, and AWS PrivateLink lists no FIPS endpoint service for SES, so the FIPS host would be reached over the internet. Fix: Leave fips off to submit through the endpoint, or leave vpcEndpoint out.',
    ],
    [
      "a From address outside the domain",
      { allowedFromAddresses: ["app@example.org"] },
      'SmtpCredentials "bad": invalid allowedFromAddresses[0] "app@example.org": it is outside example.com, which SES cannot send from with this identity. Fix: Use an address at example.com or one of its subdomains.',
    ],
    [
      "a wildcard From address",
      { allowedFromAddresses: ["*@example.com"] },
      'SmtpCredentials "bad": invalid allowedFromAddresses[0] "*@example.com": it is not a plain email address (wildcards * and ? are refused). Fix: Give an exact address such as app@example.com.',
    ],
    [
      "a wildcard inside a quoted local part",
      { allowedFromAddresses: ['"app?"@example.com'] },
      'SmtpCredentials "bad": invalid allowedFromAddresses[0] "\\"app?\\"@example.com": it is not a plain email address (wildcards * and ? are refused). Fix: Give an exact address such as app@example.com.',
    ],
    [
      "a local part longer than 64 octets",
      { allowedFromAddresses: [`${"a".repeat(65)}@example.com`] },
      `SmtpCredentials "bad": invalid allowedFromAddresses[0] "${"a".repeat(65)}@example.com": it is not a plain email address (wildcards * and ? are refused). Fix: Give an exact address such as app@example.com.`,
    ],
    [
      "a From address whose domain ends in a dot",
      { allowedFromAddresses: ["app@example.com."] },
      'SmtpCredentials "bad": invalid allowedFromAddresses[0] "app@example.com.": it is not a plain email address (wildcards * and ? are refused). Fix: Give an exact address such as app@example.com.',
    ],
    [
      "a credentials version that is not a whole number",
      { credentialsVersion: 1.5 },
      'SmtpCredentials "bad": invalid credentialsVersion 1.5: it must be a whole number of at least 1. Fix: Start at 1 and add one for each rotation.',
    ],
    [
      "a retainPreviousCredentials that is not a plain boolean",
      { retainPreviousCredentials: "true" as unknown as boolean },
      'SmtpCredentials "bad": invalid retainPreviousCredentials "true": it must be true or false. Fix: Pass a plain boolean (not an Output), or leave it out for false.',
    ],
    [
      "a retainPreviousCredentials given as an Output",
      { retainPreviousCredentials: pulumi.output(false) as unknown as boolean },
      'SmtpCredentials "bad": invalid retainPreviousCredentials <Output>: it must be true or false. Fix: Pass a plain boolean (not an Output), or leave it out for false.',
    ],
    [
      "an invalid domain",
      { domain: "example..com" },
      'SmtpCredentials "bad": invalid domain "example..com": Domain name "example..com" has an empty label (two dots in a row, or a leading dot). Fix: Remove the extra dot.',
    ],
    [
      "a region that is not a string, before the user, key and policy exist",
      { region: 42 as unknown as string },
      'SmtpCredentials "bad": invalid region 42: it must be an SES region code such as eu-west-1, as a string or an Output. Fix: Give the SES region (SesSender.region), or leave it out to use the provider\'s region.',
    ],
    [
      "an identity ARN of another service",
      { identityArn: "arn:aws:sns:eu-west-1:123456789012:topic" },
      'SmtpCredentials "bad": invalid identityArn "arn:aws:sns:eu-west-1:123456789012:topic": it is not an SES identity ARN. Fix: Pass SesSender.identityArn, or an ARN such as arn:aws:ses:eu-west-1:123456789012:identity/example.com.',
    ],
    [
      "a configuration set ARN that is not a string",
      { configurationSetArn: 7 as unknown as string },
      'SmtpCredentials "bad": invalid configurationSetArn 7: it must be an SES configuration set ARN, as a string or an Output. Fix: Pass SesSender.configurationSetArn, or an ARN such as arn:aws:ses:eu-west-1:123456789012:configuration-set/example-com-mailguard.',
    ],
    [
      "a KMS key that is not one",
      { secretKmsKeyId: "my key" },
      'SmtpCredentials "bad": invalid secretKmsKeyId "my key": it is not a KMS key id, alias or ARN. Fix: Give a key id, an alias such as alias/mail-secrets, or a key ARN; or leave it out for aws/secretsmanager.',
    ],
    [
      "a credentials version given as null",
      { credentialsVersion: null as unknown as number },
      'SmtpCredentials "bad": invalid credentialsVersion null: it must be a whole number of at least 1. Fix: Start at 1 and add one for each rotation.',
    ],
  ];
  it.each(cases)("refuses %s with a ResourceError naming it", async (_what, change, message) => {
    await expectRefusal(
      sim,
      `${COMPONENT} bad`,
      () => new SmtpCredentials("bad", { ...BASE, ...change }),
      message,
    );
  });

  it("takes ARNs, region and KMS key as Outputs, checked when they resolve", async () => {
    const creds = await build("smtp", {
      ...BASE,
      identityArn: pulumi.output(IDENTITY),
      configurationSetArn: pulumi.output(SET),
      region: pulumi.output("eu-west-1"),
      secretKmsKeyId: pulumi.output("alias/mail-secrets"),
    });
    expect((await resolve(creds.bundle)).value!.host).toBe("email-smtp.eu-west-1.amazonaws.com");
    expect(onlyOfType(sim, "aws:secretsmanager/secret:Secret").inputs.kmsKeyId).toBe(
      "alias/mail-secrets",
    );
  });
});

describe("SmtpCredentials with a VPC endpoint", () => {
  const ENDPOINT = {
    endpointId: "vpce-0123456789abcdef0",
    host: "email-smtp.eu-west-1.amazonaws.com",
  };

  it("keeps the standard host and names the endpoint in the bundle and its secret", async () => {
    const creds = await build("smtp", { ...BASE, vpcEndpoint: ENDPOINT });
    const key = only("aws:iam/accessKey:AccessKey");
    const bundle = await resolve(creds.bundle);
    expect(bundle.secret).toBe(true);
    expect(bundle.value).toEqual({
      host: "email-smtp.eu-west-1.amazonaws.com",
      port: 587,
      startTls: true,
      implicitTlsPort: 465,
      username: key.id,
      password: sesSmtpPasswordV4(key.state.secret as string, "eu-west-1"),
      region: "eu-west-1",
      credentialsVersion: 1,
      vpcEndpointId: "vpce-0123456789abcdef0",
    });
    const version = only("aws:secretsmanager/secretVersion:SecretVersion");
    expect(JSON.parse(version.inputs.secretString as string).vpcEndpointId).toBe(
      "vpce-0123456789abcdef0",
    );
  });

  it("registers the same children as without one", async () => {
    await build("smtp", { ...BASE, vpcEndpoint: ENDPOINT });
    expect(inventory(sim.resources).sort()).toEqual(
      [
        `${COMPONENT} smtp`,
        "aws:iam/user:User smtp-user",
        "aws:iam/userPolicy:UserPolicy smtp-send",
        "aws:iam/accessKey:AccessKey smtp-key-a",
        "aws:secretsmanager/secret:Secret smtp-secret",
        "aws:secretsmanager/secretVersion:SecretVersion smtp-secret-value",
      ].sort(),
    );
  });

  it("takes an SmtpEndpoint itself, in the SES region", async () => {
    const ireland = new aws.Provider("ireland", { region: "eu-west-1" });
    const endpoint = new SmtpEndpoint(
      "smtp-endpoint",
      {
        vpcId: "vpc-0123456789abcdef0",
        subnetIds: [{ id: "subnet-0aaaaaaaaaaaaaaaa", availabilityZone: "eu-west-1a" }],
        allowFrom: { cidrs: ["10.0.0.0/16"] },
      },
      { provider: ireland },
    );
    const creds = await build("smtp", { ...BASE, vpcEndpoint: endpoint });
    const bundle = (await resolve(creds.bundle)).value!;
    expect(bundle.host).toBe("email-smtp.eu-west-1.amazonaws.com");
    expect(bundle.vpcEndpointId).toBe(
      sim.find("aws:ec2/vpcEndpoint:VpcEndpoint", "smtp-endpoint-endpoint")!.id,
    );
    expect(bundle.vpcEndpointId).toMatch(/^vpce-[0-9a-f]{17}$/);
  });
});

describe("checkEndpointHost", () => {
  it("refuses an endpoint of another region than the credentials'", () => {
    expect(() =>
      checkEndpointHost(
        "email-smtp.us-east-1.amazonaws.com",
        "email-smtp.eu-west-1.amazonaws.com",
        "eu-west-1",
      ),
    ).toThrow(
      new ArgumentError(
        "vpcEndpoint.host",
        "email-smtp.us-east-1.amazonaws.com",
        "the endpoint serves email-smtp.us-east-1.amazonaws.com, but these credentials hand out email-smtp.eu-west-1.amazonaws.com, which its private DNS does not resolve (an SES SMTP VPC endpoint serves its own region's standard host only). Fix: Create the SmtpEndpoint in the SES region, eu-west-1, and leave fips off; or leave vpcEndpoint out.",
      ),
    );
  });

  it("passes the same host, and hosts built around a placeholder region", () => {
    const ok = (endpoint: unknown, host: string) => () => checkEndpointHost(endpoint, host, "r");
    expect(
      ok("email-smtp.eu-west-1.amazonaws.com", "email-smtp.eu-west-1.amazonaws.com"),
    ).not.toThrow();
    expect(
      ok("email-smtp.<aws-region>.amazonaws.com", "email-smtp.eu-west-1.amazonaws.com"),
    ).not.toThrow();
    expect(
      ok("email-smtp.eu-west-1.amazonaws.com", "email-smtp.<aws-region>.amazonaws.com"),
    ).not.toThrow();
  });
});
