/**
 * The records SesSender hands a DNS backend for example.com in eu-west-1 (one DKIM CNAME of the
 * three): the input both backends' tests publish.
 */
import { MailDnsRecord } from "../../components/common";

export const SES_RECORDS: MailDnsRecord[] = [
  {
    key: "dkim-0",
    name: "aaaa._domainkey.example.com",
    type: "CNAME",
    content: "aaaa.dkim.amazonses.com",
    ttl: 3600,
    purpose: "DKIM (SES Easy DKIM)",
  },
  {
    key: "mail-from-mx",
    name: "mail.example.com",
    type: "MX",
    content: "feedback-smtp.eu-west-1.amazonses.com",
    priority: 10,
    ttl: 3600,
    purpose: "MAIL FROM bounces to SES",
  },
  {
    key: "mail-from-spf",
    name: "mail.example.com",
    type: "TXT",
    content: "v=spf1 include:amazonses.com -all",
    ttl: 3600,
    purpose: "MAIL FROM SPF",
  },
];
