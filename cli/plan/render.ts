/**
 * The plan's report: resource tree, DNS table, SMTP settings, policy findings and deliverability
 * verdict as text for a reader, the same as one JSON document for CI, and the records as a BIND
 * zone file. Nothing here prints a secret: resources are shown by type and name only.
 */
import * as fs from "fs";
import * as path from "path";
import { quoteTxt } from "../../policies/core/txt";
import { isWireSecret, SIG_KEY, type PlannedResource } from "./program";
import type { PlannedRecord, PlannedZone } from "./records";
import type { SmtpSettings } from "./mail";
import { advisoryOf, mandatoryOf, type PolicyFinding } from "./policy";
import type { DeliverabilityVerdict } from "./verdict";
import { renderProviderTable, type ProviderTable } from "../verify/providers";
import { COLOR, PLAIN, type Style } from "../style";

export { COLOR, PLAIN, type Style };

export interface PlanReport {
  project: string;
  stack: string;
  program: string;
  config: string;
  resources: PlannedResource[];
  records: PlannedRecord[];
  /** The records by zone, for the zone files. */
  zones: PlannedZone[];
  /** The stack outputs in wire form (secrets marked). */
  outputs: Record<string, unknown>;
  smtp: SmtpSettings[];
  findings: PolicyFinding[];
  verdicts: DeliverabilityVerdict[];
  /** Each SES domain's mailbox-provider table (Gmail, Yahoo, Microsoft, Apple bulk-sender rules). */
  providers: { domain: string; table: ProviderTable }[];
  policyPack?: { name: string; version: string; policies: number };
  notes: string[];
  /** Milliseconds per phase: program, packStart (spawn to port), analyze, verdict, total. */
  timings: Record<string, number>;
}

/** Resources as a tree by parent, `type  name` per line, as `pulumi preview` lists them. */
export function renderTree(resources: readonly PlannedResource[]): string[] {
  const byParent = new Map<string, PlannedResource[]>();
  const urns = new Set(resources.map((r) => r.urn));
  const roots: PlannedResource[] = [];
  for (const r of resources) {
    if (r.parent !== undefined && urns.has(r.parent)) {
      byParent.set(r.parent, [...(byParent.get(r.parent) ?? []), r]);
    } else {
      roots.push(r);
    }
  }
  const lines: string[] = [];
  const walk = (r: PlannedResource, prefix: string, last: boolean, top: boolean) => {
    const branch = top ? "" : last ? "└─ " : "├─ ";
    lines.push(`${prefix}${branch}${r.type}  ${r.name}`);
    const kids = byParent.get(r.urn) ?? [];
    const childPrefix = top ? prefix : prefix + (last ? "   " : "│  ");
    kids.forEach((k, i) => walk(k, childPrefix, i === kids.length - 1, false));
  };
  roots.forEach((r) => walk(r, "", true, true));
  return lines;
}

function ttlText(ttl: number | undefined): string {
  if (ttl === undefined) return "-";
  return ttl === 1 ? "auto" : String(ttl);
}

function ellipsize(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** The value column: TXT as the joined text in quotes, MX with its priority. */
export function displayValue(r: PlannedRecord): string {
  if (r.type === "TXT") return JSON.stringify(r.value);
  if (r.type === "MX") return `${r.priority ?? 0} ${r.value}`;
  return r.value;
}

/** A fixed-width table. */
export function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

export function renderRecords(records: readonly PlannedRecord[], width = 100): string[] {
  const rows = records.map((r) => [
    r.name,
    r.type,
    ttlText(r.ttl),
    r.proxied ? "YES" : "no",
    displayValue(r),
  ]);
  const fixed = Math.max(...rows.map((r) => r[0].length), 4) + 5 + 4 + 7 + 8;
  const max = Math.max(56, width - fixed);
  return table(
    ["NAME", "TYPE", "TTL", "PROXIED", "VALUE"],
    rows.map((r) => [...r.slice(0, 4), ellipsize(r[4], max)]),
  );
}

/** Cloudflare's automatic TTL, written out for a zone file. */
export const AUTO_TTL_SECONDS = 300;

/** Name servers of the zone files: placeholders that let a DNS server load a file as it is. */
export const PLACEHOLDER_NAME_SERVER = "ns1.mailguard-plan.invalid";

function rdataOf(r: PlannedRecord): string {
  if (r.type === "TXT") return quoteTxt(r.value);
  if (r.type === "CNAME" || r.type === "NS") return `${r.value}.`;
  if (r.type === "MX") return `${r.priority ?? 0} ${r.value}.`;
  return r.value;
}

/**
 * One zone as a BIND zone file a DNS server can load as it is: `$ORIGIN`, `$TTL`, an SOA and an
 * NS (placeholders, said so), then the records fully qualified, TXT split into 255-octet strings,
 * each simulated value and each proxied record marked in a comment above it.
 */
export function zoneFile(zone: PlannedZone, header: string[] = []): string {
  const origin = `${zone.name}.`;
  const lines = [
    ...header.map((h) => `; ${h}`),
    `; The SOA and NS records are placeholders that let a DNS server load this file; your DNS`,
    `; provider serves the zone with its own.`,
    `$ORIGIN ${origin}`,
    "$TTL 3600",
    `@\t3600\tIN\tSOA\t${PLACEHOLDER_NAME_SERVER}. hostmaster.${origin} 1 7200 3600 1209600 300`,
    `@\t3600\tIN\tNS\t${PLACEHOLDER_NAME_SERVER}.`,
  ];
  for (const r of zone.records) {
    const ttl = r.ttl === undefined || r.ttl === 1 ? AUTO_TTL_SECONDS : r.ttl;
    if (r.simulated !== undefined) lines.push(`; simulated: ${r.simulated}`);
    if (r.proxied) {
      lines.push("; proxied on Cloudflare: published as Cloudflare edge addresses, not as below");
    }
    lines.push(`${r.name}.\t${ttl}\tIN\t${r.type}\t${rdataOf(r)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Writes one `<zone>.zone` file per zone of the plan into `dir`; returns the files written. */
export function writeZoneFiles(dir: string, report: PlanReport): string[] {
  return report.zones.map((zone) => {
    const file = path.join(dir, `${zone.name}.zone`);
    fs.writeFileSync(
      file,
      zoneFile(zone, [
        `Zone ${zone.name}${zone.zoneId !== undefined ? ` (zone id ${zone.zoneId})` : ""}: the records of ${report.project}/${report.stack} from the mailguard offline plan.`,
        "Values marked simulated are the plan's stand-ins for what AWS makes at deployment; publish",
        "the records with `pulumi up`, not from this file.",
      ]),
    );
    return file;
  });
}

/** Plain data with every secret replaced by `[secret]` and resource references by their URN. */
export function maskSecrets(value: unknown): unknown {
  if (isWireSecret(value)) return "[secret]";
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (typeof value === "object" && value !== null) {
    const v = value as Record<string, unknown>;
    if (typeof v[SIG_KEY] === "string" && typeof v.urn === "string") return v.urn;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskSecrets(x)]));
  }
  return value;
}

export function renderSmtp(settings: readonly SmtpSettings[]): string[] {
  const lines: string[] = [];
  for (const s of settings) {
    lines.push(`  Domain:    ${s.domain ?? "(the SES identity could not be told)"}`);
    lines.push(`  Region:    ${s.region}`);
    lines.push(`  Host:      ${s.host}`);
    if (s.vpcEndpoint !== undefined) {
      const e = s.vpcEndpoint;
      lines.push(
        `  Endpoint:  ${e.id} (${e.type} ${e.resource}${e.from === "bundle" ? ", named in the SMTP bundle" : ""}; private DNS resolves the host to it)`,
      );
    }
    for (const e of s.endpoints) lines.push(`  Port:      ${e.port} (${e.security})`);
    lines.push(`  Username:  ${s.username}`);
    lines.push(`  Password:  ${s.password}`);
    for (const n of s.notes) lines.push(`  Note:      ${n}`);
    lines.push("");
  }
  return lines.slice(0, -1);
}

function findingLines(f: PolicyFinding, style: Style): string[] {
  const level =
    f.enforcementLevel === "mandatory" ? style.red("mandatory") : style.yellow(f.enforcementLevel);
  const subject =
    f.type !== undefined ? `${f.type}  ${f.name ?? ""}` : f.phase === "stack" ? "(stack)" : "";
  return [
    `  ${level}  ${style.bold(f.policyName)}  ${subject}`.trimEnd(),
    `      ${f.message.split("\n").join("\n      ")}`,
  ];
}

export function renderFindings(findings: readonly PolicyFinding[], style: Style): string[] {
  const mandatory = mandatoryOf(findings);
  const advisory = advisoryOf(findings);
  const lines = [`${mandatory.length} mandatory, ${advisory.length} advisory`];
  for (const f of [...mandatory, ...advisory]) lines.push(...findingLines(f, style));
  return lines;
}

export function renderVerdict(v: DeliverabilityVerdict, style: Style): string[] {
  const mark = (ok: boolean) => (ok ? style.green("✓") : style.red("✗"));
  const spfOk = v.spf.result === "pass" && v.spf.aligned;
  const dkimOk = v.dkim.result === "pass" && v.dkim.aligned;
  const dmarcOk = v.dmarc.result === "pass";
  const dkimMode =
    v.dkim.mode === "easy-dkim-simulated"
      ? `Easy DKIM, simulated SES keys: ${v.dkim.keys.filter((k) => k.result === "pass").length} of ${v.dkim.keys.length} tokens verify`
      : v.dkim.mode === "byodkim"
        ? "BYODKIM, signed with the planned key"
        : "no DKIM";
  const lines = [
    `  Mail from ${v.from} sent by SES (${v.clientIp}), envelope ${v.spf.envelopeFrom}`,
    `  ${mark(spfOk)} SPF    ${v.spf.result} for ${v.spf.domain}; ${v.spf.aligned ? "aligned" : "does not align"} with ${v.domain}${v.spf.alignment === "strict" ? " (aspf=s)" : ""}`,
    `  ${mark(dkimOk)} DKIM   ${v.dkim.result}${v.dkim.signingDomain ? ` d=${v.dkim.signingDomain} s=${v.dkim.selector ?? ""}` : ""}${v.dkim.keyBits ? ` (${v.dkim.keyBits}-bit)` : ""}; ${v.dkim.aligned ? "aligned" : "not aligned"}${v.dkim.alignment === "strict" ? " (adkim=s)" : ""} [${dkimMode}]`,
    `  ${mark(dmarcOk)} DMARC  ${v.dmarc.result}${v.dmarc.passedBy.length > 0 ? ` by ${v.dmarc.passedBy.join(" and ")}` : ""}${v.dmarc.policy ? `, p=${v.dmarc.policy}` : ""}; disposition: ${v.dmarc.disposition}`,
  ];
  for (const n of v.notes) lines.push(`    note: ${n}`);
  for (const f of v.fixtures) lines.push(style.dim(`    from: ${f}`));
  return lines;
}

/** The whole report as text. */
export function renderReport(r: PlanReport, style: Style, width = 100): string {
  const out: string[] = [];
  const heading = (s: string) => {
    out.push("", style.bold(s));
  };
  out.push(
    style.bold(`Offline plan of ${r.project}/${r.stack}`) +
      style.dim(`  (program ${r.program}, config ${r.config})`),
  );
  out.push(
    style.dim("Mock runtime with a provider simulator: no cloud account, nothing is created."),
  );
  heading(`Resources (${r.resources.length})`);
  out.push(...renderTree(r.resources).map((l) => `  ${l}`));
  heading(`DNS records to publish (${r.records.length})`);
  out.push(
    ...(r.records.length > 0 ? renderRecords(r.records, width).map((l) => `  ${l}`) : ["  none"]),
  );
  heading("SMTP settings");
  out.push(...(r.smtp.length > 0 ? renderSmtp(r.smtp) : ["  no SMTP credentials in this plan"]));
  heading(
    `Policy findings${r.policyPack ? ` (${r.policyPack.name} ${r.policyPack.version}, ${r.policyPack.policies} policies)` : ""}: ` +
      renderFindings(r.findings, style)[0],
  );
  out.push(...renderFindings(r.findings, style).slice(1));
  heading("Deliverability");
  if (r.verdicts.length === 0) out.push("  no SES domain identity in this plan");
  for (const v of r.verdicts) out.push(...renderVerdict(v, style));
  for (const p of r.providers) {
    heading(`Mailbox providers' bulk-sender rules for ${p.domain} (from the planned records)`);
    out.push(...renderProviderTable(p.table, width).map((l) => `  ${l}`));
  }
  if (r.notes.length > 0) {
    heading("Notes");
    for (const n of r.notes) out.push(`  ${n}`);
  }
  const mandatory = mandatoryOf(r.findings).length;
  out.push(
    "",
    mandatory > 0
      ? style.red(
          style.bold(`FAIL: ${mandatory} mandatory policy violation${mandatory === 1 ? "" : "s"}.`),
        )
      : style.green(style.bold("PASS: no mandatory policy violation.")),
  );
  return `${out.join("\n")}\n`;
}

/** The JSON document of `--json`: everything in the report, and nothing secret. */
export function reportJson(r: PlanReport): Record<string, unknown> {
  return {
    project: r.project,
    stack: r.stack,
    program: r.program,
    config: r.config,
    passed: mandatoryOf(r.findings).length === 0,
    resources: r.resources.map((x) => ({
      urn: x.urn,
      type: x.type,
      name: x.name,
      parent: x.parent,
      custom: x.custom,
      inputs: maskSecrets(x.wireInputs),
    })),
    outputs: maskSecrets(r.outputs),
    records: r.records.map((x) => ({
      name: x.name,
      type: x.type,
      value: x.value,
      content: x.content,
      priority: x.priority,
      ttl: x.ttl,
      proxied: x.proxied,
      resource: x.resource,
      zone: r.zones.find((z) => z.records.includes(x))?.name,
      simulated: x.simulated,
    })),
    smtp: r.smtp,
    policyPack: r.policyPack,
    findings: {
      mandatory: mandatoryOf(r.findings),
      advisory: advisoryOf(r.findings),
    },
    deliverability: r.verdicts,
    providers: r.providers,
    notes: r.notes,
    timings: r.timings,
  };
}
