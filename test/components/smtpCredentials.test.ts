import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SmtpCredentials, SmtpCredentialsArgs } from "../../components/smtpCredentials";
import { sesSmtpPasswordV4 } from "../../components/sesSmtpPassword";
import { inventory, ProviderSimulator, resolve, settle, simulate, valueOf } from "../helpers/mocks";

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

function only(type: string) {
  const found = sim.ofType(type);
  expect(found).toHaveLength(1);
  return found[0];
}

describe("SmtpCredentials", () => {
  it("registers exactly a user, its send policy, the access key and the secret, and no provider", async () => {
    const creds = await build("smtp", BASE);
    const component = sim.find(COMPONENT, "smtp")!;
    expect(inventory(sim.resources).sort()).toEqual(
      [
        `${COMPONENT} smtp`,
        "aws:iam/user:User smtp-user",
        "aws:iam/userPolicy:UserPolicy smtp-send",
        "aws:iam/accessKey:AccessKey smtp-key-v1",
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
      allowedFromAddresses: ["app@Example.com", "alerts@news.example.com"],
    });
    const doc = JSON.parse(only("aws:iam/userPolicy:UserPolicy").inputs.policy as string);
    expect(doc.Statement[0].Condition).toEqual({
      StringLike: { "ses:FromAddress": ["app@example.com", "alerts@news.example.com"] },
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

describe("SmtpCredentials rotation", () => {
  it("bumping credentialsVersion registers a key under a new logical name, so Pulumi creates it before deleting the old one", async () => {
    await build("smtp", BASE);
    const v1 = only("aws:iam/accessKey:AccessKey");
    sim.reset();
    const creds = await build("smtp", { ...BASE, credentialsVersion: 2 });
    const v2 = only("aws:iam/accessKey:AccessKey");
    expect(v1.name).toBe("smtp-key-v1");
    expect(v2.name).toBe("smtp-key-v2");
    expect(v2.urn).not.toBe(v1.urn);
    expect(v2.id).not.toBe(v1.id);
    expect(v2.options?.deleteBeforeReplace).toBe(false);
    const bundle = (await resolve(creds.bundle)).value!;
    expect(bundle.username).toBe(v2.id);
    expect(bundle.credentialsVersion).toBe(2);
  });

  it("keeps the previous key alongside the new one when retainPreviousCredentials is on (two keys, the IAM maximum)", async () => {
    const creds = await build("smtp", {
      ...BASE,
      credentialsVersion: 3,
      retainPreviousCredentials: true,
    });
    const keys = sim
      .ofType("aws:iam/accessKey:AccessKey")
      .map((k) => k.name)
      .sort();
    expect(keys).toEqual(["smtp-key-v2", "smtp-key-v3"]);
    expect((await resolve(creds.bundle)).value!.username).toBe(
      sim.find("aws:iam/accessKey:AccessKey", "smtp-key-v3")!.id,
    );
  });
});

describe("SmtpCredentials refuses bad input before registering any child", () => {
  const cases: [string, Partial<SmtpCredentialsArgs>, string][] = [
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
      "a credentials version that is not a whole number",
      { credentialsVersion: 1.5 },
      'SmtpCredentials "bad": invalid credentialsVersion 1.5: it must be a whole number of at least 1. Fix: Start at 1 and add one for each rotation.',
    ],
    [
      "an invalid domain",
      { domain: "example..com" },
      'SmtpCredentials "bad": invalid domain "example..com": Domain name "example..com" has an empty label (two dots in a row, or a leading dot). Fix: Remove the extra dot.',
    ],
  ];
  it.each(cases)("refuses %s with a ResourceError naming it", async (_what, change, message) => {
    let thrown: unknown;
    try {
      new SmtpCredentials("bad", { ...BASE, ...change });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(pulumi.ResourceError);
    expect((thrown as Error).message).toBe(message);
    await settle(sim);
    expect(sim.resources.filter((r) => r.type !== COMPONENT)).toEqual([]);
  });
});
