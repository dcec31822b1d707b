import {
  failedRequirements,
  mailboxProviderTable,
  type MailObservations,
  renderProviderTable,
  type RuleId,
} from "../../../cli/verify/providers";

/** What a correct mailguard deployment shows: every checkable rule passes. */
const GOOD: MailObservations = {
  spfPass: true,
  spfAligned: true,
  dkimPass: true,
  dkimKeyBits: 2048,
  dmarc: { valid: true, policy: "quarantine", rua: true },
  tlsRequired: true,
};

function statuses(o: MailObservations): Record<RuleId, string> {
  return Object.fromEntries(mailboxProviderTable(o).rows.map((r) => [r.id, r.status])) as Record<
    RuleId,
    string
  >;
}

describe("mailboxProviderTable", () => {
  it("passes every checkable rule of a correct deployment and leaves unsubscribe and spam rate to other tools", () => {
    expect(statuses(GOOD)).toEqual({
      spf: "pass",
      dkim: "pass",
      dmarc: "pass",
      "dmarc-rua": "pass",
      tls: "pass",
      "dkim-key-1024": "pass",
      "spf-aligned": "pass",
      "one-click-unsubscribe": "checked elsewhere",
      "spam-rate": "checked elsewhere",
    });
  });

  it("lists the four providers in a fixed order", () => {
    expect(mailboxProviderTable(GOOD).providers.map((p) => p.name)).toEqual([
      "Gmail",
      "Yahoo",
      "Microsoft",
      "Apple iCloud",
    ]);
  });

  it("marks SPF alignment as recommended, never required, by every provider", () => {
    const row = mailboxProviderTable(GOOD).rows.find((r) => r.id === "spf-aligned")!;
    expect(row.levels).toEqual({
      gmail: "recommended",
      yahoo: "recommended",
      microsoft: "recommended",
      apple: "not stated",
    });
  });

  it("requires SPF, DKIM and DMARC of every provider, Microsoft included", () => {
    const table = mailboxProviderTable(GOOD);
    for (const id of ["spf", "dkim", "dmarc"]) {
      const row = table.rows.find((r) => r.id === id)!;
      expect(Object.values(row.levels)).toEqual(["required", "required", "required", "required"]);
    }
  });

  it("says nothing can be judged about what was not observed", () => {
    expect(statuses({})).toEqual({
      spf: "not checkable here",
      dkim: "not checkable here",
      dmarc: "not checkable here",
      "dmarc-rua": "not checkable here",
      tls: "not checkable here",
      "dkim-key-1024": "not checkable here",
      "spf-aligned": "not checkable here",
      "one-click-unsubscribe": "checked elsewhere",
      "spam-rate": "checked elsewhere",
    });
  });

  it("passes DMARC on aligned DKIM alone, as SES's Easy DKIM gives it without a custom MAIL FROM", () => {
    const s = statuses({ ...GOOD, spfPass: false, spfAligned: false });
    expect(s.dmarc).toBe("pass");
    expect(s.spf).toBe("fail");
    expect(s["spf-aligned"]).toBe("fail");
  });

  it("fails DMARC when neither DKIM nor aligned SPF passes, and when there is no valid record", () => {
    expect(statuses({ ...GOOD, dkimPass: false, spfAligned: false }).dmarc).toBe("fail");
    expect(statuses({ ...GOOD, dmarc: { valid: false, rua: false } }).dmarc).toBe("fail");
  });

  it("cannot judge DMARC alignment when DKIM was not checked and SPF does not align", () => {
    expect(statuses({ ...GOOD, dkimPass: undefined, spfAligned: false }).dmarc).toBe(
      "not checkable here",
    );
  });

  it("accepts p=none as the minimum policy", () => {
    expect(statuses({ ...GOOD, dmarc: { valid: true, policy: "none", rua: true } }).dmarc).toBe(
      "pass",
    );
  });

  it("fails rua when the record asks for no aggregate reports", () => {
    expect(
      statuses({ ...GOOD, dmarc: { valid: true, policy: "reject", rua: false } })["dmarc-rua"],
    ).toBe("fail");
  });

  it("judges the DKIM key size at 1024 bits: 1024 passes, 768 fails", () => {
    expect(statuses({ ...GOOD, dkimKeyBits: 1024 })["dkim-key-1024"]).toBe("pass");
    expect(statuses({ ...GOOD, dkimKeyBits: 768 })["dkim-key-1024"]).toBe("fail");
  });

  it("fails TLS when the configuration set lets SES send without it", () => {
    expect(statuses({ ...GOOD, tlsRequired: false }).tls).toBe("fail");
  });

  it("names per provider only the failing rules that provider requires", () => {
    const table = mailboxProviderTable({ ...GOOD, tlsRequired: false, spfAligned: false });
    expect(failedRequirements(table, "gmail").map((r) => r.id)).toEqual(["tls"]);
    expect(failedRequirements(table, "microsoft").map((r) => r.id)).toEqual([]);
  });
});

describe("renderProviderTable", () => {
  it("prints a row per rule with req/rec columns and a verdict line per provider", () => {
    const lines = renderProviderTable(mailboxProviderTable({ ...GOOD, dkimPass: false }), 120);
    expect(lines[0]).toMatch(/^Rule +Gmail +Yahoo +Outlook +iCloud +Status +Seen$/);
    expect(lines.some((l) => /^DKIM passes +req +req +req +req +fail /.test(l))).toBe(true);
    expect(lines).toContain(
      "req: required of bulk senders; rec: recommended; -: not in the provider's rules.",
    );
    const text = lines.join(" ");
    expect(text).toMatch(/ Microsoft: fails dkim \(Microsoft, .* rejected with 550 5\.7\.515\)\. /);
    expect(text).toMatch(/ Gmail: fails dkim \(/);
  });
});
