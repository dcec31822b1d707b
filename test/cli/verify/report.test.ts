import { mailboxProviderTable } from "../../../cli/verify/providers";
import {
  type Check,
  check,
  exitCodeOf,
  PLAIN,
  renderReport,
  reportJson,
  summarize,
  type VerifyReport,
} from "../../../cli/verify/report";
import { renderTable, wrap } from "../../../cli/verify/table";

const passing = check("dns", "dns-reply", "example.com", "pass", "MX 10 mx.example.com.", "an MX");
const failing = check(
  "dns",
  "dns-mail-from-mx",
  "mail.example.com",
  "fail",
  "MX 10 feedback-smtp.eu-west-1.amazonaws.com.",
  "MX 10 feedback-smtp.eu-west-1.amazonses.com",
  "Point the MX at feedback-smtp.eu-west-1.amazonses.com.",
);
const warning = check(
  "dns",
  "dns-dmarc",
  "_dmarc.example.com",
  "warn",
  "p=none",
  "p=quarantine",
  "Raise p.",
);
const skipped = check(
  "ses",
  "ses-identity",
  "example.com in eu-west-1",
  "skip",
  "--no-aws",
  "verified",
  "Drop --no-aws.",
);

function report(checks: Check[]): VerifyReport {
  const summary = summarize(checks);
  return {
    domain: "example.com",
    region: "eu-west-1",
    resolver: "127.0.0.1:5353",
    expectations: "domain and region",
    checks,
    providers: mailboxProviderTable({}),
    summary,
    ok: summary.fail === 0,
    notes: ["DKIM selectors from the stack's DKIM CNAMEs."],
    durationMs: 1234,
  };
}

describe("exit status", () => {
  it("is 0 when checks pass, warn or skip, and 1 as soon as one fails", () => {
    expect(exitCodeOf(report([passing, warning, skipped]))).toBe(0);
    expect(exitCodeOf(report([passing, warning, skipped, failing]))).toBe(1);
    expect(exitCodeOf(report([]))).toBe(0);
  });
});

describe("check", () => {
  it("drops the fix of a passing check and keeps it otherwise", () => {
    expect(check("dns", "x", "s", "pass", "o", "e", "do this").fix).toBe("");
    expect(check("dns", "x", "s", "skip", "o", "e", "do this").fix).toBe("do this");
  });
});

describe("summarize", () => {
  it("counts every status", () => {
    expect(summarize([passing, passing, failing, warning, skipped])).toEqual({
      pass: 2,
      fail: 1,
      warn: 1,
      skip: 1,
    });
  });
});

describe("reportJson", () => {
  it("holds every check with id, status, observed, expected and fix, in order", () => {
    const json = reportJson(report([passing, failing])) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([
      "domain",
      "region",
      "resolver",
      "expectations",
      "ok",
      "summary",
      "checks",
      "providers",
      "notes",
      "durationMs",
    ]);
    expect(json.ok).toBe(false);
    expect(json.checks).toEqual([
      {
        id: "dns-reply",
        section: "dns",
        subject: "example.com",
        status: "pass",
        observed: "MX 10 mx.example.com.",
        expected: "an MX",
        fix: "",
      },
      {
        id: "dns-mail-from-mx",
        section: "dns",
        subject: "mail.example.com",
        status: "fail",
        observed: "MX 10 feedback-smtp.eu-west-1.amazonaws.com.",
        expected: "MX 10 feedback-smtp.eu-west-1.amazonses.com",
        fix: "Point the MX at feedback-smtp.eu-west-1.amazonses.com.",
      },
    ]);
  });
});

describe("renderReport", () => {
  const text = renderReport(report([passing, failing, warning, skipped]), PLAIN, 120);
  const lines = text.split("\n");

  it("heads the report with the domain, region, resolver and where expectations came from", () => {
    expect(lines[0]).toBe("mailguard verify: example.com (SES eu-west-1)");
    expect(lines[1]).toBe("Resolver: 127.0.0.1:5353; expected values from the domain and region.");
  });

  it("prints one table per section with the status, id, subject, observed and expected", () => {
    expect(text).toContain("1. DNS as receivers see it\n");
    expect(text).toContain("2. SES state\n");
    expect(text).not.toContain("3. SMTP submission");
    const row = lines.find((l) => l.includes("dns-mail-from-mx"))!;
    expect(row).toMatch(/^ {2}FAIL {2}dns-mail-from-mx +MX 10 +MX 10/);
    expect(lines[lines.indexOf(row) + 1]).toMatch(/^ {8}mail\.example\.com/);
  });

  it("prints the fix of failures and warnings under the table, not of skips", () => {
    expect(text).toContain(
      "  FAIL dns-mail-from-mx: Fix: Point the MX at feedback-smtp.eu-west-1.amazonses.com.",
    );
    expect(text).toContain("  warn dns-dmarc: Fix: Raise p.");
    expect(text).not.toContain("Drop --no-aws.");
  });

  it("ends with the provider table, the notes and the counts", () => {
    expect(text).toContain("5. Mailbox providers' bulk-sender rules\n");
    expect(text).toContain("Note: DKIM selectors from the stack's DKIM CNAMEs.\n");
    expect(lines.at(-2)).toBe("FAILED: 1 passed, 1 failed, 1 warnings, 1 skipped (1.2 s).");
  });

  it("keeps every line within the width it is given", () => {
    const long = check(
      "dns",
      "dns-spf-apex",
      "example.com",
      "fail",
      "x ".repeat(300),
      "y ".repeat(200),
      "z ".repeat(200),
    );
    const wide = renderReport(report([long]), PLAIN, 100);
    const tooLong = wide.split("\n").filter((l) => l.length > 100);
    expect(tooLong).toEqual([]);
  });
});

describe("wrap and renderTable", () => {
  it("wraps on spaces, cuts words longer than the width, and starts a line at each newline", () => {
    expect(wrap("one two three", 7)).toEqual(["one two", "three"]);
    expect(wrap("abcdefghij", 4)).toEqual(["abcd", "efgh", "ij"]);
    expect(wrap("id\nsubject here", 20)).toEqual(["id", "subject here"]);
    expect(wrap("", 5)).toEqual([""]);
  });

  it("pads cells to their column and gives each row the height of its tallest cell", () => {
    expect(
      renderTable(
        [
          { title: "A", width: 3 },
          { title: "B", width: 5 },
        ],
        [["x", "one two"]],
      ),
    ).toEqual(["A    B", "---  -----", "x    one", "     two"]);
  });
});
