import { SpfResolver, SpfVoidType, bareName, isSpfRecord } from "../core";
import { NameIndex, StackRecord, mxHostOf, recordUnknownField } from "./dns";
import { VALUE_FIELDS } from "./record-policy";
import { UnknownField } from "./region";
import { StackItem } from "./report";

/** The record types SPF evaluation asks the stack for. */
export type StackDnsType = "TXT" | "A" | "AAAA" | "MX" | "PTR";

/** What the stack's own records tell about one name and type. */
export interface StackAnswer {
  /**
   * - `found`: records of the stack answer (TXT values joined, MX exchange hosts);
   * - `void`: the name lies in a zone the stack declares and has no such record (NXDOMAIN or no
   *   data), so a receiver's lookup finds nothing;
   * - `unknown`: the stack cannot tell (a name outside its declared zones, a delegated or
   *   wildcard name, the same name in two record sets that disagree, or a value unknown during
   *   preview).
   */
  status: "found" | "void" | "unknown";
  values: string[];
  /** A field unknown during preview that could change this answer. */
  uncertain?: UnknownField;
}

export interface StackDnsOptions {
  /**
   * Answer a name from records whose names are relative to a zone the stack does not declare,
   * when the stack's records sit in a single such zone ({@link NameIndex}'s loose match). A
   * policy that reports a record as missing trusts such a match; one that reports what a
   * record's answer breaks does not.
   */
  loose: boolean;
}

/** CNAME hops followed within the stack before a name counts as unknown (RFC 1034 chains). */
const MAX_CNAME_HOPS = 8;
const UNKNOWN_ZONE = "(unknown zone)";

/** A record whose name (or zone) is unknown during preview: it may stand at any name of its zone. */
interface Unplaced {
  type?: string;
  field: UnknownField;
}

/**
 * The DNS answers a stack's own records give, indexed once: a name costs the labels it has, and
 * each name and type is worked out once per stack. Names that the stack's declared zones hold but
 * its records do not are void (what a receiver finds there); anything else the stack does not
 * publish is unknown, never taken as an answer.
 */
export class StackDns {
  private readonly index: NameIndex<StackItem>;
  /** Declared zone names and their ids. */
  private readonly zoneIds = new Map<string, string[]>();
  /** Names below a declared zone's apex with NS records: delegated elsewhere. */
  private readonly delegated = new Set<string>();
  /** `X` for each `*.X` record: names below X may be answered by the wildcard. */
  private readonly wildcards = new Set<string>();
  /** By zone id (or unknown zone): records that may stand at any name of that zone. */
  private readonly unplaced = new Map<string, Unplaced[]>();
  private readonly memo = new Map<string, StackAnswer>();

  constructor(
    records: readonly StackRecord<StackItem>[],
    zones: ReadonlyMap<string, string>,
    private readonly options: StackDnsOptions,
  ) {
    for (const [id, name] of zones) {
      this.zoneIds.set(name, [...(this.zoneIds.get(name) ?? []), id]);
    }
    this.index = new NameIndex(records);
    for (const r of records) {
      const zoneField = recordUnknownField(r, ["zoneId"]);
      const nameField = recordUnknownField(r, ["name"]);
      if (zoneField !== undefined || nameField !== undefined) {
        const key = zoneField === undefined ? (r.view.zoneId ?? UNKNOWN_ZONE) : UNKNOWN_ZONE;
        const list = this.unplaced.get(key) ?? [];
        list.push({ type: r.view.type, field: (nameField ?? zoneField) as UnknownField });
        this.unplaced.set(key, list);
      }
      if (r.fqdn === undefined || !r.zoneKnown) {
        continue;
      }
      if (r.view.type === "NS" && !this.zoneIds.has(r.fqdn)) {
        this.delegated.add(r.fqdn);
      }
      if (r.fqdn.startsWith("*.")) {
        this.wildcards.add(r.fqdn.slice(2));
      }
    }
  }

  /** The stack's answer for `name` and `type`. */
  answer(name: string, type: StackDnsType): StackAnswer {
    return this.lookup(bareName(name), type, 0);
  }

  private lookup(name: string, type: StackDnsType, hops: number): StackAnswer {
    const key = `${type} ${name}`;
    let answer = this.memo.get(key);
    if (answer === undefined) {
      // Set first: a CNAME loop inside the stack meets this entry and is unknown.
      this.memo.set(key, { status: "unknown", values: [] });
      answer = this.compute(name, type, hops);
      this.memo.set(key, answer);
    }
    return answer;
  }

  private compute(name: string, type: StackDnsType, hops: number): StackAnswer {
    const match = this.index.find(name);
    if (match !== undefined && match.ambiguous) {
      return { status: "unknown", values: [] };
    }
    const all = match?.records ?? [];
    const here = this.options.loose ? all : all.filter((r) => r.fqdn === name);
    if (here.length < all.length) {
      // Names relative to an undeclared zone may stand for this one: the stack cannot tell.
      return { status: "unknown", values: [] };
    }
    let uncertain: UnknownField | undefined;
    for (const r of here) {
      const relevant = r.view.type === undefined || r.view.type === type || r.view.type === "CNAME";
      uncertain ??= relevant ? recordUnknownField(r, VALUE_FIELDS) : undefined;
    }
    const cname = here.find((r) => r.view.type === "CNAME" && r.view.values.length > 0);
    if (cname !== undefined) {
      if (hops >= MAX_CNAME_HOPS) {
        return { status: "unknown", values: [], uncertain };
      }
      const next = this.lookup(bareName(cname.view.values[0]), type, hops + 1);
      return { ...next, uncertain: uncertain ?? next.uncertain };
    }
    const typed = here.filter((r) => r.view.type === type);
    const sets = new Map<string, string[]>();
    for (const r of typed) {
      const set = `${r.view.provider} ${r.view.zoneId ?? UNKNOWN_ZONE}`;
      const values = r.view.values.map((v) => (type === "MX" ? mxHostOf(v) : v.trim()));
      sets.set(set, [...(sets.get(set) ?? []), ...values]);
    }
    for (const r of here) {
      uncertain ??= this.unplacedIn(r.view.zoneId ?? UNKNOWN_ZONE, type, false);
    }
    const answers = [...sets.values()];
    if (answers.length > 1) {
      // The same name in two zones (a migration): which one receivers see is not in the stack.
      const first = JSON.stringify([...answers[0]].sort());
      if (answers.some((a) => JSON.stringify([...a].sort()) !== first)) {
        return { status: "unknown", values: [], uncertain };
      }
    }
    const values = answers[0] ?? [];
    if (values.length > 0) {
      return { status: "found", values, uncertain };
    }
    return this.absent(name, type, uncertain);
  }

  /**
   * The ids of the declared zone that holds `name`, when the stack decides what is there: no
   * delegation (NS) or wildcard between the name and the zone's apex.
   */
  private zoneOf(name: string): string[] | undefined {
    const labels = name.split(".");
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join(".");
      if (this.delegated.has(suffix) || (i > 0 && this.wildcards.has(suffix))) {
        return undefined;
      }
      const ids = this.zoneIds.get(suffix);
      if (ids !== undefined) {
        return ids;
      }
    }
    return undefined;
  }

  /**
   * Whether the stack decides what `name` holds: it lies in a zone the stack declares, so a record
   * the stack does not publish there does not exist.
   */
  decides(name: string): boolean {
    return this.zoneOf(bareName(name)) !== undefined;
  }

  /** A name without records of `type` in the stack: void when a declared zone holds it. */
  private absent(
    name: string,
    type: StackDnsType,
    uncertain: UnknownField | undefined,
  ): StackAnswer {
    const ids = this.zoneOf(name);
    if (ids === undefined) {
      return { status: "unknown", values: [], uncertain };
    }
    const field =
      uncertain ??
      ids.map((id) => this.unplacedIn(id, type, true)).find((f) => f !== undefined) ??
      this.unplacedIn(UNKNOWN_ZONE, type, true);
    return field === undefined
      ? { status: "void", values: [] }
      : { status: "unknown", values: [], uncertain: field };
  }

  /** A record of the zone that may stand at any name there and hold `type` (or a CNAME). */
  private unplacedIn(zone: string, type: StackDnsType, orCname: boolean): UnknownField | undefined {
    return this.unplaced
      .get(zone)
      ?.find((u) => u.type === undefined || u.type === type || (orCname && u.type === "CNAME"))
      ?.field;
  }
}

/** For one evaluation: a name answered with given TXT values instead of the stack's. */
export interface TxtOverride {
  name: string;
  values: readonly string[];
}

/**
 * An RFC 7208 resolver backed by a stack's records ({@link StackDns}), for the core's `checkHost`.
 * Names the stack cannot answer get `outsideTxt(name)` for TXT and nothing for other types, which
 * is not counted as a void lookup; names the stack decides to be empty are void. It records the
 * names it could not answer and the preview-unknown fields its answers depended on. One instance
 * per evaluation.
 */
export class StackSpfResolver implements SpfResolver {
  /** Fields unknown during preview that could change an answer given, first met first. */
  readonly uncertain: UnknownField[] = [];
  /** Names whose TXT records the stack could not answer, in the order asked. */
  readonly unknownNames: string[] = [];

  constructor(
    private readonly dns: StackDns,
    private readonly outsideTxt: (name: string) => string[],
    private readonly override?: TxtOverride,
  ) {}

  private ask(name: string, type: StackDnsType): StackAnswer {
    const answer = this.dns.answer(name, type);
    if (answer.uncertain !== undefined) {
      this.uncertain.push(answer.uncertain);
    }
    if (type === "TXT" && answer.status === "unknown") {
      this.noteUnknown(name);
    }
    return answer;
  }

  private noteUnknown(name: string): void {
    if (!this.unknownNames.includes(bareName(name))) {
      this.unknownNames.push(bareName(name));
    }
  }

  txt(name: string): string[] {
    if (this.override !== undefined && bareName(name) === this.override.name) {
      return [...this.override.values];
    }
    const answer = this.ask(name, "TXT");
    if (answer.status === "unknown") {
      return this.outsideTxt(bareName(name));
    }
    if (!answer.values.some(isSpfRecord) && !this.dns.decides(name)) {
      // Other TXT records in a zone the stack does not declare: an SPF record may stand beside them.
      this.noteUnknown(name);
      return this.outsideTxt(bareName(name));
    }
    return answer.values;
  }

  a(name: string): string[] {
    return this.ask(name, "A").values;
  }

  aaaa(name: string): string[] {
    return this.ask(name, "AAAA").values;
  }

  mx(name: string): string[] {
    return this.ask(name, "MX").values;
  }

  ptr(name: string): string[] {
    return this.ask(name, "PTR").values;
  }

  /**
   * Void only where the stack decides. An address lookup is void only when the name has neither
   * A nor AAAA records: receivers that query both (mailauth) do not count a name of the other
   * family, so only then does every receiver count it.
   */
  isVoid(name: string, type: SpfVoidType): boolean {
    if (type === "A" || type === "AAAA") {
      return (
        this.dns.answer(name, "A").status === "void" &&
        this.dns.answer(name, "AAAA").status === "void"
      );
    }
    return this.dns.answer(name, type).status === "void";
  }
}
