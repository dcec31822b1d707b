import * as crypto from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { dkimTokensFor, ProviderSimulator, SIMULATED_ACCOUNT_ID } from "../../testing/simulator";
import { resolve, settle, simulate, valueOf } from "../helpers/mocks";

/** AWS's SES SMTP password procedure, step by step, independent of the code under test. */
function smtpPasswordStepByStep(secret: string, region: string): string {
  const h = (key: Buffer, msg: string) => crypto.createHmac("sha256", key).update(msg).digest();
  const k1 = h(Buffer.from("AWS4" + secret), "11111111");
  const k2 = h(k1, region);
  const k3 = h(k2, "ses");
  const k4 = h(k3, "aws4_request");
  const k5 = h(k4, "SendRawEmail");
  return Buffer.concat([Buffer.from([4]), k5]).toString("base64");
}

describe("dkimTokensFor", () => {
  it("gives three distinct 32-character [a-z0-9] tokens, stable per domain", () => {
    const tokens = dkimTokensFor("example.com");
    expect(tokens).toHaveLength(3);
    for (const t of tokens) expect(t).toMatch(/^[a-z0-9]{32}$/);
    expect(new Set(tokens).size).toBe(3);
    expect(dkimTokensFor("EXAMPLE.com")).toEqual(tokens);
    expect(dkimTokensFor("example.org")).not.toEqual(tokens);
  });
});

describe("ProviderSimulator under setMocks", () => {
  it("fills computed outputs in the provider's region and returns schema secrets secret", async () => {
    const sim = await simulate({ region: "us-east-1" });
    const parent = new pulumi.ComponentResource("test:index:Parent", "p", {}, {});
    const euw1 = new aws.Provider("euw1", { region: "eu-west-1" }, { parent });
    const user = new aws.iam.User("u", {}, { parent });
    const key = new aws.iam.AccessKey("k", { user: user.name }, { parent, provider: euw1 });
    const identity = new aws.sesv2.EmailIdentity(
      "id",
      { emailIdentity: "example.com" },
      { parent, provider: euw1 },
    );
    const pk = new tls.PrivateKey("pk", { algorithm: "RSA", rsaBits: 2048 }, { parent });
    const region = aws.getRegionOutput({}, { provider: euw1 });

    expect((await valueOf(key.id)).length).toBe(20);
    expect(await valueOf(key.id)).toMatch(/^AKIA[A-Z0-9]{16}$/);
    const secret = await resolve(key.secret);
    const password = await resolve(key.sesSmtpPasswordV4);
    expect(secret.secret).toBe(true);
    expect(password.secret).toBe(true);
    expect(password.value).toBe(smtpPasswordStepByStep(secret.value!, "eu-west-1"));
    expect(await valueOf(identity.arn)).toBe(
      `arn:aws:ses:eu-west-1:${SIMULATED_ACCOUNT_ID}:identity/example.com`,
    );
    expect((await valueOf(identity.dkimSigningAttributes)).tokens).toEqual(
      dkimTokensFor("example.com"),
    );
    expect(await valueOf(user.name)).toMatch(/^u-[0-9a-f]{7}$/);
    expect((await valueOf(region)).region).toBe("eu-west-1");

    const pem = await resolve(pk.privateKeyPem);
    expect(pem.secret).toBe(true);
    expect(pem.value).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    const publicPem = await valueOf(pk.publicKeyPem);
    const pub = crypto.createPublicKey(publicPem);
    expect(pub.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(await valueOf(pk.publicKeyOpenssh)).toMatch(/^ssh-rsa AAAAB3NzaC1yc2E/);
    // The private key really matches the public key.
    const signature = crypto.sign("sha256", Buffer.from("x"), pem.value!);
    expect(crypto.verify("sha256", Buffer.from("x"), pub, signature)).toBe(true);

    await settle(sim);
    const recorded = sim.find("aws:iam/accessKey:AccessKey", "k")!;
    expect(recorded.parent).toBe("urn:pulumi:stack::project::test:index:Parent::p");
    expect(recorded.options?.additionalSecretOutputs).toEqual(["secret", "sesSmtpPasswordV4"]);
    expect(recorded.secretOutputs.sort()).toEqual(["secret", "sesSmtpPasswordV4"]);
    expect(sim.find("aws:sesv2/emailIdentity:EmailIdentity", "id")!.state.region).toBe("eu-west-1");
  });

  it("gives global IAM resources no region output, though the key's SMTP password follows its provider", async () => {
    const sim = await simulate({ region: "us-east-1" });
    const euw1 = new aws.Provider("euw1", { region: "eu-west-1" });
    const user = new aws.iam.User("u", {});
    const policy = new aws.iam.UserPolicy("p", { user: user.name, policy: "{}" });
    const key = new aws.iam.AccessKey("k", { user: user.name }, { provider: euw1 });
    await valueOf(policy.id);
    const secret = (await resolve(key.secret)).value!;
    expect((await resolve(key.sesSmtpPasswordV4)).value).toBe(
      smtpPasswordStepByStep(secret, "eu-west-1"),
    );
    await settle(sim);
    for (const type of [
      "aws:iam/user:User",
      "aws:iam/userPolicy:UserPolicy",
      "aws:iam/accessKey:AccessKey",
    ]) {
      const [r] = sim.ofType(type);
      expect({ type, region: r.region, output: "region" in r.state }).toEqual({
        type,
        region: undefined,
        output: false,
      });
    }
  });

  it("keeps a BYODKIM signing key secret in the EmailIdentity's outputs", async () => {
    const sim = await simulate({ region: "us-east-1" });
    const identity = new aws.sesv2.EmailIdentity("byodkim", {
      emailIdentity: "example.com",
      dkimSigningAttributes: {
        domainSigningSelector: "s1",
        domainSigningPrivateKey: pulumi.secret("MIIEow-not-a-real-key"),
      },
    });
    const attributes = await resolve(identity.dkimSigningAttributes);
    expect(attributes.secret).toBe(true);
    expect(attributes.value?.domainSigningPrivateKey).toBe("MIIEow-not-a-real-key");
    await settle(sim);
    const recorded = sim.find("aws:sesv2/emailIdentity:EmailIdentity", "byodkim")!;
    expect(recorded.secretOutputs).toEqual(["dkimSigningAttributes"]);
  });

  it("keeps the signing key secret even when the program passed it as plain text, as the schema does", async () => {
    const sim = await simulate({ region: "us-east-1" });
    const identity = new aws.sesv2.EmailIdentity("plain", {
      emailIdentity: "example.org",
      dkimSigningAttributes: { domainSigningSelector: "s1", domainSigningPrivateKey: "MIIE-plain" },
    });
    expect((await resolve(identity.dkimSigningAttributes)).secret).toBe(true);
    const easy = new aws.sesv2.EmailIdentity("easy", { emailIdentity: "example.net" });
    expect((await resolve(easy.dkimSigningAttributes)).secret).toBe(false);
    await settle(sim);
  });

  it("refuses invokes it does not simulate", () => {
    const sim = new ProviderSimulator();
    expect(() => sim.call({ token: "aws:ec2/getVpc:getVpc", inputs: {} })).toThrow(
      'ProviderSimulator: no simulation for invoke "aws:ec2/getVpc:getVpc"',
    );
  });
});
