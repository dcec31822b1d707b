import { PolicyPack } from "@pulumi/policy";
import { noPort25Egress } from "./rules/no-port-25-egress";
import { vpcDefaultSecurityGroupClosed } from "./rules/vpc-default-security-group-closed";
import { ec2SecurityGroupExplicit } from "./rules/ec2-security-group-explicit";
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
import { dkimRecordAdvice } from "./rules/dkim-record-advice";
import { mailDnsNotProxied } from "./rules/mail-dns-not-proxied";
import { smtpUserLeastPrivilege } from "./rules/smtp-user-least-privilege";
import { smtpEndpointReachable } from "./rules/smtp-endpoint-reachable";
import { installLeanStackRequests, paceGarbageCollection } from "./lib/pack-memory";

// Before the pack's server starts: it takes the analyzer service definition when it does.
installLeanStackRequests();
paceGarbageCollection();

new PolicyPack("mailguard", {
  description:
    "Mail from cloud servers, done safely: no port 25 egress, SES with TLS and DKIM and the DNS records its region expects, sound SPF/DKIM/DMARC records, least-privilege SMTP users.",
  policies: [
    noPort25Egress,
    vpcDefaultSecurityGroupClosed,
    ec2SecurityGroupExplicit,
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
    dkimRecordAdvice,
    mailDnsNotProxied,
    smtpUserLeastPrivilege,
    smtpEndpointReachable,
  ],
});
