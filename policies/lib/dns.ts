import {
  Finding,
  TXT_STRING_MAX_OCTETS,
  checkTxtContent,
  finding,
  hasRegistrableDomain,
  isUnknown,
  joinRoute53Txt,
  joinTxt,
  organizationalDomain,
  oversizedTxtStrings,
} from "../core";
import { T } from "./types";
import { PlainProps, list, str } from "./props";

/**
 * One DNS record resource, whatever provider declared it: Cloudflare `Record` (provider 4 and 5,
 * `value` or `content`), Cloudflare `DnsRecord` (provider 5 and 6) or Route53 `Record` (several
 * values in `records`).
 */
export interface DnsRecordView {
  provider: "cloudflare" | "route53";
  /** The name as written, lower-case, without a trailing dot; may be relative to the zone or `@`. */
  name?: string;
  /** Upper-case record type (`TXT`, `CNAME`, `MX`, ...). */
  type?: string;
  zoneId?: string;
  /**
   * The record values: for TXT each value joined from its strings (what receivers parse); for
   * other types the content as written. A Route53 resource may hold several values; a Cloudflare
   * record holds one.
   */
  values: string[];
  /** Cloudflare only: whether proxying is on (`undefined` when not set, which means off). */
  proxied?: boolean;
  /** Cloudflare only: the `priority` of an MX record, which Cloudflare keeps apart from `content`. */
  priority?: number;
  /** Fields that held the unknown sentinel, e.g. `content`, `records[1]`, `proxied`. */
  unknownFields: string[];
  /**
   * TXT only: values written in a form no DNS server serves (an unterminated quote, a string over
   * 255 octets), each with the value as it stands in `values`.
   */
  txtProblems: TxtProblem[];
}

/** A TXT value as written that cannot be published as it is. */
export interface TxtProblem {
  /** The value as it stands in {@link DnsRecordView.values}. */
  value: string;
  finding: Finding;
}

function normalizeName(name: string): string {
  const n = name.trim().toLowerCase();
  return n.endsWith(".") ? n.slice(0, -1) : n;
}

/**
 * What stops a Route53 TXT value from being published: a value written quoted must be well-formed
 * quoted strings; otherwise each string between `""` boundaries holds at most 255 octets, or
 * Route53 rejects the record.
 */
function route53TxtFindings(value: string): Finding[] {
  if (value.trimStart().startsWith('"')) {
    return checkTxtContent(value);
  }
  return oversizedTxtStrings(value.split('""')).map(({ index, octets }) =>
    finding(
      "error",
      "txt-string-too-long",
      `TXT value ${JSON.stringify(value)} holds a string (number ${index + 1}) of ${octets} octets; a character-string holds at most ${TXT_STRING_MAX_OCTETS}, so Route53 rejects the record.`,
      'Split the value into strings of at most 255 octets with "" between them ("first part""second part").',
    ),
  );
}

/** The record view of a resource, or undefined when the type is not a DNS record resource. */
export function dnsRecordOf(type: string, props: PlainProps): DnsRecordView | undefined {
  const isCloudflare = type === T.cloudflareRecord || type === T.cloudflareDnsRecord;
  if (!isCloudflare && type !== T.route53Record) {
    return undefined;
  }
  const unknownFields: string[] = [];
  const field = (key: string): string | undefined => {
    const v = props[key];
    if (isUnknown(v)) {
      unknownFields.push(key);
      return undefined;
    }
    return str(v);
  };
  const rawName = field("name");
  const rawType = field("type");
  const zoneId = field("zoneId");
  const view: DnsRecordView = {
    provider: isCloudflare ? "cloudflare" : "route53",
    name: rawName === undefined ? undefined : normalizeName(rawName),
    type: rawType?.toUpperCase(),
    zoneId,
    values: [],
    unknownFields,
    txtProblems: [],
  };
  if (isCloudflare) {
    const key = props.content !== undefined && props.content !== null ? "content" : "value";
    const content = field(key);
    if (content !== undefined) {
      const value = view.type === "TXT" ? joinTxt(content) : content;
      view.values.push(value);
      if (view.type === "TXT") {
        for (const f of checkTxtContent(content)) {
          view.txtProblems.push({ value, finding: f });
        }
      }
    }
    const proxied = props.proxied;
    if (isUnknown(proxied)) {
      unknownFields.push("proxied");
    } else if (typeof proxied === "boolean") {
      view.proxied = proxied;
    }
    const priority = props.priority;
    if (isUnknown(priority)) {
      unknownFields.push("priority");
    } else if (typeof priority === "number") {
      view.priority = priority;
    }
  } else {
    const records = props.records;
    if (isUnknown(records)) {
      unknownFields.push("records");
    }
    list(isUnknown(records) ? undefined : records).forEach((r, i) => {
      if (isUnknown(r)) {
        unknownFields.push(`records[${i}]`);
      } else if (typeof r === "string") {
        const value = view.type === "TXT" ? joinRoute53Txt(r) : r;
        view.values.push(value);
        if (view.type === "TXT") {
          for (const f of route53TxtFindings(r)) {
            view.txtProblems.push({ value, finding: f });
          }
        }
      }
    });
  }
  return view;
}

/** The labels of a name, left to right. */
export function labelsOf(name: string): string[] {
  return name === "" || name === "@" ? [] : name.split(".");
}

/** Is this a `_dmarc` name (`_dmarc` alone when relative to the zone, or `_dmarc.<domain>`)? */
export function isDmarcName(name: string): boolean {
  return name === "_dmarc" || name.startsWith("_dmarc.");
}

/**
 * Is this a DKIM key name (`<selector>._domainkey[.<domain>]`)? A selector must stand before the
 * `_domainkey` label: `_domainkey.<domain>` itself held the DomainKeys policy (`o=~`), and
 * `_adsp._domainkey.<domain>` the ADSP policy (`dkim=all`, RFC 5617); neither is a key record.
 */
export function isDomainKeyName(name: string): boolean {
  const labels = labelsOf(name);
  const at = labels.indexOf("_domainkey");
  return at >= 1 && !(at === 1 && labels[0] === "_adsp");
}

/** Is this name under a `_domainkey` label (key records, and the old DomainKeys and ADSP policies)? */
export function isUnderDomainKey(name: string): boolean {
  return labelsOf(name).includes("_domainkey");
}

/**
 * Zone names by zone id, read once from the zones declared in the stack (Cloudflare `Zone` with
 * `name` (provider 5+) or `zone` (provider 4); Route53 `Zone` with `zoneId` or `id`). Used to turn
 * names relative to a zone into full names.
 */
export function zoneNamesOf(
  resources: readonly { type: string; props: PlainProps }[],
): Map<string, string> {
  const zones = new Map<string, string>();
  for (const r of resources) {
    if (r.type !== T.cloudflareZone && r.type !== T.route53Zone) {
      continue;
    }
    const name = str(r.props.name) ?? str(r.props.zone);
    if (name === undefined || isUnknown(name)) {
      continue;
    }
    for (const key of ["id", "zoneId"]) {
      const id = str(r.props[key]);
      if (id !== undefined && !isUnknown(id)) {
        zones.set(id, normalizeName(name));
      }
    }
  }
  return zones;
}

/**
 * The full name of a record: a name ending in its zone's name is full already; `@` is the zone;
 * anything else is relative to the zone. Without a known zone the name is taken as written.
 */
export function fqdnOf(
  view: DnsRecordView,
  zones: ReadonlyMap<string, string>,
): string | undefined {
  if (view.name === undefined) {
    return undefined;
  }
  const zone = view.zoneId === undefined ? undefined : zones.get(view.zoneId);
  if (zone === undefined) {
    return view.name === "@" ? undefined : view.name;
  }
  if (view.name === "@" || view.name === "") {
    return zone;
  }
  if (view.name === zone || view.name.endsWith(`.${zone}`)) {
    return view.name;
  }
  return `${view.name}.${zone}`;
}

/** A MX record's exchange host: Cloudflare puts the priority apart, Route53 writes `10 host`. */
export function mxHostOf(value: string): string {
  const parts = value.trim().split(/\s+/);
  return normalizeName(parts[parts.length - 1] ?? "");
}

/**
 * A MX record's priority: Cloudflare keeps it in `priority`, Route53 writes it first (`10 host`).
 * Undefined when the record does not say.
 */
export function mxPriorityOf(view: DnsRecordView, value: string): number | undefined {
  if (view.provider === "cloudflare") {
    return view.priority;
  }
  const first = value.trim().split(/\s+/);
  return first.length > 1 && /^\d+$/.test(first[0]) ? Number(first[0]) : undefined;
}

/** A DNS record resource of the stack, with its full name when it can be told. */
export interface StackRecord<I> {
  item: I;
  view: DnsRecordView;
  /** Full name: a name ending in a known zone, or relative to one; the name as written otherwise. */
  fqdn?: string;
  /** True when the stack declares the record's zone; otherwise its name may be relative to it. */
  zoneKnown: boolean;
  /**
   * Only for a zone the stack does not declare, when its records tell what the zone's name may be
   * (see {@link inferZoneApexes}): those names, deepest first. With one, the zone is taken to be it
   * and `fqdn` is resolved against it.
   */
  zoneApexes?: readonly string[];
  /** With several `zoneApexes` and a name relative to the zone: every name the record may stand at. */
  possibleNames?: readonly string[];
}

/** Stands for a zone id unknown during preview, which may be any zone. */
const UNKNOWN_ZONE = "(unknown zone)";

/** The name a record stands at in a zone named `apex` (see {@link fqdnOf}). */
function nameInZone(name: string, apex: string): string {
  if (name === "@" || name === "") {
    return apex;
  }
  return name === apex || name.endsWith(`.${apex}`) ? name : `${name}.${apex}`;
}

/** Does a record's name, written in a zone the stack does not declare, read as a full name? */
function looksFull(name: string | undefined): name is string {
  return name !== undefined && name !== "@" && name !== "" && hasRegistrableDomain(name);
}

/**
 * What the names of its own records tell about a zone the stack does not declare (its id comes
 * from config, say). A name that ends in a listed public suffix under a registrable domain is
 * taken as full (as {@link isNameResolved} does), and a full name stands in its zone or under it,
 * so the zone is named by a common suffix of the zone's full names, no shorter than a registrable
 * domain: `mail.tenant1.example.com` and `<token>._domainkey.tenant1.example.com` leave
 * `tenant1.example.com` and `example.com`. Among those, the deepest of `domains` (the SES
 * identity domains of the stack) is taken as the zone's name: a zone whose records all sit at or
 * under an identity's domain is that domain's zone. Zones without full names, or whose full names
 * share no registrable domain, get no entry. Linear in the records' labels.
 *
 * @returns for each such zone id, the names the zone may have, deepest first.
 */
export function inferZoneApexes(
  records: readonly StackRecord<unknown>[],
  domains: Iterable<string>,
): Map<string, string[]> {
  const suffixes = new Map<string, string[] | null>();
  for (const r of records) {
    const zoneId = r.view.zoneId;
    if (r.zoneKnown || zoneId === undefined || !looksFull(r.view.name)) {
      continue;
    }
    const labels = labelsOf(r.view.name);
    const common = suffixes.get(zoneId);
    if (common === undefined) {
      suffixes.set(zoneId, labels);
    } else if (common !== null) {
      // Keep the longest label suffix the names share.
      let n = 0;
      while (
        n < common.length &&
        n < labels.length &&
        common[common.length - 1 - n] === labels[labels.length - 1 - n]
      ) {
        n++;
      }
      suffixes.set(zoneId, n === 0 ? null : common.slice(common.length - n));
    }
  }
  const known = new Set([...domains].map((d) => d.toLowerCase().replace(/\.$/, "")));
  const apexes = new Map<string, string[]>();
  for (const [zoneId, labels] of suffixes) {
    if (labels === null) {
      continue;
    }
    const common = labels.join(".");
    if (!hasRegistrableDomain(common)) {
      continue;
    }
    const floor = labelsOf(organizationalDomain(common)).length;
    const candidates: string[] = [];
    for (let i = 0; labels.length - i >= floor; i++) {
      candidates.push(labels.slice(i).join("."));
    }
    const identity = candidates.find((c) => known.has(c));
    apexes.set(zoneId, identity === undefined ? candidates : [identity]);
  }
  return apexes;
}

/**
 * Every DNS record of the stack, with zones resolved once. With `domains` (the stack's SES identity
 * domains), the names of zones the stack does not declare are inferred from their records too
 * (see {@link inferZoneApexes}).
 */
export function stackRecordsOf<I extends { type: string; props: PlainProps }>(
  items: readonly I[],
  domains?: Iterable<string>,
): StackRecord<I>[] {
  const zones = zoneNamesOf(items);
  const out: StackRecord<I>[] = [];
  for (const item of items) {
    const view = dnsRecordOf(item.type, item.props);
    if (view !== undefined) {
      out.push({
        item,
        view,
        fqdn: fqdnOf(view, zones),
        zoneKnown: view.zoneId !== undefined && zones.has(view.zoneId),
      });
    }
  }
  if (domains === undefined) {
    return out;
  }
  const apexes = inferZoneApexes(out, domains);
  for (const r of out) {
    const candidates = r.view.zoneId === undefined ? undefined : apexes.get(r.view.zoneId);
    if (r.zoneKnown || candidates === undefined || r.view.name === undefined) {
      continue;
    }
    r.zoneApexes = candidates;
    if (candidates.length === 1) {
      r.fqdn = nameInZone(r.view.name, candidates[0]);
    } else if (!looksFull(r.view.name)) {
      r.possibleNames = candidates.map((c) => nameInZone(r.view.name as string, c));
    }
  }
  return out;
}

/** How a name was found in a {@link NameIndex}. */
export interface NameMatch<I> {
  /** The records found: at the full name, or else with names that may be short for it. */
  records: StackRecord<I>[];
  /**
   * True when no record stands at the name for certain and a record that may (a name relative to
   * an undeclared zone) cannot be placed: the stack's records sit in more than one undeclared zone
   * whose name it does not tell, or the record's zone may have several names.
   */
  ambiguous: boolean;
}

/** A {@link NameMatch} of at most a given number of records per name, with how many there are. */
export interface FirstMatches<I> extends NameMatch<I> {
  /** How many records were found in all. */
  total: number;
}

/**
 * The names records stand at, indexed once so that a stack policy asks "is there a record at this
 * name?" in time bounded by the name's labels. A record whose zone the stack does not declare may
 * have a name relative to that zone, so `_dmarc` and `_dmarc.mail` may stand at
 * `_dmarc.mail.example.com`; such a loose match is trusted only when the stack's records sit in a
 * single undeclared zone whose name they do not tell, and is reported as ambiguous otherwise. A
 * zone whose name its records tell (see {@link stackRecordsOf} with domains) places its records at
 * full names: at one for certain, or at each of a few, ambiguous.
 */
export class NameIndex<I> {
  private readonly full = new Map<string, StackRecord<I>[]>();
  private readonly possible = new Map<string, StackRecord<I>[]>();
  private readonly loose = new Map<string, StackRecord<I>[]>();
  private readonly undeclaredZones: number;

  /**
   * @param records every DNS record of the stack: their undeclared zones decide what is ambiguous.
   * @param include the records to index.
   */
  constructor(
    records: readonly StackRecord<I>[],
    include: (record: StackRecord<I>) => boolean = () => true,
  ) {
    const zones = new Set<string>();
    for (const r of records) {
      const placed = r.zoneKnown || r.zoneApexes !== undefined;
      if (!placed) {
        zones.add(r.view.zoneId ?? UNKNOWN_ZONE);
      }
      if (r.fqdn === undefined || !include(r)) {
        continue;
      }
      if (r.possibleNames !== undefined) {
        for (const name of r.possibleNames) {
          push(this.possible, name, r);
        }
        continue;
      }
      push(this.full, r.fqdn, r);
      if (!placed) {
        push(this.loose, r.fqdn, r);
      }
    }
    this.undeclaredZones = zones.size;
  }

  /** The records at `fqdn`, or that may be (every one of them). */
  find(fqdn: string): NameMatch<I> | undefined {
    const match = this.findFirst([fqdn], Infinity);
    return match === undefined ? undefined : { records: match.records, ambiguous: match.ambiguous };
  }

  /**
   * The records at the first of `fqdns` that has one for certain; else those that may stand at
   * any of them: at most `limit` for each name that matched (each name, and each shorter name a
   * relative record may stand for, counted once), with how many there are in all. What a message
   * needs, in time independent of how many records share a relative name.
   */
  findFirst(fqdns: readonly string[], limit: number): FirstMatches<I> | undefined {
    for (const fqdn of fqdns) {
      const exact = this.full.get(fqdn);
      if (exact !== undefined) {
        return { records: exact.slice(0, limit), total: exact.length, ambiguous: false };
      }
    }
    const records: StackRecord<I>[] = [];
    let total = 0;
    let ambiguous = false;
    const take = (list: StackRecord<I>[] | undefined): void => {
      if (list !== undefined) {
        total += list.length;
        records.push(...list.slice(0, limit));
      }
    };
    const looseKeys = new Set<string>();
    for (const fqdn of fqdns) {
      const possible = this.possible.get(fqdn);
      if (possible !== undefined) {
        ambiguous = true;
        take(possible);
      }
      for (let dot = fqdn.indexOf("."); dot >= 0; dot = fqdn.indexOf(".", dot + 1)) {
        looseKeys.add(fqdn.slice(0, dot));
      }
    }
    for (const key of this.loose.size > 0 ? looseKeys : []) {
      const list = this.loose.get(key);
      if (list !== undefined) {
        ambiguous ||= this.undeclaredZones > 1;
        take(list);
      }
    }
    return total === 0 ? undefined : { records, total, ambiguous };
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) {
    map.set(key, [value]);
  } else {
    list.push(value);
  }
}

/** `"name" in zone <id>`, how a message names a record whose zone the stack does not declare. */
export function looseRecordLabel(record: StackRecord<unknown>): string {
  return `"${record.view.name ?? ""}" in zone ${record.view.zoneId ?? "(unknown)"}`;
}

/**
 * Whether a record's full name can be told: its zone is declared in the stack or told by its
 * records, or the name ends in a listed public suffix under a registrable domain (`mail` alone may
 * be short for `mail.example.com`).
 */
export function isNameResolved(record: StackRecord<unknown>, name: string): boolean {
  if (record.zoneKnown || record.zoneApexes?.length === 1) {
    return true;
  }
  return hasRegistrableDomain(name);
}

/**
 * The first of the fields (or their elements) of a record that is unknown during preview, as the
 * properties and path a policy hands to the SDK (which reports the field it can't know).
 */
export function recordUnknownField(
  record: StackRecord<{ resource: { props: unknown } }>,
  fields: readonly string[],
): { props: unknown; path: (string | number)[] } | undefined {
  const field = record.view.unknownFields.find((f) =>
    fields.some((g) => f === g || f.startsWith(`${g}[`)),
  );
  return field === undefined
    ? undefined
    : { props: record.item.resource.props, path: fieldPath(field) };
}

/** `records[1]` -> `["records", 1]`, the path @pulumi/policy's proxy names. */
export function fieldPath(field: string): (string | number)[] {
  const path: (string | number)[] = [];
  for (const part of field.split(".")) {
    const m = /^([^[]+)((?:\[\d+\])*)$/.exec(part);
    if (m === null) {
      path.push(part);
      continue;
    }
    path.push(m[1]);
    for (const idx of (m[2] ?? "").matchAll(/\[(\d+)\]/g)) {
      path.push(Number(idx[1]));
    }
  }
  return path;
}
