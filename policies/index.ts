import { PolicyPack } from "@pulumi/policy";
import { noPort25Egress } from "./rules/no-port-25-egress";
import { vpcDefaultSecurityGroupClosed } from "./rules/vpc-default-security-group-closed";
import { sesTlsRequired } from "./rules/ses-tls-required";
import { sesDkimEnabled } from "./rules/ses-dkim-enabled";
import { sesDomainDmarcPublished } from "./rules/ses-domain-dmarc-published";
import { sesDnsRecords } from "./rules/ses-dns-records";
import { spfRecordValid } from "./rules/spf-record-valid";
import { spfRecordNotPermissive } from "./rules/spf-record-not-permissive";
import { spfRecordAdvice } from "./rules/spf-record-advice";
import { dmarcRecordValid } from "./rules/dmarc-record-valid";
import { dmarcPolicyEnforced } from "./rules/dmarc-policy-enforced";
import { dmarcRecordAdvice } from "./rules/dmarc-record-advice";
import { dkimRecordValid } from "./rules/dkim-record-valid";
import { dkimKeyStrength } from "./rules/dkim-key-strength";
import { mailDnsNotProxied } from "./rules/mail-dns-not-proxied";
import { smtpUserLeastPrivilege } from "./rules/smtp-user-least-privilege";
import { smtpEndpointReachable } from "./rules/smtp-endpoint-reachable";

new PolicyPack("mailguard", {
  description:
    "Mail from cloud servers, done safely: no port 25 egress, SES with TLS and DKIM and the DNS records its region expects, sound SPF/DKIM/DMARC records, least-privilege SMTP users.",
  policies: [
    noPort25Egress,
    vpcDefaultSecurityGroupClosed,
    sesTlsRequired,
    sesDkimEnabled,
    sesDomainDmarcPublished,
    sesDnsRecords,
    spfRecordValid,
    spfRecordNotPermissive,
    spfRecordAdvice,
    dmarcRecordValid,
    dmarcPolicyEnforced,
    dmarcRecordAdvice,
    dkimRecordValid,
    dkimKeyStrength,
    mailDnsNotProxied,
    smtpUserLeastPrivilege,
    smtpEndpointReachable,
  ],
});
