/**
 * Resource type tokens the pack matches, as strings, so that it judges stacks built with
 * @pulumi/aws 6 and 7, aws-native, @pulumi/cloudflare 4 to 6 and Route53 alike, whatever version of
 * those packages (if any) is installed next to the pack.
 */
export const T = {
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  vpcEgressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  defaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  nativeSecurityGroup: "aws-native:ec2:SecurityGroup",
  nativeSecurityGroupEgress: "aws-native:ec2:SecurityGroupEgress",
  vpcIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  vpc: "aws:ec2/vpc:Vpc",
  defaultVpc: "aws:ec2/defaultVpc:DefaultVpc",
  nativeVpc: "aws-native:ec2:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  defaultSubnet: "aws:ec2/defaultSubnet:DefaultSubnet",
  instance: "aws:ec2/instance:Instance",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  networkInterface: "aws:ec2/networkInterface:NetworkInterface",

  sesConfigurationSet: "aws:ses/configurationSet:ConfigurationSet",
  sesv2ConfigurationSet: "aws:sesv2/configurationSet:ConfigurationSet",
  nativeSesConfigurationSet: "aws-native:ses:ConfigurationSet",
  sesDomainIdentity: "aws:ses/domainIdentity:DomainIdentity",
  sesDomainDkim: "aws:ses/domainDkim:DomainDkim",
  sesMailFrom: "aws:ses/mailFrom:MailFrom",
  sesv2MailFromAttributes:
    "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes",
  sesv2EmailIdentity: "aws:sesv2/emailIdentity:EmailIdentity",
  nativeSesEmailIdentity: "aws-native:ses:EmailIdentity",

  cloudflareRecord: "cloudflare:index/record:Record",
  cloudflareDnsRecord: "cloudflare:index/dnsRecord:DnsRecord",
  cloudflareZone: "cloudflare:index/zone:Zone",
  route53Record: "aws:route53/record:Record",
  route53Zone: "aws:route53/zone:Zone",

  iamPolicy: "aws:iam/policy:Policy",
  iamUserPolicy: "aws:iam/userPolicy:UserPolicy",
  iamGroupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  iamRolePolicy: "aws:iam/rolePolicy:RolePolicy",
  iamRole: "aws:iam/role:Role",
  iamUserPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  iamGroupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  iamRolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  iamPolicyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  nativeIamPolicy: "aws-native:iam:ManagedPolicy",
  nativeIamUserPolicy: "aws-native:iam:UserPolicy",
  nativeIamGroupPolicy: "aws-native:iam:GroupPolicy",
  nativeIamRolePolicy: "aws-native:iam:RolePolicy",
  nativeIamUser: "aws-native:iam:User",
  nativeIamGroup: "aws-native:iam:Group",
  nativeIamRole: "aws-native:iam:Role",
} as const;

/** Every resource type that can hold an egress rule (REFERENCE.md section 4). */
export const EGRESS_TYPES: ReadonlySet<string> = new Set([
  T.securityGroup,
  T.securityGroupRule,
  T.vpcEgressRule,
  T.defaultSecurityGroup,
  T.nativeSecurityGroup,
  T.nativeSecurityGroupEgress,
]);

/** VPCs, each with a default security group: `DefaultVpc` adopts the region's default VPC. */
export const VPC_TYPES: ReadonlySet<string> = new Set([T.vpc, T.defaultVpc, T.nativeVpc]);

export const SUBNET_TYPES: ReadonlySet<string> = new Set([T.subnet, T.defaultSubnet]);

export const DNS_RECORD_TYPES: ReadonlySet<string> = new Set([
  T.cloudflareRecord,
  T.cloudflareDnsRecord,
  T.route53Record,
]);

export const CLOUDFLARE_RECORD_TYPES: ReadonlySet<string> = new Set([
  T.cloudflareRecord,
  T.cloudflareDnsRecord,
]);

export const DNS_ZONE_TYPES: ReadonlySet<string> = new Set([T.cloudflareZone, T.route53Zone]);

export const SES_CONFIGURATION_SET_TYPES: ReadonlySet<string> = new Set([
  T.sesConfigurationSet,
  T.sesv2ConfigurationSet,
  T.nativeSesConfigurationSet,
]);

export const SES_V2_IDENTITY_TYPES: ReadonlySet<string> = new Set([
  T.sesv2EmailIdentity,
  T.nativeSesEmailIdentity,
]);

export const SES_DOMAIN_IDENTITY_TYPES: ReadonlySet<string> = new Set([
  T.sesDomainIdentity,
  T.sesv2EmailIdentity,
  T.nativeSesEmailIdentity,
]);

/** Resources that set an identity's custom MAIL FROM domain apart from the identity. */
export const SES_MAIL_FROM_TYPES: ReadonlySet<string> = new Set([
  T.sesv2MailFromAttributes,
  T.sesMailFrom,
]);
