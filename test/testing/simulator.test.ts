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

describe("ProviderSimulator's VPC networking", () => {
  it("offers email-smtp in us-east-1a and b but not c, and every other zone elsewhere", () => {
    const sim = new ProviderSimulator({ region: "us-east-1" });
    const lookup = (inputs: Record<string, unknown>) =>
      sim.call({ token: "aws:ec2/getVpcEndpointService:getVpcEndpointService", inputs });
    expect(
      lookup({ serviceName: "com.amazonaws.us-east-1.email-smtp", serviceType: "Interface" }),
    ).toMatchObject({
      serviceName: "com.amazonaws.us-east-1.email-smtp",
      serviceType: "Interface",
      availabilityZones: ["us-east-1a", "us-east-1b"],
      privateDnsName: "email-smtp.us-east-1.amazonaws.com",
      owner: "amazon",
    });
    expect(lookup({ service: "s3", serviceType: "Gateway" })).toMatchObject({
      serviceName: "com.amazonaws.us-east-1.s3",
      availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
    });
    const ireland = new ProviderSimulator({ region: "eu-west-1" });
    expect(
      ireland.call({
        token: "aws:ec2/getVpcEndpointService:getVpcEndpointService",
        inputs: { serviceName: "com.amazonaws.eu-west-1.email-smtp" },
      }).availabilityZones,
    ).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
  });

  it("finds no email-smtp gateway service, and no service of another region", () => {
    const sim = new ProviderSimulator({ region: "us-east-1" });
    const lookup = (inputs: Record<string, unknown>) => () =>
      sim.call({ token: "aws:ec2/getVpcEndpointService:getVpcEndpointService", inputs });
    expect(
      lookup({ serviceName: "com.amazonaws.us-east-1.email-smtp", serviceType: "Gateway" }),
    ).toThrow(
      'ProviderSimulator: no Gateway VPC endpoint service "com.amazonaws.us-east-1.email-smtp" in us-east-1',
    );
    expect(lookup({ serviceName: "com.amazonaws.eu-west-1.email-smtp" })).toThrow(
      'ProviderSimulator: no Interface VPC endpoint service "com.amazonaws.eu-west-1.email-smtp" in us-east-1',
    );
  });

  it("answers getSubnet for the subnets the program created, with their zone, and refuses others", async () => {
    const sim = await simulate({ region: "eu-west-1" });
    const vpc = new aws.ec2.Vpc("main", { cidrBlock: "10.0.0.0/16" });
    const given = new aws.ec2.Subnet("given", {
      vpcId: vpc.id,
      cidrBlock: "10.0.1.0/24",
      availabilityZone: "eu-west-1c",
    });
    const picked = new aws.ec2.Subnet("picked", { vpcId: vpc.id, cidrBlock: "10.0.2.0/24" });
    const givenId = await valueOf(given.id);
    expect(givenId).toMatch(/^subnet-[0-9a-f]{17}$/);
    expect(await valueOf(aws.ec2.getSubnetOutput({ id: given.id }).availabilityZone)).toBe(
      "eu-west-1c",
    );
    expect(await valueOf(picked.availabilityZone)).toBe("eu-west-1a");
    expect(await valueOf(aws.ec2.getSubnetOutput({ id: given.id }).vpcId)).toBe(
      await valueOf(vpc.id),
    );
    expect(() =>
      sim.call({ token: "aws:ec2/getSubnet:getSubnet", inputs: { id: "subnet-0123" } }),
    ).toThrow('ProviderSimulator: no subnet "subnet-0123"');
    await settle(sim);
  });

  it("keeps the provider's VPC DNS defaults and gives the default group the VPC's id", async () => {
    const sim = await simulate({ region: "eu-west-1" });
    const vpc = new aws.ec2.Vpc("main", { cidrBlock: "10.0.0.0/16" });
    const adopted = new aws.ec2.DefaultSecurityGroup("default", { vpcId: vpc.id });
    expect(await valueOf(vpc.enableDnsHostnames)).toBe(false);
    expect(await valueOf(vpc.enableDnsSupport)).toBe(true);
    expect(await valueOf(adopted.id)).toBe(await valueOf(vpc.defaultSecurityGroupId));
    expect(await valueOf(adopted.ingress)).toEqual([]);
    await settle(sim);
  });

  it("names an interface endpoint regionally, per zone, and by the service's host with private DNS on", async () => {
    const sim = await simulate({ region: "eu-west-1" });
    const vpc = new aws.ec2.Vpc("main", { cidrBlock: "10.0.0.0/16" });
    const subnet = new aws.ec2.Subnet("a", {
      vpcId: vpc.id,
      cidrBlock: "10.0.1.0/24",
      availabilityZone: "eu-west-1b",
    });
    const endpoint = (name: string, privateDnsEnabled: boolean) =>
      new aws.ec2.VpcEndpoint(name, {
        vpcId: vpc.id,
        serviceName: "com.amazonaws.eu-west-1.email-smtp",
        vpcEndpointType: "Interface",
        subnetIds: [subnet.id],
        privateDnsEnabled,
      });
    const on = endpoint("on", true);
    const off = endpoint("off", false);
    const gateway = new aws.ec2.VpcEndpoint("s3", {
      vpcId: vpc.id,
      serviceName: "com.amazonaws.eu-west-1.s3",
    });
    const id = await valueOf(on.id);
    expect(id).toMatch(/^vpce-[0-9a-f]{17}$/);
    const names = (await valueOf(on.dnsEntries)).map((e) => e.dnsName);
    expect(names).toHaveLength(3);
    expect(names[0]).toMatch(
      new RegExp(`^${id}-[0-9a-f]{8}\\.email-smtp\\.eu-west-1\\.vpce\\.amazonaws\\.com$`),
    );
    expect(names[1]).toMatch(
      new RegExp(
        `^${id}-[0-9a-f]{8}-eu-west-1b\\.email-smtp\\.eu-west-1\\.vpce\\.amazonaws\\.com$`,
      ),
    );
    expect(names[2]).toBe("email-smtp.eu-west-1.amazonaws.com");
    expect((await valueOf(off.dnsEntries)).map((e) => e.dnsName)).not.toContain(
      "email-smtp.eu-west-1.amazonaws.com",
    );
    expect(await valueOf(on.networkInterfaceIds)).toHaveLength(1);
    expect(await valueOf(gateway.dnsEntries)).toEqual([]);
    expect(await valueOf(gateway.vpcEndpointType)).toBe("Gateway");
    expect(await valueOf(gateway.prefixListId)).toMatch(/^pl-[0-9a-f]{8}$/);
    await settle(sim);
  });
});
