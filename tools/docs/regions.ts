/**
 * Writes docs/regions.md from the SES region table (policies/core/ses-regions.ts), so the docs
 * never restate a fact by hand: `npm run docs:regions`. A test checks the file is current.
 */
import * as fs from "fs";
import * as path from "path";
import { GLOBAL_DKIM_DOMAIN, SES_REGIONS } from "../../policies/core/ses-regions";

export const REGIONS_DOC = path.resolve(__dirname, "../../docs/regions.md");

/** The Markdown of docs/regions.md. */
export function regionsMarkdown(): string {
  const rows = SES_REGIONS.map(
    (r) =>
      `| \`${r.region}\` | ${r.name} | ${r.partition} | ${r.smtpHost ? `\`${r.smtpHost}\`` : "none"} | ${
        r.fipsSmtpHost ? `\`${r.fipsSmtpHost}\`` : "none"
      } | \`${r.dkimDomain}\` | \`${r.feedbackHost}\` |`,
  );
  const regional = SES_REGIONS.filter((r) => r.dkimDomain !== GLOBAL_DKIM_DOMAIN).map(
    (r) => `\`${r.region}\``,
  );
  return [
    "# SES regions",
    "",
    "<!-- Generated from policies/core/ses-regions.ts by `npm run docs:regions`; do not edit by hand. -->",
    "",
    "What mailguard publishes and hands out in each region where SES runs. The components, the policy",
    "pack, the plan and the simulator all read these facts from one table, `policies/core/ses-regions.ts`,",
    "which names its sources: the AWS General Reference page \"Amazon Simple Email Service endpoints and",
    "quotas\" (SMTP endpoints, DKIM domains, feedback endpoints) and the SES Developer Guide.",
    "",
    "- **Easy DKIM**: `CNAME <token>._domainkey.<domain> -> <token>.<DKIM domain>`. Most regions use",
    `  \`${GLOBAL_DKIM_DOMAIN}\`; ${regional.join(", ")} keep their keys under`,
    "  `dkim.<region>.amazonses.com`. A CNAME at the wrong DKIM domain leaves DKIM pending and the",
    "  identity never verified.",
    "- **Custom MAIL FROM**: `MX 10 <feedback host>` and `TXT \"v=spf1 include:amazonses.com -all\"` at",
    "  the MAIL FROM domain. The feedback host is on amazonses.com in every region, GovCloud included;",
    "  with any other MX host SES never verifies the MAIL FROM domain.",
    "- **SMTP**: STARTTLS on 587 (RFC 6409 submission, RFC 3207 STARTTLS), implicit TLS on 465 (RFC",
    "  8314). SES also listens on 25, 2587 and 2465; mailguard hands out 587 and 465 only. The FIPS",
    "  endpoint (`fips: true`) takes the same credentials.",
    "",
    "| Region | Name | Partition | SMTP host | FIPS SMTP host | DKIM domain | MAIL FROM MX host |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
    "A region AWS opened after this table is refused, with the nearest known regions named. To go on",
    "before the table catches up, pass `newRegion: true` and the region's `dkimDomain` as the General",
    "Reference lists it; the SMTP and MAIL FROM hosts then follow AWS's naming patterns.",
    "",
  ].join("\n");
}

if (require.main === module) {
  fs.writeFileSync(REGIONS_DOC, regionsMarkdown());
  process.stdout.write(`wrote ${path.relative(process.cwd(), REGIONS_DOC)}\n`);
}
