import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import {
  buildDmarc,
  checkDmarcOptions,
  DmarcOptions,
  externalReportDestinations,
  ReportAuthorization,
} from "../policies/core/dmarc";
import { checkDomainName, isSameOrSubdomain } from "../policies/core/domain";
import { mergeSpf, SpfOptions } from "../policies/core/spf";
import { quoteTxt } from "../policies/core/txt";
import {
  ArgumentError,
  DEFAULT_RECORD_TTL,
  domainArg,
  failOnErrors,
  MailDnsRecord,
  PublishedDnsRecord,
  TOKEN_PREFIX,
  validateFor,
} from "./common";

/**
 * Where aggregate reports go when the DMARC options leave `rua` undefined:
 * `mailto:dmarc-reports@<domain>`. A record without `rua=` leaves the owner blind to who sends as
 * the domain, so the default names a mailbox inside the domain, which needs no authorization
 * record. Create that mailbox or point `rua` at your report service; `rua: []` publishes none.
 */
export function defaultDmarcRua(domain: string): string[] {
  return [`mailto:dmarc-reports@${domain}`];
}

/**
 * The DMARC policy published when none is given: quarantine, relaxed DKIM and SPF alignment, and
 * aggregate reports to {@link defaultDmarcRua}.
 */
export function defaultDmarc(domain: string): DmarcOptions {
  return { p: "quarantine", adkim: "r", aspf: "r", rua: defaultDmarcRua(domain) };
}

/**
 * The DMARC options to publish: the default when none are given, else the given ones with `rua`
 * defaulted when it is undefined (an empty list stays empty and publishes no `rua=`).
 */
export function effectiveDmarc(domain: string, dmarc: DmarcOptions | undefined): DmarcOptions {
  if (dmarc === undefined) return defaultDmarc(domain);
  return dmarc.rua === undefined ? { ...dmarc, rua: defaultDmarcRua(domain) } : dmarc;
}

/** An SPF record for the domain itself, for senders other than SES. */
export interface ApexSpfArgs {
  /**
   * The SPF value the domain publishes today, if any (the joined TXT text). Its terms are kept and
   * ours added; the record this component publishes replaces it, so delete or import the old one.
   */
  existing?: string;
  /** Senders to add. Default: none (publishing `existing` as is, or `v=spf1 -all` without it). */
  add?: SpfOptions;
}

/**
 * Cloudflare's TTL floor on Enterprise zones; other plans start at 60 and refuse 30..59 when the
 * record is created (@pulumi/cloudflare DnsRecord `ttl`).
 */
export const CLOUDFLARE_MIN_TTL_ENTERPRISE = 30;

export interface CloudflareMailRecordsArgs {
  /** The Cloudflare zone id. */
  zoneId: pulumi.Input<string>;
  /** The zone's name; when given, every record must lie in it. Default: not checked. */
  zoneName?: string;
  /** The sending domain: the zone apex or any subdomain of the zone. */
  domain: string;
  /** Records to publish as they are, typically `SesSender.dnsRecords`. Default: none. */
  records?: MailDnsRecord[];
  /**
   * DMARC for `_dmarc.<domain>`; `false` publishes none. Default `p=quarantine` with relaxed
   * alignment and aggregate reports to `mailto:dmarc-reports@<domain>`. When the options leave
   * `rua` undefined, reports go to `mailto:dmarc-reports@<domain>` too: create that mailbox or
   * point `rua` at your report service; `rua: []` publishes none. Report addresses outside the
   * domain are listed in `reportAuthorizations`.
   */
  dmarc?: DmarcOptions | false;
  /** Publish an SPF record at the domain itself, merged with the existing one. Default: none. */
  apexSpf?: ApexSpfArgs;
  /**
   * TTL of every record in seconds: 1 (automatic), or 60..86400; 30..59 works on Enterprise zones
   * only (Cloudflare's DnsRecord `ttl`). Default: each record's own, 3600.
   */
  ttl?: number;
}

export interface NormalizedCloudflareMailRecordsArgs {
  domain: string;
  zoneName?: string;
  records: MailDnsRecord[];
  reportAuthorizations: ReportAuthorization[];
}

/** Checks the arguments and returns every record to publish; throws ArgumentError naming the bad argument. */
export function validateCloudflareMailRecordsArgs(
  args: CloudflareMailRecordsArgs,
): NormalizedCloudflareMailRecordsArgs {
  const domain = domainArg("domain", args.domain);
  let zoneName: string | undefined;
  if (args.zoneName !== undefined) {
    zoneName = domainArg("zoneName", args.zoneName);
    if (!isSameOrSubdomain(domain, zoneName)) {
      throw new ArgumentError(
        "domain",
        args.domain,
        `it is not in the zone ${zoneName}. Fix: Use the zone of the domain (or of a parent domain).`,
      );
    }
  }
  if (
    args.ttl !== undefined &&
    !(
      args.ttl === 1 ||
      (Number.isInteger(args.ttl) && args.ttl >= CLOUDFLARE_MIN_TTL_ENTERPRISE && args.ttl <= 86400)
    )
  ) {
    throw new ArgumentError(
      "ttl",
      args.ttl,
      "Cloudflare accepts 1 (automatic) or 60 to 86400 seconds (from 30 on Enterprise zones). Fix: Leave it out for 3600.",
    );
  }

  const records: MailDnsRecord[] = [...(args.records ?? [])];
  let reportAuthorizations: ReportAuthorization[] = [];
  if (args.dmarc !== false) {
    const dmarc = effectiveDmarc(domain, args.dmarc);
    failOnErrors("dmarc", args.dmarc ?? dmarc, checkDmarcOptions(dmarc));
    records.push({
      key: "dmarc",
      name: `_dmarc.${domain}`,
      type: "TXT",
      content: buildDmarc(dmarc),
      ttl: DEFAULT_RECORD_TTL,
      purpose: "DMARC policy",
    });
    reportAuthorizations = externalReportDestinations(domain, [
      ...(dmarc.rua ?? []),
      ...(dmarc.ruf ?? []),
    ]);
  }
  if (args.apexSpf !== undefined) {
    const merged = mergeSpf(args.apexSpf.existing, args.apexSpf.add ?? {});
    failOnErrors("apexSpf", args.apexSpf, merged.findings);
    if (merged.record === undefined) {
      throw new ArgumentError(
        "apexSpf",
        args.apexSpf,
        "no SPF record results. Fix: Check existing and add.",
      );
    }
    records.push({
      key: "spf",
      name: domain,
      type: "TXT",
      content: merged.record,
      ttl: DEFAULT_RECORD_TTL,
      purpose: "SPF of the domain",
    });
  }

  const keys = new Set<string>();
  records.forEach((r, i) => {
    if (keys.has(r.key)) {
      throw new ArgumentError(
        `records[${i}].key`,
        r.key,
        "another record has the same key. Fix: Give each record its own key.",
      );
    }
    keys.add(r.key);
    if (typeof r.name === "string") {
      const check = checkDomainName(r.name, { allowUnderscore: true });
      failOnErrors(`records[${i}].name`, r.name, check.findings);
      const zone = zoneName ?? domain;
      if (check.name === undefined || !isSameOrSubdomain(check.name, zone)) {
        throw new ArgumentError(
          `records[${i}].name`,
          r.name,
          `it is outside ${zone}. Fix: Publish records of the zone only.`,
        );
      }
    }
  });
  return { domain, zoneName, records, reportAuthorizations };
}

/**
 * Publishes mail records on Cloudflare: the records SesSender lists (DKIM, MAIL FROM MX and SPF),
 * DMARC at `_dmarc.<domain>`, and optionally an SPF record at the domain merged with the existing
 * one. Every record is a `cloudflare.DnsRecord` with `proxied: false` (a proxied CNAME breaks
 * DKIM), TXT values quoted and split into strings of at most 255 octets, and a comment saying
 * mailguard manages it. TTL: 3600 s unless `ttl` is given.
 */
export class CloudflareMailRecords extends pulumi.ComponentResource {
  /** The records published (resolved values). */
  readonly records: pulumi.Output<PublishedDnsRecord[]>;
  /**
   * Records that report destinations outside the domain must publish in their own zone
   * (`<domain>._report._dmarc.<destination>` TXT `v=DMARC1;`); not created here.
   */
  readonly reportAuthorizations: ReportAuthorization[];

  constructor(
    name: string,
    args: CloudflareMailRecordsArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(`${TOKEN_PREFIX}CloudflareMailRecords`, name, {}, opts);
    const a = validateFor("CloudflareMailRecords", name, this, () =>
      validateCloudflareMailRecordsArgs(args),
    );

    const resources = a.records.map(
      (r) =>
        new cloudflare.DnsRecord(
          `${name}-${r.key}`,
          {
            zoneId: args.zoneId,
            name: r.name,
            type: r.type,
            content: r.type === "TXT" ? pulumi.output(r.content).apply(quoteTxt) : r.content,
            ttl: args.ttl ?? r.ttl,
            proxied: false,
            comment: `Managed by mailguard: ${r.purpose}`,
            ...(r.type === "MX" ? { priority: r.priority ?? 10 } : {}),
          },
          { parent: this },
        ),
    );

    this.records = pulumi.all(
      resources.map((res) =>
        pulumi
          .all([res.name, res.type, res.content, res.ttl, res.priority, res.proxied])
          .apply(([n, type, content, ttl, priority, proxied]) => ({
            name: n,
            type,
            content: content ?? "",
            ttl,
            ...(priority !== undefined && priority !== null ? { priority } : {}),
            proxied: proxied ?? false,
          })),
      ),
    );
    this.reportAuthorizations = a.reportAuthorizations;
    this.registerOutputs({
      records: this.records,
      reportAuthorizations: this.reportAuthorizations,
    });
  }
}
