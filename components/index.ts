/**
 * The mailguard components: SES for a domain, SMTP credentials on 587, the mail records on
 * Cloudflare, security groups without port 25, and MailDomain, which composes the first three.
 */
export * from "./common";
export * from "./sesSender";
export * from "./sesSmtpPassword";
export * from "./smtpCredentials";
export * from "./cloudflareMailRecords";
export * from "./noSmtpEgressSecurityGroup";
export * from "./smtpEndpoint";
export * from "./mailDomain";
