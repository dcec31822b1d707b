/**
 * What `mailguard verify` reports: every check in order, with what was observed, what was expected
 * and the fix, then the mailbox-provider table. Printed as a table for a reader or as one JSON
 * document (`--json`). Nothing here prints a secret: SMTP passwords never enter a check.
 */
import type { ProviderTable } from "./providers";
import { renderProviderTable } from "./providers";
import { Column, renderTable, wrap } from "./table";
import { COLOR, PLAIN, type Style } from "../style";

export { COLOR, PLAIN, type Style };

export type CheckStatus = "pass" | "fail" | "warn" | "skip";

/** The four groups of checks, in the order they run; each explains the next. */
export type Section = "dns" | "ses" | "smtp" | "egress";

export const SECTION_TITLES: Record<Section, string> = {
  dns: "1. DNS as receivers see it",
  ses: "2. SES state",
  smtp: "3. SMTP submission",
  egress: "4. Port 25 egress from here",
};

export interface Check {
  /** Stable, kebab-case, prefixed by section (`dns-`, `ses-`, `smtp-`, `egress-`). */
  id: string;
  section: Section;
  /** What the check is about: a record name, `host:port`, the SES identity or account. */
  subject: string;
  status: CheckStatus;
  observed: string;
  expected: string;
  /** How to fix a fail or warn, or how to run a skipped check; empty on pass. */
  fix: string;
}

export interface VerifyReport {
  domain: string;
  region: string;
  /** `system` or the `--resolver` address. */
  resolver: string;
  /** Where the expected values came from. */
  expectations: "stack outputs" | "domain and region";
  checks: Check[];
  /** Section 5: mailbox providers' bulk-sender rules, judged from what the checks saw. */
  providers: ProviderTable;
  summary: Record<CheckStatus, number>;
  /** No check failed. */
  ok: boolean;
  /** Things the reader should know that are not checks (e.g. where credentials came from). */
  notes: string[];
  durationMs: number;
}

/** 0 when no check failed, 1 when one did (usage errors, 2, never reach a report). */
export function exitCodeOf(report: Pick<VerifyReport, "checks">): 0 | 1 {
  return report.checks.some((c) => c.status === "fail") ? 1 : 0;
}

export function summarize(checks: readonly Check[]): Record<CheckStatus, number> {
  const summary: Record<CheckStatus, number> = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const c of checks) summary[c.status]++;
  return summary;
}

/** The report as one JSON document, keys in a fixed order. */
export function reportJson(report: VerifyReport): unknown {
  return {
    domain: report.domain,
    region: report.region,
    resolver: report.resolver,
    expectations: report.expectations,
    ok: report.ok,
    summary: report.summary,
    checks: report.checks.map((c) => ({
      id: c.id,
      section: c.section,
      subject: c.subject,
      status: c.status,
      observed: c.observed,
      expected: c.expected,
      fix: c.fix,
    })),
    providers: report.providers,
    notes: report.notes,
    durationMs: report.durationMs,
  };
}

const STATUS_WORD: Record<CheckStatus, string> = {
  pass: "pass",
  fail: "FAIL",
  warn: "warn",
  skip: "skip",
};

function paintStatus(style: Style, status: CheckStatus, text: string): string {
  switch (status) {
    case "pass":
      return style.green(text);
    case "fail":
      return style.red(text);
    case "warn":
      return style.yellow(text);
    case "skip":
      return style.dim(text);
  }
}

/** Column widths for a terminal of `width` characters (at least 100 are assumed). */
function checkColumns(width: number): Column[] {
  const usable = Math.max(width, 100) - 2 * 4;
  const status = 4;
  const id = 30;
  const rest = usable - status - id;
  const observed = Math.floor(rest / 2);
  return [
    { title: "", width: status },
    { title: "Check", width: id },
    { title: "Observed", width: observed },
    { title: "Expected", width: rest - observed },
  ];
}

/** The report for a reader: one table per section, fixes under it, then the provider table. */
export function renderReport(report: VerifyReport, style: Style, width = 120): string {
  const lines: string[] = [];
  lines.push(
    style.bold(`mailguard verify: ${report.domain} (SES ${report.region})`),
    `Resolver: ${report.resolver}; expected values from the ${report.expectations}.`,
    "",
  );
  const columns = checkColumns(width);
  for (const section of Object.keys(SECTION_TITLES) as Section[]) {
    const checks = report.checks.filter((c) => c.section === section);
    if (checks.length === 0) continue;
    lines.push(style.bold(SECTION_TITLES[section]));
    const rows = checks.map((c) => [
      STATUS_WORD[c.status],
      `${c.id}\n${c.subject}`,
      c.observed,
      c.expected,
    ]);
    lines.push(
      ...renderTable(columns, rows, (r, col, text) =>
        col === 0 ? paintStatus(style, checks[r].status, text) : text,
      ).map((l) => `  ${l}`),
    );
    const fixes = checks.filter(
      (c) => c.fix !== "" && (c.status === "fail" || c.status === "warn"),
    );
    for (const c of fixes) {
      const [first, ...rest] = wrap(
        `${STATUS_WORD[c.status]} ${c.id}: Fix: ${c.fix}`,
        Math.max(width, 100) - 7,
      );
      const word = STATUS_WORD[c.status];
      lines.push(
        `  ${paintStatus(style, c.status, word)}${first.slice(word.length)}`,
        ...rest.map((l) => `       ${l}`),
      );
    }
    lines.push("");
  }
  lines.push(style.bold("5. Mailbox providers' bulk-sender rules"));
  lines.push(...renderProviderTable(report.providers, width).map((l) => `  ${l}`), "");
  for (const note of report.notes) {
    lines.push(...wrap(`Note: ${note}`, Math.max(width, 100) - 2));
  }
  const s = report.summary;
  const verdict = report.ok ? style.green("OK") : style.red("FAILED");
  lines.push(
    `${verdict}: ${s.pass} passed, ${s.fail} failed, ${s.warn} warnings, ${s.skip} skipped (${(report.durationMs / 1000).toFixed(1)} s).`,
  );
  return `${lines.join("\n")}\n`;
}

/** A check of one section; `fix` defaults to empty (a pass). */
export function check(
  section: Section,
  id: string,
  subject: string,
  status: CheckStatus,
  observed: string,
  expected: string,
  fix = "",
): Check {
  return { id, section, subject, status, observed, expected, fix: status === "pass" ? "" : fix };
}

/** {@link check} for the checks of one section. */
export function sectionCheck(
  section: Section,
): (
  id: string,
  subject: string,
  status: CheckStatus,
  observed: string,
  expected: string,
  fix?: string,
) => Check {
  return (id, subject, status, observed, expected, fix) =>
    check(section, id, subject, status, observed, expected, fix);
}
