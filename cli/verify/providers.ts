/**
 * Section 5 of `mailguard verify`: the bulk-sender rules of Gmail, Yahoo, Microsoft (Outlook.com)
 * and Apple iCloud Mail, each judged pass / fail / not checkable here from observations, or marked
 * as checked elsewhere (message headers, the providers' postmaster tools). A pure function over
 * plain observations, so the offline plan can print the same table from planned records.
 *
 * Sources (read 2026-12; providers change these pages without notice):
 * - Gmail: Google, "Email sender guidelines" (support.google.com/mail/answer/81126) and its FAQ
 *   (support.google.com/a/answer/14229414): senders of 5,000+ messages a day to Gmail accounts
 *   need SPF and DKIM, DMARC of at least p=none passing by alignment, TLS for transmitting mail,
 *   one-click unsubscribe for marketing mail and a spam rate below 0.3% in Postmaster Tools.
 * - Yahoo: Yahoo Sender Hub, "Sender Best Practices" (senders.yahooinc.com/best-practices): bulk
 *   senders need SPF and DKIM, DMARC of at least p=none passing by alignment, one-click
 *   unsubscribe and a low complaint rate.
 * - Microsoft: "Strengthening Email Ecosystem: Outlook's New Requirements for High-Volume Senders"
 *   (Microsoft Defender for Office 365 blog, April 2025): domains sending 5,000+ messages a day to
 *   Outlook.com, Hotmail.com and Live.com need SPF pass, DKIM pass and DMARC of at least p=none
 *   aligned with SPF or DKIM ("preferably both"); since May 5, 2025 mail that fails is rejected with
 *   `550; 5.7.515 Access denied, sending domain [SendingDomain] does not meet the required
 *   authentication level`. A functional unsubscribe link is recommended.
 * - Apple: "Postmaster information for iCloud Mail" (support.apple.com/102322): bulk senders
 *   authenticate with SPF and DKIM, publish a DMARC policy, and offer an unsubscribe link.
 * - Key sizes: RFC 8301 3.2, verifiers must not accept RSA keys below 1024 bits, whoever they are.
 */
import type { DmarcPolicy } from "../../policies/core/dmarc";
import { renderTable, wrap } from "./table";

/** What a receiver would see of the domain's mail, as far as verify (or the plan) could tell. */
export interface MailObservations {
  /** SPF passes for SES's sending hosts at the envelope (custom MAIL FROM) domain. */
  spfPass?: boolean;
  /**
   * The custom MAIL FROM domain is in effect (its MX leads to SES's feedback host, and SES says
   * it is verified when that was checked) and aligns with the From domain under `aspf`.
   */
  spfAligned?: boolean;
  /** DKIM records resolve to keys SES signs with (and SES says DKIM succeeded, when checked). */
  dkimPass?: boolean;
  /** The smallest DKIM key in use, in bits. */
  dkimKeyBits?: number;
  /** The DMARC record at `_dmarc.<domain>` (or its organizational domain). */
  dmarc?: {
    /** One valid record is published. */
    valid: boolean;
    policy?: DmarcPolicy;
    /** It asks for aggregate reports (`rua=`). */
    rua: boolean;
  };
  /** Mail leaves SES only over TLS: the configuration set's TlsPolicy is REQUIRE. */
  tlsRequired?: boolean;
}

export type ProviderId = "gmail" | "yahoo" | "microsoft" | "apple";
export type RuleLevel = "required" | "recommended" | "not stated";
export type RuleStatus = "pass" | "fail" | "not checkable here" | "checked elsewhere";

export interface Provider {
  id: ProviderId;
  name: string;
  /** Its column title in the printed table. */
  column: string;
  source: string;
}

export const PROVIDERS: readonly Provider[] = [
  {
    id: "gmail",
    name: "Gmail",
    column: "Gmail",
    source: "Google, Email sender guidelines (support.google.com/mail/answer/81126)",
  },
  {
    id: "yahoo",
    name: "Yahoo",
    column: "Yahoo",
    source: "Yahoo Sender Hub, Sender Best Practices (senders.yahooinc.com/best-practices)",
  },
  {
    id: "microsoft",
    name: "Microsoft",
    column: "Outlook",
    source:
      "Microsoft, Outlook's requirements for high-volume senders (2025); failing mail is rejected with 550 5.7.515",
  },
  {
    id: "apple",
    name: "Apple iCloud",
    column: "iCloud",
    source: "Apple, Postmaster information for iCloud Mail (support.apple.com/102322)",
  },
];

export type RuleId =
  | "spf"
  | "dkim"
  | "dmarc"
  | "dmarc-rua"
  | "tls"
  | "dkim-key-1024"
  | "spf-aligned"
  | "one-click-unsubscribe"
  | "spam-rate";

export interface ProviderRow {
  id: RuleId;
  rule: string;
  levels: Record<ProviderId, RuleLevel>;
  status: RuleStatus;
  /** What the status rests on, or where the rule is checked instead. */
  basis: string;
}

export interface ProviderTable {
  providers: Provider[];
  rows: ProviderRow[];
}

const R: RuleLevel = "required";
const REC: RuleLevel = "recommended";
const NS: RuleLevel = "not stated";
const all = (level: RuleLevel): Record<ProviderId, RuleLevel> => ({
  gmail: level,
  yahoo: level,
  microsoft: level,
  apple: level,
});

interface Rule {
  id: RuleId;
  rule: string;
  levels: Record<ProviderId, RuleLevel>;
  judge(o: MailObservations): { status: RuleStatus; basis: string };
}

function known(value: boolean | undefined, yes: string, no: string, unknown: string) {
  if (value === undefined) return { status: "not checkable here" as const, basis: unknown };
  return value ? { status: "pass" as const, basis: yes } : { status: "fail" as const, basis: no };
}

const RULES: readonly Rule[] = [
  {
    id: "spf",
    rule: "SPF passes for the envelope domain",
    levels: all(R),
    judge: (o) =>
      known(
        o.spfPass,
        "the MAIL FROM domain's SPF passes for SES's sending ranges",
        "the MAIL FROM domain's SPF does not pass for SES's sending ranges",
        "SPF was not checked",
      ),
  },
  {
    id: "dkim",
    rule: "DKIM passes",
    levels: all(R),
    judge: (o) =>
      known(
        o.dkimPass,
        "the DKIM records lead to the keys SES signs with",
        "a DKIM record or key is missing or wrong",
        "the DKIM selectors are not known (no stack outputs, no SES)",
      ),
  },
  {
    id: "dmarc",
    rule: "DMARC at least p=none, passing by aligned DKIM or SPF",
    levels: all(R),
    judge: (o) => {
      if (o.dmarc === undefined)
        return { status: "not checkable here", basis: "DMARC was not checked" };
      if (!o.dmarc.valid) return { status: "fail", basis: "no valid DMARC record" };
      if (o.dkimPass === true || o.spfAligned === true) {
        return {
          status: "pass",
          basis: `p=${o.dmarc.policy ?? "?"}, ${o.dkimPass === true ? "aligned DKIM (Easy DKIM signs as the domain)" : "aligned SPF (the custom MAIL FROM domain)"}`,
        };
      }
      if (o.dkimPass === false && o.spfAligned === false) {
        return {
          status: "fail",
          basis: `p=${o.dmarc.policy ?? "?"}, but neither DKIM nor SPF passes aligned`,
        };
      }
      return {
        status: "not checkable here",
        basis: `p=${o.dmarc.policy ?? "?"}; alignment not judged (DKIM or SPF not checked)`,
      };
    },
  },
  {
    id: "dmarc-rua",
    rule: "DMARC aggregate reports requested (rua=)",
    levels: { gmail: REC, yahoo: REC, microsoft: REC, apple: NS },
    judge: (o) => {
      if (o.dmarc === undefined)
        return { status: "not checkable here", basis: "DMARC was not checked" };
      return o.dmarc.rua
        ? { status: "pass", basis: "rua= present" }
        : {
            status: "fail",
            basis: o.dmarc.valid ? "the record has no rua=" : "no valid DMARC record",
          };
    },
  },
  {
    id: "tls",
    rule: "Mail is transmitted over TLS",
    levels: { gmail: R, yahoo: NS, microsoft: NS, apple: NS },
    judge: (o) =>
      known(
        o.tlsRequired,
        "the configuration set requires TLS (TlsPolicy REQUIRE)",
        "the configuration set lets SES send without TLS (TlsPolicy OPTIONAL)",
        "SES's configuration set was not read (--no-aws)",
      ),
  },
  {
    id: "dkim-key-1024",
    rule: "DKIM key of at least 1024 bits",
    levels: all(R),
    judge: (o) =>
      o.dkimKeyBits === undefined
        ? { status: "not checkable here", basis: "no DKIM key was read" }
        : o.dkimKeyBits >= 1024
          ? { status: "pass", basis: `${o.dkimKeyBits}-bit key` }
          : { status: "fail", basis: `${o.dkimKeyBits}-bit key` },
  },
  {
    id: "spf-aligned",
    rule: "SPF aligned too (custom MAIL FROM active)",
    levels: { gmail: REC, yahoo: REC, microsoft: REC, apple: NS },
    judge: (o) =>
      known(
        o.spfAligned,
        "the custom MAIL FROM domain is in effect and aligns with the From domain",
        "mail goes out with SES's own envelope domain, or the MAIL FROM domain does not align",
        "the MAIL FROM domain was not checked",
      ),
  },
  {
    id: "one-click-unsubscribe",
    rule: "One-click unsubscribe in marketing mail (RFC 8058)",
    levels: { gmail: R, yahoo: R, microsoft: REC, apple: R },
    judge: () => ({
      status: "checked elsewhere",
      basis:
        "in each message's headers: List-Unsubscribe with an https URI and List-Unsubscribe-Post: List-Unsubscribe=One-Click (see docs/verify.md)",
    }),
  },
  {
    id: "spam-rate",
    rule: "Spam complaint rate below 0.3%",
    levels: { gmail: R, yahoo: R, microsoft: REC, apple: NS },
    judge: () => ({
      status: "checked elsewhere",
      basis:
        "in Google Postmaster Tools (Gmail sends SES no complaints), Yahoo Sender Hub and Microsoft SNDS; SES's own rates are watched by SesSender's bounce and complaint alarms and mailguard verify's SES checks",
    }),
  },
];

/** The provider table for what was observed. */
export function mailboxProviderTable(observations: MailObservations): ProviderTable {
  return {
    providers: PROVIDERS.map((p) => ({ ...p })),
    rows: RULES.map((r) => ({
      id: r.id,
      rule: r.rule,
      levels: { ...r.levels },
      ...r.judge(observations),
    })),
  };
}

/** Rules a provider requires that fail: mail to it is filtered or, at Microsoft, rejected. */
export function failedRequirements(table: ProviderTable, provider: ProviderId): ProviderRow[] {
  return table.rows.filter((r) => r.levels[provider] === "required" && r.status === "fail");
}

const LEVEL_CELL: Record<RuleLevel, string> = {
  required: "req",
  recommended: "rec",
  "not stated": "-",
};

/** The table as text lines: rule, one column per provider (req / rec / -), status and basis. */
export function renderProviderTable(table: ProviderTable, width = 120): string[] {
  // Printed indented by two, with two spaces between the columns.
  const providerWidth = 7;
  const statusWidth = 13;
  const ruleWidth = 24;
  const gaps = 2 * (table.providers.length + 2);
  const basisWidth =
    Math.max(width, 100) -
    2 -
    gaps -
    ruleWidth -
    statusWidth -
    providerWidth * table.providers.length;
  const columns = [
    { title: "Rule", width: ruleWidth },
    ...table.providers.map((p) => ({ title: p.column, width: providerWidth })),
    { title: "Status", width: statusWidth },
    { title: "Seen", width: Math.max(basisWidth, 10) },
  ];
  const rows = table.rows.map((r) => [
    r.rule,
    ...table.providers.map((p) => LEVEL_CELL[r.levels[p.id]]),
    r.status,
    r.basis,
  ]);
  const lines = renderTable(columns, rows);
  lines.push("req: required of bulk senders; rec: recommended; -: not in the provider's rules.");
  for (const p of table.providers) {
    const failed = failedRequirements(table, p.id);
    const verdict =
      failed.length === 0
        ? "no required rule fails here"
        : `fails ${failed.map((f) => f.id).join(", ")}`;
    lines.push(...wrap(`${p.name}: ${verdict} (${p.source}).`, Math.max(width, 100) - 2));
  }
  return lines;
}
