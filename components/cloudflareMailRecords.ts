import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { ReportAuthorization } from "../policies/core/dmarc";
import { SES_FEEDBACK_MX_PRIORITY } from "../policies/core/ses-regions";
import { quoteTxt } from "../policies/core/txt";
import {
  ArgumentError,
  inputStringArg,
  PublishedDnsRecord,
  TOKEN_PREFIX,
  validateFor,
} from "./common";
import {
  ApexSpfArgs,
  MAIL_RECORDS_ARGUMENTS,
  MailRecordsArgs,
  MailRecordsBackend,
  NormalizedMailRecordsArgs,
  validateMailRecordsArgs,
} from "./mailRecords";

/**
 * Cloudflare's TTL floor on Enterprise zones; other plans start at 60 and refuse 30..59 when the
 * record is created (@pulumi/cloudflare DnsRecord `ttl`).
 */
export const CLOUDFLARE_MIN_TTL_ENTERPRISE = 30;

/** What a Cloudflare DNS record id looks like: 32 hexadecimal characters. */
const CLOUDFLARE_RECORD_ID = /^[0-9a-f]{32}$/;

/**
 * Live Cloudflare records to adopt, each by its DNS record id (32 hexadecimal characters): the
 * component's record is registered with Pulumi's `import` option (`<zoneId>/<record id>`, the
 * import id @pulumi/cloudflare's DnsRecord documents), so its value replaces the live one in place.
 */
export interface CloudflareAdoptArgs {
  /** The id of the live SPF record at the domain, which `apexSpf` then replaces. Default: none. */
  spf?: string;
  /** The id of the live DMARC record at `_dmarc.<domain>`, which `dmarc` then replaces. Default: none. */
  dmarc?: string;
}

export interface CloudflareMailRecordsArgs extends MailRecordsArgs {
  /**
   * The Cloudflare zone id (a string or an Output). Adopting a live record (`adopt`) needs it as
   * a plain string.
   */
  zoneId: pulumi.Input<string>;
  /**
   * Publish an SPF record at the domain itself, merged with the existing one: `{ existing, add }`,
   * or the existing record as a string. The live record is replaced only when adopted
   * (`adopt.spf`); otherwise delete it before `pulumi up`. Default: none.
   */
  apexSpf?: ApexSpfArgs | string;
  /**
   * The live apex SPF and `_dmarc` records to take over, by their DNS record ids: the component's
   * records replace them in place instead of being published beside them (two SPF or two DMARC
   * records at one name void both). The `import` needs Pulumi CLI 3.174.0 or later. Default: none.
   */
  adopt?: CloudflareAdoptArgs;
  /**
   * TTL of every record in seconds: 1 (automatic), or 60..86400; 30..59 works on Enterprise zones
   * only (Cloudflare's DnsRecord `ttl`). Default: each record's own, 3600.
   */
  ttl?: number;
}

export interface NormalizedCloudflareMailRecordsArgs extends NormalizedMailRecordsArgs {
  zoneId: pulumi.Input<string>;
}

/** Every argument CloudflareMailRecords takes; any other key is refused. */
export const CLOUDFLARE_MAIL_RECORDS_ARGUMENTS: readonly (keyof CloudflareMailRecordsArgs)[] = [
  "zoneId",
  "zoneName",
  ...MAIL_RECORDS_ARGUMENTS,
];

/** What is Cloudflare's own in CloudflareMailRecords' checks. */
export const CLOUDFLARE_BACKEND: MailRecordsBackend = {
  className: "CloudflareMailRecords",
  arguments: CLOUDFLARE_MAIL_RECORDS_ARGUMENTS,
  resourceType: "cloudflare.DnsRecord",
  zoneId: (value) =>
    inputStringArg("zoneId", value, {
      pattern: /^\S+$/,
      shape: "a Cloudflare zone id",
      fix: "Give the zone's id (32 hexadecimal characters, on the zone's overview page in the Cloudflare dashboard).",
    }),
  ttl(argument, value, fix) {
    if (
      typeof value !== "number" ||
      !(
        value === 1 ||
        (Number.isInteger(value) && value >= CLOUDFLARE_MIN_TTL_ENTERPRISE && value <= 86400)
      )
    ) {
      throw new ArgumentError(
        argument,
        value,
        `Cloudflare accepts 1 (automatic) or 60 to 86400 seconds (from 30 on Enterprise zones). Fix: ${fix}`,
      );
    }
    return value;
  },
  apexRecordSet: false,
  adoption(argument, value) {
    if (value === undefined) return undefined;
    if (typeof value !== "string" || !CLOUDFLARE_RECORD_ID.test(value)) {
      throw new ArgumentError(
        argument,
        value,
        "it must be the id of the live Cloudflare DNS record, 32 lower-case hexadecimal characters (the API lists them: GET /zones/<zone id>/dns_records?type=TXT&name=<name>). Fix: Give that id, or leave it out to adopt nothing.",
      );
    }
    return value;
  },
  adoptExample: '{ spf: "372e67954025e0ba6aaa6d586b9e0b59" }',
  importId: (zoneId, _name, adopted) => `${zoneId}/${String(adopted)}`,
  plainZoneFix:
    "Pulumi's import option takes the live record's id (<zone id>/<record id>) as a plain string. Fix: Give zoneId as the zone's id, a plain string, or leave adopt out and delete the live records before pulumi up.",
  unadoptedSpf: (domain) =>
    `apexSpf.existing is the SPF record ${domain} publishes today, and this component publishes its own SPF record at ${domain}: unless the live record goes, the domain has two SPF records, which receivers treat as a permerror for all of its mail. Adopt the live record (adopt: { spf: "<its DNS record id>" }), so the merged value replaces it in place, or delete it before pulumi up.`,
};

/**
 * Checks every argument for type and shape and returns every record to publish; throws
 * ArgumentError naming the bad argument.
 */
export function validateCloudflareMailRecordsArgs(
  args: CloudflareMailRecordsArgs,
): NormalizedCloudflareMailRecordsArgs {
  const a = validateMailRecordsArgs(args, CLOUDFLARE_BACKEND);
  return { ...a, zoneId: a.zoneId! };
}

/**
 * Publishes mail records on Cloudflare: the records SesSender lists (DKIM, MAIL FROM MX and SPF),
 * DMARC at `_dmarc.<domain>`, and optionally an SPF record at the domain merged with the existing
 * one, adopting the live apex SPF and DMARC records when their ids are given. Every record is a
 * `cloudflare.DnsRecord` with `proxied: false` (a proxied CNAME breaks DKIM), TXT values quoted
 * and split into strings of at most 255 octets, and a comment saying mailguard manages it. TTL:
 * 3600 s unless `ttl` is given.
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
    for (const warning of a.warnings)
      void pulumi.log.warn(`CloudflareMailRecords "${name}": ${warning}`, this);

    const resources = a.records.map((r) => {
      const adopted = a.imports[r.key];
      return new cloudflare.DnsRecord(
        `${name}-${r.key}`,
        {
          zoneId: a.zoneId,
          name: r.name,
          type: r.type,
          content: r.type === "TXT" ? pulumi.output(r.content).apply(quoteTxt) : r.content,
          ttl: a.ttl ?? r.ttl,
          proxied: false,
          comment: `Managed by mailguard: ${r.purpose}`,
          ...(r.type === "MX" ? { priority: r.priority ?? SES_FEEDBACK_MX_PRIORITY } : {}),
        },
        adopted === undefined ? { parent: this } : { parent: this, import: adopted },
      );
    });

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
