import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ReportAuthorization } from "../policies/core/dmarc";
import { SES_FEEDBACK_MX_PRIORITY } from "../policies/core/ses-regions";
import { joinRoute53Txt, quoteTxt, route53Txt } from "../policies/core/txt";
import {
  ArgumentError,
  inputStringArg,
  MailDnsRecord,
  orPlaceholder,
  PublishedDnsRecord,
  TOKEN_PREFIX,
  validateFor,
} from "./common";
import {
  ApexSpfArgs,
  dnsName,
  MAIL_RECORDS_ARGUMENTS,
  MailRecordsArgs,
  MailRecordsBackend,
  NormalizedMailRecordsArgs,
  validateMailRecordsArgs,
} from "./mailRecords";

/** The largest TTL Route53 takes, in seconds (a 32-bit signed integer); it has no automatic TTL. */
export const ROUTE53_MAX_TTL = 2147483647;

/** What a Route53 hosted zone id looks like: upper-case letters and digits (`Z0123456789ABC`). */
const ROUTE53_ZONE_ID = /^[A-Z0-9]{1,32}$/;

/**
 * The apex SPF on Route53, which keeps every TXT value of a name in one record set: `existing`
 * may list every value the live apex record set holds (the SPF value and, say, a site
 * verification); the SPF value is merged, every other value kept in the set.
 */
export interface Route53ApexSpfArgs extends Omit<ApexSpfArgs, "existing"> {
  /**
   * The SPF value the domain publishes today, or every value of the live TXT record set at the
   * domain (the joined text of each, at most one of them an SPF record). Values that are not SPF
   * are published again, unchanged, in the same record set. Default: none.
   */
  existing?: string | string[];
}

/**
 * Live Route53 record sets to adopt: a record set is named by zone, name and type, so `true` is
 * all it takes; the import id `<zoneId>_<name>_TXT` (the id @pulumi/aws's route53.Record
 * documents) is derived.
 */
export interface Route53AdoptArgs {
  /**
   * Adopt the live TXT record set at the domain: the component's set (the merged SPF and every
   * other value listed in `apexSpf.existing`) replaces it in place. Default: false.
   */
  spf?: boolean;
  /** Adopt the live TXT record set at `_dmarc.<domain>`, which `dmarc` then replaces. Default: false. */
  dmarc?: boolean;
}

export interface Route53MailRecordsArgs extends MailRecordsArgs {
  /**
   * The hosted zone id (a string or an Output), such as `Z0123456789ABCDEFGHIJ`. Adopting a live
   * record set (`adopt`) needs it as a plain string. Default: looked up by `zoneName`.
   */
  zoneId?: pulumi.Input<string>;
  /**
   * The zone's name: every record must lie in it, and without `zoneId` the public hosted zone of
   * that name is looked up (`aws.route53.getZone`, `privateZone: false`). One of `zoneId` and
   * `zoneName` is required.
   */
  zoneName?: string;
  /**
   * Publish an SPF record at the domain itself, merged with the existing one: `{ existing, add }`,
   * or the existing record as a string. The live record set is replaced only when adopted
   * (`adopt.spf`); otherwise creating the component's fails while it exists. Default: none.
   */
  apexSpf?: Route53ApexSpfArgs | string;
  /**
   * The live TXT record sets to take over at the domain and at `_dmarc.<domain>`: the component's
   * sets replace them in place (Pulumi's `import` option, which needs Pulumi CLI 3.174.0 or
   * later). `allowOverwrite` is never set. Default: none.
   */
  adopt?: Route53AdoptArgs;
  /** TTL of every record set in seconds, 0..2147483647. Default: each record's own, 3600. */
  ttl?: number;
}

/** Every argument Route53MailRecords takes; any other key is refused. */
export const ROUTE53_MAIL_RECORDS_ARGUMENTS: readonly (keyof Route53MailRecordsArgs)[] = [
  "zoneId",
  "zoneName",
  ...MAIL_RECORDS_ARGUMENTS,
];

/** What is Route53's own in Route53MailRecords' checks. */
export const ROUTE53_BACKEND: MailRecordsBackend = {
  className: "Route53MailRecords",
  arguments: ROUTE53_MAIL_RECORDS_ARGUMENTS,
  resourceType: "aws.route53.Record",
  zoneId(value, zoneName) {
    if (value === undefined) {
      if (zoneName !== undefined) return undefined;
      throw new ArgumentError(
        "zoneId",
        value,
        "Route53MailRecords needs the hosted zone the records go into. Fix: Give zoneId (such as Z0123456789ABCDEFGHIJ, in the hosted zone details of the Route53 console), or zoneName to look the public zone up by name.",
      );
    }
    return inputStringArg("zoneId", value, {
      pattern: ROUTE53_ZONE_ID,
      shape: "a Route53 hosted zone id",
      fix: "Give the hosted zone's id, such as Z0123456789ABCDEFGHIJ (without /hostedzone/), or leave it out and give zoneName to look the zone up.",
    });
  },
  ttl(argument, value, fix) {
    if (
      typeof value !== "number" ||
      !Number.isInteger(value) ||
      value < 0 ||
      value > ROUTE53_MAX_TTL
    ) {
      throw new ArgumentError(
        argument,
        value,
        `Route53 accepts a whole number of seconds from 0 to ${ROUTE53_MAX_TTL} (it has no automatic TTL). Fix: ${fix}`,
      );
    }
    return value;
  },
  apexRecordSet: true,
  adoption(argument, value) {
    if (value === undefined || value === false) return undefined;
    if (value !== true) {
      throw new ArgumentError(
        argument,
        value,
        "it must be true or false: Route53 names a record set by zone, name and type, so the import id (<zone id>_<name>_TXT) is derived. Fix: Pass true to adopt the live record set, or leave it out.",
      );
    }
    return true;
  },
  adoptExample: "{ spf: true }",
  importId: (zoneId, name) => `${zoneId}_${name}_TXT`,
  plainZoneFix:
    "Pulumi's import option takes the live record set's id (<zone id>_<name>_TXT) as a plain string. Fix: Give zoneId, the hosted zone's id as a plain string, or leave adopt out and delete the live record sets before pulumi up.",
  unadoptedSpf: (domain) =>
    `apexSpf.existing is what ${domain} publishes today, and Route53 keeps every TXT value of a name in one record set: while the live set exists, creating the component's fails. Adopt it (adopt: { spf: true }, with every value it holds listed in apexSpf.existing, which are kept), so the merged set replaces it in place, or delete it before pulumi up.`,
  checkRecord(at, record) {
    if (record.type === "TXT" && typeof record.content === "string" && /"/.test(record.content)) {
      throw new ArgumentError(
        `${at}${at.startsWith("records[") ? ".content" : ""}`,
        record.content,
        'a Route53 TXT value cannot hold a double quote: the AWS provider puts each value in quotes itself and Route53 reads "" inside it as the boundary between two strings. Fix: Give the value as DNS presents it, without quotes; the component splits long values itself.',
      );
    }
  },
};

/** One `aws.route53.Record`: every record of one name and type. */
export interface Route53RecordSet {
  /** The key of the record the set is named after: `spf` or `dmarc` if it holds one, else its first. */
  key: string;
  name: pulumi.Input<string>;
  type: MailDnsRecord["type"];
  ttl: number;
  /** The values as Route53 takes them: TXT split with `""`, MX as `<priority> <host>`. */
  records: pulumi.Input<string>[];
  /** The import id of the live record set it adopts, if any. */
  import?: string;
}

export interface NormalizedRoute53MailRecordsArgs extends NormalizedMailRecordsArgs {
  /** The records grouped into the record sets Route53 keeps. */
  sets: Route53RecordSet[];
}

function route53Value(r: MailDnsRecord): pulumi.Input<string> {
  if (r.type === "TXT") {
    return typeof r.content === "string"
      ? route53Txt(r.content)
      : pulumi.output(r.content).apply(route53Txt);
  }
  if (r.type === "MX") {
    const priority = r.priority ?? SES_FEEDBACK_MX_PRIORITY;
    return typeof r.content === "string"
      ? `${priority} ${r.content}`
      : pulumi.interpolate`${priority} ${r.content}`;
  }
  return r.content;
}

/**
 * The records as Route53 record sets: records of one name (known) and type are one set, with one
 * TTL; a record whose name is an Output is a set of its own. Throws when the records of one set
 * have different TTLs and `ttl` does not set them all.
 */
function recordSets(a: NormalizedMailRecordsArgs, userRecords: number): Route53RecordSet[] {
  const groups = new Map<string, { indices: number[]; records: MailDnsRecord[] }>();
  a.records.forEach((r, i) => {
    const id = typeof r.name === "string" ? `${dnsName(r.name)} ${r.type}` : `key ${r.key}`;
    const group = groups.get(id) ?? { indices: [], records: [] };
    group.indices.push(i);
    group.records.push(r);
    groups.set(id, group);
  });
  const source = (i: number) => {
    if (i < userRecords) return `records[${i}]`;
    const key = a.records[i].key;
    return key === "dmarc"
      ? "the DMARC record (dmarc)"
      : key === "spf"
        ? "the apex SPF (apexSpf)"
        : "a value kept from apexSpf.existing";
  };
  return [...groups.values()].map(({ indices, records }) => {
    const first = records[0];
    if (a.ttl === undefined) {
      const other = records.findIndex((r) => r.ttl !== first.ttl);
      if (other >= 0) {
        const [i, j] = indices[other] < userRecords ? [other, 0] : [0, other];
        throw new ArgumentError(
          `${source(indices[i])}.ttl`,
          records[i].ttl,
          `${dnsName(first.name as string)} ${first.type} is one record set on Route53, with one TTL, and ${source(indices[j])} in it has TTL ${records[j].ttl}. Fix: Give the records of one name and type the same TTL, or set ttl for all.`,
        );
      }
    }
    const named = records.find((r) => r.key === "spf" || r.key === "dmarc") ?? first;
    const adopted = records.map((r) => a.imports[r.key]).find((id) => id !== undefined);
    return {
      key: named.key,
      name: typeof first.name === "string" ? dnsName(first.name) : first.name,
      type: first.type,
      ttl: a.ttl ?? first.ttl,
      records: records.map(route53Value),
      ...(adopted !== undefined ? { import: adopted } : {}),
    };
  });
}

/**
 * Checks every argument for type and shape and returns every record to publish, grouped into
 * Route53 record sets; throws ArgumentError naming the bad argument.
 */
export function validateRoute53MailRecordsArgs(
  args: Route53MailRecordsArgs,
): NormalizedRoute53MailRecordsArgs {
  const a = validateMailRecordsArgs(args, ROUTE53_BACKEND);
  const userRecords = Array.isArray(args.records) ? args.records.length : 0;
  return { ...a, sets: recordSets(a, userRecords) };
}

/** A record set's values as published records, in the shape CloudflareMailRecords outputs. */
function published(
  name: string,
  type: string,
  ttl: number | undefined,
  values: string[] | undefined,
): PublishedDnsRecord[] {
  return (values ?? []).map((value) => {
    const mx = type === "MX" ? /^\s*(\d+)\s+(\S+)\s*$/.exec(value) : null;
    return {
      name,
      type,
      content: type === "TXT" ? quoteTxt(joinRoute53Txt(value)) : mx !== null ? mx[2] : value,
      ttl: ttl ?? 0,
      ...(mx !== null ? { priority: Number(mx[1]) } : {}),
      proxied: false,
    };
  });
}

/**
 * Publishes mail records in a Route53 hosted zone, with the same contract as
 * CloudflareMailRecords: the records SesSender lists, DMARC at `_dmarc.<domain>`, optionally an SPF
 * record at the domain merged with the existing one, and the adoption of the live apex and
 * `_dmarc` TXT record sets. Route53 keeps every value of a name and type in one record set, so
 * each is one `aws.route53.Record` (the MAIL FROM name holds two: its MX and its TXT); TXT values
 * are split into strings of at most 255 octets with `""` between them, MX values are
 * `<priority> <host>`. The zone is `zoneId`, or the public zone named `zoneName`. TTL: 3600 s
 * unless `ttl` is given. `allowOverwrite` is never set: a live record set is adopted or deleted.
 */
export class Route53MailRecords extends pulumi.ComponentResource {
  /** The records published (resolved values), one per value, as CloudflareMailRecords lists them. */
  readonly records: pulumi.Output<PublishedDnsRecord[]>;
  /** The hosted zone id the records are in (given, or looked up by name). */
  readonly zoneId: pulumi.Output<string>;
  /**
   * Records that report destinations outside the domain must publish in their own zone
   * (`<domain>._report._dmarc.<destination>` TXT `v=DMARC1;`); not created here.
   */
  readonly reportAuthorizations: ReportAuthorization[];

  constructor(name: string, args: Route53MailRecordsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${TOKEN_PREFIX}Route53MailRecords`, name, {}, opts);
    const a = validateFor("Route53MailRecords", name, this, () =>
      validateRoute53MailRecordsArgs(args),
    );
    for (const warning of a.warnings)
      void pulumi.log.warn(`Route53MailRecords "${name}": ${warning}`, this);

    // Minimal test mocks return no zone: a placeholder then stands where the id belongs.
    this.zoneId =
      a.zoneId !== undefined
        ? pulumi.output(a.zoneId)
        : aws.route53
            .getZoneOutput({ name: a.zoneName!, privateZone: false }, { parent: this })
            .zoneId.apply((id) => orPlaceholder(id, "route53-zone-id"));

    const resources = a.sets.map(
      (set) =>
        new aws.route53.Record(
          `${name}-${set.key}`,
          {
            zoneId: a.zoneId ?? this.zoneId,
            name: set.name,
            type: set.type,
            ttl: set.ttl,
            records: set.records,
          },
          set.import === undefined ? { parent: this } : { parent: this, import: set.import },
        ),
    );

    this.records = pulumi
      .all(
        resources.map((res) =>
          pulumi
            .all([res.name, res.type, res.ttl, res.records])
            .apply(([n, type, ttl, values]) => published(n, type, ttl, values)),
        ),
      )
      .apply((sets) => sets.flat());
    this.reportAuthorizations = a.reportAuthorizations;
    this.registerOutputs({
      records: this.records,
      zoneId: this.zoneId,
      reportAuthorizations: this.reportAuthorizations,
    });
  }
}
