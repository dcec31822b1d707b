/**
 * A synthetic stack for the policy-pack benchmark: a deterministic mix of security groups and
 * rules, DNS TXT/CNAME/MX records, IAM policies, SES resources and unrelated resources, some of
 * them violating, some holding values unknown during preview.
 */
import { UNKNOWN } from "../policies/core/finding";
import { AnalyzerResource } from "../cli/analyzer/policy-pack";

/** A small deterministic generator, so that every run judges the same stack. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const TOKEN = "xtk53kxcy4p3t6ztbrffs6d54rsrrhh6";

type Maker = (i: number, pick: () => number) => Omit<AnalyzerResource, "name"> & { name?: string };

const MAKERS: [number, Maker][] = [
  // Security groups and rules (25%).
  [
    10,
    (i, r) => ({
      type: "aws:ec2/securityGroup:SecurityGroup",
      properties: {
        vpcId: `vpc-${i % 50}`,
        egress: [
          { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
          {
            protocol: "tcp",
            fromPort: 587,
            toPort: 587,
            cidrBlocks: ["0.0.0.0/0"],
            ipv6CidrBlocks: ["::/0"],
          },
          r() < 0.1
            ? { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }
            : {
                protocol: "udp",
                fromPort: 53,
                toPort: 53,
                cidrBlocks: [r() < 0.2 ? UNKNOWN : "10.0.0.2/32"],
              },
        ],
        ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] }],
      },
    }),
  ],
  [
    8,
    (i, r) => ({
      type: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
      properties: {
        securityGroupId: `sg-${i}`,
        ipProtocol: "tcp",
        fromPort: r() < 0.05 ? 25 : 443,
        toPort: r() < 0.05 ? 25 : 443,
        cidrIpv4: "0.0.0.0/0",
      },
    }),
  ],
  [
    5,
    (i) => ({
      type: "aws:ec2/securityGroupRule:SecurityGroupRule",
      properties: {
        type: i % 2 === 0 ? "egress" : "ingress",
        securityGroupId: `sg-${i}`,
        protocol: "6",
        fromPort: 8000,
        toPort: 8100,
        cidrBlocks: ["10.0.0.0/8"],
      },
    }),
  ],
  [
    2,
    (i) => ({ type: "aws:ec2/vpc:Vpc", properties: { id: `vpc-${i}`, cidrBlock: "10.0.0.0/16" } }),
  ],
  [
    2,
    (i) => ({
      type: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
      properties: { id: `sg-d${i}`, vpcId: `vpc-${i - 1}`, ingress: [], egress: [] },
    }),
  ],
  // DNS records (30%).
  [
    8,
    (i, r) => ({
      type: "cloudflare:index/dnsRecord:DnsRecord",
      properties: {
        zoneId: "zone-1",
        name: `d${i}.example.com`,
        type: "TXT",
        ttl: 1,
        content:
          r() < 0.1
            ? "v=spf1 ptr ?all"
            : "v=spf1 include:amazonses.com include:_spf.google.com ip4:192.0.2.0/24 -all",
      },
    }),
  ],
  [
    6,
    (i, r) => ({
      type: "cloudflare:index/dnsRecord:DnsRecord",
      properties: {
        zoneId: "zone-1",
        name: `_dmarc.d${i}.example.com`,
        type: "TXT",
        ttl: 1,
        content:
          r() < 0.2
            ? "v=DMARC1; p=none"
            : "v=DMARC1; p=reject; rua=mailto:dmarc@example.com; adkim=s; aspf=s",
      },
    }),
  ],
  [
    6,
    (i, r) => ({
      type: "cloudflare:index/dnsRecord:DnsRecord",
      properties: {
        zoneId: "zone-1",
        name: `${TOKEN}._domainkey.d${i}.example.com`,
        type: "CNAME",
        ttl: 1,
        content: `${TOKEN}.dkim.amazonses.com`,
        proxied: r() < 0.05,
      },
    }),
  ],
  [
    5,
    (i) => ({
      type: "aws:route53/record:Record",
      properties: {
        zoneId: "Z1",
        name: `mail.d${i}.example.com`,
        type: "MX",
        ttl: 300,
        records: ["10 feedback-smtp.us-east-1.amazonses.com"],
      },
    }),
  ],
  [
    5,
    (i) => ({
      type: "cloudflare:index/dnsRecord:DnsRecord",
      properties: {
        zoneId: "zone-1",
        name: `www${i}`,
        type: "A",
        ttl: 1,
        content: "192.0.2.10",
        proxied: true,
      },
    }),
  ],
  // IAM policies (10%).
  [
    10,
    (i, r) => ({
      type: i % 3 === 0 ? "aws:iam/userPolicy:UserPolicy" : "aws:iam/policy:Policy",
      properties: {
        user: `u${i}`,
        policy:
          r() < 0.1
            ? UNKNOWN
            : JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                  {
                    Effect: "Allow",
                    Action: r() < 0.1 ? "ses:*" : "ses:SendRawEmail",
                    Resource: [`arn:aws:ses:us-east-1:123456789012:identity/d${i}.example.com`],
                  },
                  {
                    Effect: "Allow",
                    Action: ["s3:GetObject", "s3:PutObject"],
                    Resource: `arn:aws:s3:::bucket-${i}/*`,
                  },
                ],
              }),
      },
    }),
  ],
  // SES resources (8%).
  [
    3,
    (i) => ({
      type: "aws:sesv2/configurationSet:ConfigurationSet",
      properties: { configurationSetName: `cs-${i}`, deliveryOptions: { tlsPolicy: "REQUIRE" } },
    }),
  ],
  [
    3,
    (i) => ({
      type: "aws:sesv2/emailIdentity:EmailIdentity",
      properties: {
        emailIdentity: `d${i}.example.com`,
        configurationSetName: `cs-${i - 1}`,
        dkimSigningAttributes: { nextSigningKeyLength: "RSA_2048_BIT" },
      },
    }),
  ],
  [
    2,
    (i) => ({
      type: "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes",
      properties: { emailIdentity: `d${i}.example.com`, mailFromDomain: `mail.d${i}.example.com` },
    }),
  ],
  // Unrelated resources (25%).
  [
    9,
    (i) => ({
      type: "aws:s3/bucketV2:BucketV2",
      properties: { bucket: `bucket-${i}`, tags: { team: "web", env: "prod" } },
    }),
  ],
  [
    8,
    (i) => ({
      type: "aws:lambda/function:Function",
      properties: {
        name: `fn-${i}`,
        runtime: "nodejs20.x",
        handler: "index.handler",
        memorySize: 256,
        environment: { variables: { A: "1", B: "2" } },
      },
    }),
  ],
  [
    8,
    (i) => ({
      type: "aws:ec2/instance:Instance",
      properties: {
        ami: "ami-123",
        instanceType: "t3.micro",
        subnetId: `subnet-${i % 20}`,
        vpcSecurityGroupIds: [`sg-${i}`],
      },
    }),
  ],
];

/** `count` resources in the proportions above, with unique names and URNs. */
export function syntheticStack(count: number, seed = 25): AnalyzerResource[] {
  const pick = rng(seed);
  const total = MAKERS.reduce((n, [w]) => n + w, 0);
  const out: AnalyzerResource[] = [];
  for (let i = 0; i < count; i++) {
    let x = pick() * total;
    let maker = MAKERS[0][1];
    for (const [w, m] of MAKERS) {
      if (x < w) {
        maker = m;
        break;
      }
      x -= w;
    }
    const made = maker(i, pick);
    const name = made.name ?? `r${i}`;
    out.push({ ...made, name, urn: `urn:pulumi:bench::mailguard::${made.type}::${name}` });
  }
  return out;
}
