import * as fs from "fs";
import { REGIONS_DOC, regionsMarkdown } from "../../tools/docs/regions";

describe("docs/regions.md", () => {
  it("is the table policies/core/ses-regions.ts holds (regenerate with npm run docs:regions)", () => {
    expect(fs.readFileSync(REGIONS_DOC, "utf8")).toBe(regionsMarkdown());
  });

  it("shows the corrected facts: MAIL FROM on amazonses.com, a regional DKIM domain", () => {
    const doc = fs.readFileSync(REGIONS_DOC, "utf8");
    expect(doc).toContain(
      "| `me-central-1` | Middle East (UAE) | aws | `email-smtp.me-central-1.amazonaws.com` | none | `dkim.me-central-1.amazonses.com` | `feedback-smtp.me-central-1.amazonses.com` |",
    );
    expect(doc).not.toMatch(/feedback-smtp\.[a-z0-9-]+\.amazonaws\.com/);
  });
});
