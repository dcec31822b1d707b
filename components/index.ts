/**
 * The mailguard components: SES for a domain, SMTP credentials on 587, the mail records on
 * Cloudflare or Route53, security groups without port 25, and MailDomain, which composes SES,
 * the credentials and the records.
 */
export * from "./common";
export * from "./sesSender";
export * from "./sesSmtpPassword";
export * from "./smtpCredentials";
export * from "./mailRecords";
export * from "./cloudflareMailRecords";
export * from "./route53MailRecords";
export * from "./noSmtpEgressSecurityGroup";
export * from "./smtpEndpoint";
export * from "./mailDomain";
