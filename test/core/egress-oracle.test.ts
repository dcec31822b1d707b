/**
 * Property-based tests: judgeEgress against a brute-force oracle on random rules of every resource
 * shape, and egressRulesOf/judgeEgress on arbitrary input.
 *
 * The oracle shares no code with the implementation. Rules are generated from a model whose meaning
 * is known (each protocol spelling carries its kind, each port whether it is valid, each CIDR its
 * integer range), rendered into resource properties, and judged by definition:
 * - an `UNKNOWN` stands for every value the provider accepts; the oracle enumerates a finite set of
 *   witnesses for it that reaches every possible outcome (see `portCandidates`, `cidrWitnesses`);
 * - a concrete rule allows when its protocol is all, or TCP with a port range that holds a judged
 *   port, found by scanning ports 0..65535 one by one, and some destination is not exempted;
 * - a destination range is exempted when every address of it lies in an allowed range, checked at
 *   the only addresses where coverage can first fail (see `coveredByUnion`);
 * - a value that cannot be judged makes that concrete rule undecided unless the rest decides it.
 * The expected status is "allows" (or "clear") when every substitution allows (clears), else
 * "undecided".
 */
import * as fc from "fast-check";
import { egressRulesOf, EgressOptions, judgeEgress } from "../../policies/core/egress";
import { UNKNOWN } from "../../policies/core/finding";
import { propertyRuns } from "../helpers/properties";

type Family = "ipv4" | "ipv6";
interface Range {
  family: Family;
  first: bigint;
  last: bigint;
}
const BITS: Record<Family, number> = { ipv4: 32, ipv6: 128 };
const FULL: Record<Family, Range> = {
  ipv4: { family: "ipv4", first: 0n, last: (1n << 32n) - 1n },
  ipv6: { family: "ipv6", first: 0n, last: (1n << 128n) - 1n },
};

// ---------------------------------------------------------------------------------------------
// Address ranges: generation, rendering in several spellings, and the coverage oracle.

function renderIpv4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => ((n >> s) & 255n).toString()).join(".");
}

function ipv6Groups(n: bigint): number[] {
  return [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => Number((n >> s) & 0xffffn));
}

type V6Style = "full" | "padded" | "compressed" | "upper" | "embedded";

function renderIpv6(n: bigint, style: V6Style): string {
  const groups = ipv6Groups(n);
  if (style === "full") return groups.map((g) => g.toString(16)).join(":");
  if (style === "padded") return groups.map((g) => g.toString(16).padStart(4, "0")).join(":");
  if (style === "embedded") {
    return `${groups
      .slice(0, 6)
      .map((g) => g.toString(16))
      .join(":")}:${renderIpv4(n & 0xffffffffn)}`;
  }
  // Compress the longest run of zero groups (length >= 2) into "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
  }
  const hex = groups.map((g) => g.toString(16));
  const text =
    best < 0
      ? hex.join(":")
      : `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
  return style === "upper" ? text.toUpperCase() : text;
}

interface Cidr {
  range: Range;
  text: string;
}

const V4_ANCHORS = [0x0a000000n, 0xc0a80000n, 0n, 0x80000000n, 0xcb007100n];
const V6_ANCHORS = [0n, 0x20010db8n << 96n, 0xfe80n << 112n, 0xffffn << 32n];
const V4_PREFIXES = [0, 1, 2, 7, 8, 9, 15, 16, 17, 23, 24, 25, 30, 31, 32];
const V6_PREFIXES = [0, 1, 3, 16, 31, 32, 33, 47, 48, 64, 95, 96, 104, 127, 128];

/** Ranges clustered around a few anchors so that they overlap, nest and abut. */
function cidrArb(family: Family): fc.Arbitrary<Cidr> {
  const bits = BITS[family];
  const anchors = family === "ipv4" ? V4_ANCHORS : V6_ANCHORS;
  const prefixes = family === "ipv4" ? V4_PREFIXES : V6_PREFIXES;
  const shifts = family === "ipv4" ? [0n, 8n, 16n] : [0n, 32n, 64n, 80n];
  return fc
    .record({
      anchor: fc.constantFrom(...anchors),
      offset: fc.integer({ min: 0, max: 0xffff }),
      shift: fc.constantFrom(...shifts),
      prefix: fc.constantFrom(...prefixes),
      hostBits: fc.boolean(),
      bare: fc.boolean(),
      style: fc.constantFrom<V6Style>("full", "padded", "compressed", "upper", "embedded"),
    })
    .map(({ anchor, offset, shift, prefix, hostBits, bare, style }) => {
      const max = (1n << BigInt(bits)) - 1n;
      const address = (anchor ^ (BigInt(offset) << shift)) & max;
      const size = 1n << BigInt(bits - prefix);
      const first = (address / size) * size;
      const last = first + size - 1n;
      // Written with host bits set, the range is still the network the prefix names.
      const written = hostBits ? address : first;
      const addr = family === "ipv4" ? renderIpv4(written) : renderIpv6(written, style);
      const text = bare && prefix === bits ? addr : `${addr}/${prefix}`;
      return { range: { family, first, last }, text };
    });
}

/**
 * True when every address of `d` lies in some allowed range of its family. If some address of `d`
 * is uncovered, the lowest uncovered one is either `d.first` or directly follows the end of an
 * allowed range (its predecessor is covered, it is not); so checking those candidates is exact.
 */
function coveredByUnion(d: Range, allowed: readonly Range[]): boolean {
  const same = allowed.filter((a) => a.family === d.family);
  const inSome = (x: bigint) => same.some((a) => a.first <= x && x <= a.last);
  const candidates = [d.first, ...same.map((a) => a.last + 1n)].filter(
    (x) => d.first <= x && x <= d.last,
  );
  return candidates.every(inSome);
}

// ---------------------------------------------------------------------------------------------
// Protocols and ports.

type ProtocolKind = "all" | "tcp" | "other" | "invalid" | "unknown";
const PROTOCOLS: [unknown, ProtocolKind][] = [
  ["-1", "all"],
  [-1, "all"],
  ["all", "all"],
  ["ALL", "all"],
  ["aLl", "all"],
  ["tcp", "tcp"],
  ["TCP", "tcp"],
  [6, "tcp"],
  ["6", "tcp"],
  ["udp", "other"],
  [17, "other"],
  ["17", "other"],
  ["icmp", "other"],
  ["ICMPv6", "other"],
  ["esp", "other"],
  [58, "other"],
  ["0", "other"],
  [255, "other"],
  ["tpc", "invalid"],
  [256, "invalid"],
  [undefined, "invalid"],
  [UNKNOWN, "unknown"],
];

type PortModel =
  | { kind: "valid"; n: number; raw: unknown }
  | { kind: "unknown"; raw: unknown }
  | { kind: "invalid"; raw: unknown };

const INTERESTING_PORTS = [0, 1, 24, 25, 26, 465, 587, 1024, 65534, 65535];

const portArb: fc.Arbitrary<PortModel> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .constantFrom(...INTERESTING_PORTS)
      .map((n) => ({ kind: "valid" as const, n, raw: n })),
  },
  {
    weight: 2,
    arbitrary: fc
      .integer({ min: 0, max: 65535 })
      .map((n) => ({ kind: "valid" as const, n, raw: n })),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(...INTERESTING_PORTS)
      .map((n) => ({ kind: "valid" as const, n, raw: String(n) })),
  },
  { weight: 2, arbitrary: fc.constant({ kind: "unknown" as const, raw: UNKNOWN }) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom<unknown>(undefined, null, -1, 65536, 2.5, "x", "")
      .map((raw) => ({ kind: "invalid" as const, raw })),
  },
);

/** At least one port: an empty ports option is refused (see checkEgressOptions). */
const judgedPortsArb = fc.uniqueArray(
  fc.oneof(fc.constantFrom(...INTERESTING_PORTS), fc.integer({ min: 0, max: 65535 })),
  { minLength: 1, maxLength: 3 },
);

/** Values an unknown port may take that reach every outcome: the judged ports, their neighbours, the ends. */
function portCandidates(judged: readonly number[], other: PortModel): number[] {
  const c = new Set<number>([0, 65535]);
  for (const p of judged) [p - 1, p, p + 1].forEach((x) => c.add(x));
  if (other.kind === "valid") [other.n - 1, other.n, other.n + 1].forEach((x) => c.add(x));
  return [...c].filter((x) => x >= 0 && x <= 65535);
}

/** Scans every port: does from..to hold one of the judged ports? */
function rangeHoldsJudgedPort(
  from: number,
  to: number,
  judged: ReadonlySet<number>,
  cache: Map<string, boolean>,
): boolean {
  const key = `${from}-${to}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let holds = false;
  for (let q = 0; q <= 65535; q++) {
    if (from <= q && q <= to && judged.has(q)) {
      holds = true;
      break;
    }
  }
  cache.set(key, holds);
  return holds;
}

type Outcome = "yes" | "no" | "invalid";

/** Every outcome of "does the rule carry TCP to a judged port" over all substitutions. */
function carryOutcomes(
  protocol: ProtocolKind,
  from: PortModel,
  to: PortModel,
  judged: readonly number[],
): Set<Outcome> {
  const out = new Set<Outcome>();
  const judgedSet = new Set(judged);
  const cache = new Map<string, boolean>();
  const kinds: ProtocolKind[] = protocol === "unknown" ? ["all", "tcp", "other"] : [protocol];
  for (const kind of kinds) {
    if (kind === "other") out.add("no");
    else if (kind === "invalid") out.add(judged.length === 0 ? "no" : "invalid");
    else if (kind === "all") out.add(judged.length > 0 ? "yes" : "no");
    else if (from.kind === "invalid" || to.kind === "invalid")
      out.add(judged.length === 0 ? "no" : "invalid");
    else if (from.kind === "valid" && to.kind === "valid" && from.n > to.n)
      out.add(judged.length === 0 ? "no" : "invalid");
    else {
      const froms = from.kind === "valid" ? [from.n] : portCandidates(judged, to);
      const tos = to.kind === "valid" ? [to.n] : portCandidates(judged, from);
      for (const f of froms) {
        for (const t of tos) {
          // Unknown ports stand only for values the provider accepts: from <= to.
          if (f > t) continue;
          out.add(rangeHoldsJudgedPort(f, t, judgedSet, cache) ? "yes" : "no");
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Destinations.

type DestModel =
  | { kind: "cidr"; cidr: Cidr }
  | { kind: "cidr-invalid"; text: string }
  | { kind: "cidr-unknown" }
  | { kind: "sg" | "pl"; id: string }
  | { kind: "sg-unknown" | "pl-unknown" };

interface Allow {
  cidrs: Cidr[];
  sgs: string[];
  pls: string[];
  self: boolean;
}

function destArb(family: Family, idKind?: "sg" | "pl"): fc.Arbitrary<DestModel> {
  if (idKind !== undefined) {
    return fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .constantFrom(`${idKind}-a`, `${idKind}-b`, `${idKind}-c`)
          .map((id) => ({ kind: idKind, id })),
      },
      { weight: 1, arbitrary: fc.constant({ kind: `${idKind}-unknown` as const }) },
    );
  }
  return fc.oneof(
    { weight: 8, arbitrary: cidrArb(family).map((cidr) => ({ kind: "cidr" as const, cidr })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom("10.1/16", "garbage", "", "1.2.3.4/33", "::/129")
        .map((text) => ({ kind: "cidr-invalid" as const, text })),
    },
    { weight: 1, arbitrary: fc.constant({ kind: "cidr-unknown" as const }) },
  );
}

function destRaw(d: DestModel): string {
  switch (d.kind) {
    case "cidr":
      return d.cidr.text;
    case "cidr-invalid":
      return d.text;
    case "sg":
    case "pl":
      return d.id;
    default:
      return UNKNOWN;
  }
}

/** Every outcome of one destination: offending ("yes"), exempt ("no"), or unjudgeable. */
function destOutcomes(d: DestModel, allow: Allow): Set<Outcome> {
  const allowedRanges = allow.cidrs.map((c) => c.range);
  switch (d.kind) {
    case "cidr":
      return new Set([coveredByUnion(d.cidr.range, allowedRanges) ? "no" : "yes"]);
    case "cidr-invalid":
      return new Set(["invalid"]);
    case "cidr-unknown":
      // Witnesses: each allowed range itself (exempt if any is), and each family's whole space
      // (offending if any range is).
      return new Set(
        [...allowedRanges, FULL.ipv4, FULL.ipv6].map((r) =>
          coveredByUnion(r, allowedRanges) ? "no" : "yes",
        ),
      );
    case "sg":
      return new Set([allow.sgs.includes(d.id) ? "no" : "yes"]);
    case "pl":
      return new Set([allow.pls.includes(d.id) ? "no" : "yes"]);
    case "sg-unknown":
    case "pl-unknown": {
      const listed = d.kind === "sg-unknown" ? allow.sgs : allow.pls;
      return new Set<Outcome>(listed.length > 0 ? ["yes", "no"] : ["yes"]);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Rules of every shape, with the fields that may legitimately be named when undecided.

type ListValue = DestModel[] | "unknown" | null;
type Shape = "sg" | "default-sg" | "sg-rule" | "vpc" | "native-sg" | "native-egress";

interface RuleModel {
  shape: Shape;
  protocol: [unknown, ProtocolKind];
  from: PortModel;
  to: PortModel;
  v4: ListValue;
  v6: ListValue;
  sgs: ListValue;
  pls: ListValue;
  self: true | false | "unknown" | undefined;
  typeUnknown: boolean;
}

const listArb = (
  family: Family,
  maxLength: number,
  wholeUnknown: boolean,
  idKind?: "sg" | "pl",
): fc.Arbitrary<ListValue> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.array(destArb(family, idKind), { maxLength }) },
    { weight: wholeUnknown ? 1 : 0, arbitrary: fc.constant<ListValue>("unknown") },
    { weight: 1, arbitrary: fc.constant<ListValue>(null) },
  );

const ruleArb: fc.Arbitrary<RuleModel> = fc
  .constantFrom<Shape>("sg", "default-sg", "sg-rule", "vpc", "native-sg", "native-egress")
  .chain((shape) => {
    const lists = shape === "sg" || shape === "default-sg" || shape === "sg-rule";
    const max = lists ? 3 : 1;
    return fc.record({
      shape: fc.constant(shape),
      protocol: fc.constantFrom(...PROTOCOLS),
      from: portArb,
      to: portArb,
      v4: listArb("ipv4", max, lists),
      v6: listArb("ipv6", max, lists),
      sgs: listArb(
        "ipv4",
        shape === "sg-rule" ? 1 : max,
        shape === "sg" || shape === "default-sg",
        "sg",
      ),
      pls: listArb("ipv4", max, lists, "pl"),
      self: lists
        ? fc.constantFrom<RuleModel["self"]>(true, false, "unknown", undefined)
        : fc.constant(undefined),
      typeUnknown: shape === "sg-rule" ? fc.boolean() : fc.constant(false),
    });
  });

interface Rendered {
  type: string;
  props: Record<string, unknown>;
  /** Fields that hold an unknown or unjudgeable value. */
  doubtful: Set<string>;
  /** Known destinations that are certainly offending, as printed. */
  offending: Set<string>;
}

const TYPES: Record<Shape, string> = {
  sg: "aws:ec2/securityGroup:SecurityGroup",
  "default-sg": "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  "sg-rule": "aws:ec2/securityGroupRule:SecurityGroupRule",
  vpc: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  "native-sg": "aws-native:ec2:SecurityGroup",
  "native-egress": "aws-native:ec2:SecurityGroupEgress",
};

function render(m: RuleModel, allow: Allow): Rendered {
  const native = m.shape === "vpc" || m.shape === "native-sg" || m.shape === "native-egress";
  const prefix =
    m.shape === "sg" || m.shape === "default-sg"
      ? "egress[0]."
      : m.shape === "native-sg"
        ? "securityGroupEgress[0]."
        : "";
  const names: Record<"v4" | "v6" | "sgs" | "pls", string> =
    m.shape === "vpc"
      ? { v4: "cidrIpv4", v6: "cidrIpv6", sgs: "referencedSecurityGroupId", pls: "prefixListId" }
      : native
        ? {
            v4: "cidrIp",
            v6: "cidrIpv6",
            sgs: "destinationSecurityGroupId",
            pls: "destinationPrefixListId",
          }
        : {
            v4: "cidrBlocks",
            v6: "ipv6CidrBlocks",
            sgs: m.shape === "sg-rule" ? "sourceSecurityGroupId" : "securityGroups",
            pls: "prefixListIds",
          };
  const entry: Record<string, unknown> = {
    [native ? "ipProtocol" : "protocol"]: m.protocol[0],
    fromPort: m.from.raw,
    toPort: m.to.raw,
  };
  const doubtful = new Set<string>();
  const offending = new Set<string>();
  const protocolField = `${prefix}${native ? "ipProtocol" : "protocol"}`;
  if (m.protocol[1] === "unknown" || m.protocol[1] === "invalid") doubtful.add(protocolField);
  if (m.from.kind !== "valid") doubtful.add(`${prefix}fromPort`);
  if (m.to.kind !== "valid") doubtful.add(`${prefix}toPort`);
  if (m.from.kind === "valid" && m.to.kind === "valid" && m.from.n > m.to.n)
    doubtful.add(`${prefix}fromPort`);
  for (const key of ["v4", "v6", "sgs", "pls"] as const) {
    const value = m[key];
    const isSingle = native || (m.shape === "sg-rule" && key === "sgs");
    const field = `${prefix}${names[key]}`;
    if (value === null) continue;
    if (value === "unknown") {
      entry[names[key]] = UNKNOWN;
      doubtful.add(field);
      continue;
    }
    if (isSingle) {
      if (value.length > 0) entry[names[key]] = destRaw(value[0]);
    } else {
      entry[names[key]] = value.map(destRaw);
    }
    const used = isSingle ? value.slice(0, 1) : value;
    used.forEach((d, i) => {
      const f = isSingle ? field : `${field}[${i}]`;
      if (d.kind === "cidr-invalid" || d.kind.endsWith("-unknown")) doubtful.add(f);
      if (
        destOutcomes(d, allow).size === 1 &&
        destOutcomes(d, allow).has("yes") &&
        !d.kind.endsWith("-unknown")
      ) {
        offending.add(destRaw(d));
      }
    });
  }
  if (m.self !== undefined) {
    entry.self = m.self === "unknown" ? UNKNOWN : m.self;
    if (m.self === "unknown") doubtful.add(`${prefix}self`);
    if (m.self === true && !allow.self) offending.add("self");
  }
  let props: Record<string, unknown>;
  if (m.shape === "sg" || m.shape === "default-sg") props = { egress: [entry] };
  else if (m.shape === "native-sg") props = { securityGroupEgress: [entry] };
  else if (m.shape === "sg-rule") props = { ...entry, type: m.typeUnknown ? UNKNOWN : "egress" };
  else props = entry;
  if (m.typeUnknown) doubtful.add("type");
  return { type: TYPES[m.shape], props, doubtful, offending };
}

/** A single-valued field holding "" is unset: provider state writes unset strings so. */
function isSet(d: DestModel): boolean {
  return !(d.kind === "cidr-invalid" && d.text === "");
}

/** Every outcome of "is some destination of the rule offending" over all substitutions. */
function reachOutcomes(m: RuleModel, allow: Allow): Set<Outcome> {
  const native = m.shape === "vpc" || m.shape === "native-sg" || m.shape === "native-egress";
  const perDestination: Set<Outcome>[] = [];
  for (const key of ["v4", "v6", "sgs", "pls"] as const) {
    const value = m[key];
    if (value === null) continue;
    if (value === "unknown") {
      // A whole list unknown: empty, or holding one witness of its kind.
      const witness: DestModel =
        key === "sgs"
          ? { kind: "sg-unknown" }
          : key === "pls"
            ? { kind: "pl-unknown" }
            : { kind: "cidr-unknown" };
      perDestination.push(new Set<Outcome>(["no", ...destOutcomes(witness, allow)]));
      continue;
    }
    const isSingle = native || (m.shape === "sg-rule" && key === "sgs");
    for (const d of isSingle ? value.slice(0, 1).filter(isSet) : value) {
      perDestination.push(destOutcomes(d, allow));
    }
  }
  if (m.self === true) perDestination.push(new Set([allow.self ? "no" : "yes"]));
  if (m.self === "unknown")
    perDestination.push(new Set<Outcome>(allow.self ? ["no"] : ["no", "yes"]));
  // Enumerate every combination; the rule reaches an offending destination if any one is.
  let combos = new Set<Outcome>(["no"]);
  for (const options of perDestination) {
    const next = new Set<Outcome>();
    for (const acc of combos) {
      for (const o of options) {
        next.add(
          acc === "yes" || o === "yes"
            ? "yes"
            : acc === "invalid" || o === "invalid"
              ? "invalid"
              : "no",
        );
      }
    }
    combos = next;
  }
  return combos;
}

function expectedStatus(
  m: RuleModel,
  allow: Allow,
  judged: readonly number[],
): "allows" | "clear" | "undecided" {
  const verdicts = new Set<string>();
  const carry = carryOutcomes(m.protocol[1], m.from, m.to, judged);
  const reach = reachOutcomes(m, allow);
  for (const isEgress of m.typeUnknown ? [true, false] : [true]) {
    for (const c of carry) {
      for (const r of reach) {
        if (!isEgress || c === "no" || r === "no") verdicts.add("clear");
        else if (c === "yes" && r === "yes") verdicts.add("allows");
        else verdicts.add("undecided");
      }
    }
  }
  if (verdicts.size === 1 && !verdicts.has("undecided"))
    return verdicts.has("allows") ? "allows" : "clear";
  return "undecided";
}

/** Whole address spaces, so that allowlists sometimes cover everything of one or both families. */
const wholeSpaceArb = fc.subarray<Cidr>([
  { range: FULL.ipv4, text: "0.0.0.0/0" },
  { range: FULL.ipv6, text: "::/0" },
]);

const allowArb: fc.Arbitrary<Allow> = fc.record({
  cidrs: fc
    .tuple(
      fc.array(fc.oneof(cidrArb("ipv4"), cidrArb("ipv6")), { maxLength: 4 }),
      fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: wholeSpaceArb }),
    )
    .map(([some, whole]) => [...some, ...whole]),
  sgs: fc.subarray(["sg-a", "sg-b"]),
  pls: fc.subarray(["pl-a", "pl-b"]),
  self: fc.boolean(),
});

function optionsOf(allow: Allow, judged: number[]): EgressOptions {
  return {
    ports: judged,
    allowedDestinations: [
      ...allow.cidrs.map((c) => c.text),
      ...allow.sgs,
      ...allow.pls,
      ...(allow.self ? ["self"] : []),
    ],
  };
}

describe("judgeEgress against a brute-force oracle", () => {
  it("agrees with the oracle on random rules, judged ports and allowlists", () => {
    fc.assert(
      fc.property(ruleArb, allowArb, judgedPortsArb, (m, allow, judged) => {
        const r = render(m, allow);
        const rules = egressRulesOf(r.type, r.props);
        expect(rules).toHaveLength(1);
        const verdict = judgeEgress(rules[0], optionsOf(allow, judged));
        const expected = expectedStatus(m, allow, judged);
        expect(verdict.status).toBe(expected);
        if (verdict.status === "allows") {
          expect(judged).toContain(verdict.port);
          expect(verdict.findings.map((f) => f.code)).toEqual(["egress-allows-port"]);
          for (const d of r.offending) expect(verdict.destinations).toContain(d);
          for (const d of verdict.destinations) {
            expect(r.offending.has(d) || d.endsWith("(not known yet)")).toBe(true);
          }
        } else if (verdict.status === "undecided") {
          expect(verdict.field).toBeDefined();
          expect(r.doubtful).toContain(verdict.field);
          expect(verdict.findings).toHaveLength(1);
          expect(verdict.findings[0].severity).toBe("error");
        } else {
          expect(verdict.findings).toEqual([]);
        }
      }),
      propertyRuns(3000),
    );
  });

  it("draws rules that reach every verdict, exempted ranges and unknowns often enough to matter", () => {
    const samples = fc.sample(fc.tuple(ruleArb, allowArb, judgedPortsArb), propertyRuns(3000));
    const count = { allows: 0, clear: 0, undecided: 0, exempted: 0, partlyCovered: 0 };
    for (const [m, allow, judged] of samples) {
      count[expectedStatus(m, allow, judged)]++;
      const ranges = allow.cidrs.map((c) => c.range);
      for (const list of [m.v4, m.v6]) {
        if (!Array.isArray(list)) continue;
        for (const d of list) {
          if (d.kind !== "cidr") continue;
          if (coveredByUnion(d.cidr.range, ranges)) count.exempted++;
          else if (
            ranges.some(
              (r) =>
                r.family === d.cidr.range.family &&
                r.first <= d.cidr.range.last &&
                d.cidr.range.first <= r.last,
            )
          ) {
            count.partlyCovered++;
          }
        }
      }
    }
    for (const key of Object.keys(count) as (keyof typeof count)[]) {
      expect(count[key]).toBeGreaterThan(150);
    }
  });

  it("agrees with address-by-address enumeration of a /24 world", () => {
    // Every range lies in 10.0.0.0/23; coverage is decided by visiting each address.
    const world = fc
      .record({
        prefix: fc.integer({ min: 23, max: 32 }),
        offset: fc.integer({ min: 0, max: 511 }),
      })
      .map(({ prefix, offset }) => {
        const size = 2 ** (32 - prefix);
        const first = Math.floor(offset / size) * size;
        return {
          first,
          last: first + size - 1,
          text: `10.0.${first >> 8}.${first & 255}/${prefix}`,
        };
      });
    fc.assert(
      fc.property(world, fc.array(world, { maxLength: 5 }), (dest, allowed) => {
        let covered = true;
        for (let a = dest.first; a <= dest.last; a++) {
          if (!allowed.some((r) => r.first <= a && a <= r.last)) covered = false;
        }
        const [rule] = egressRulesOf("aws:ec2/securityGroup:SecurityGroup", {
          egress: [{ protocol: "tcp", fromPort: 25, toPort: 25, cidrBlocks: [dest.text] }],
        });
        const verdict = judgeEgress(rule, { allowedDestinations: allowed.map((r) => r.text) });
        expect(verdict.status).toBe(covered ? "clear" : "allows");
      }),
      propertyRuns(2000),
    );
  });
});

describe("egressRulesOf and judgeEgress on arbitrary input", () => {
  const types = [...Object.values(TYPES), "aws:ec2/instance:Instance"];
  const anyRule = fc.anything({
    withNullPrototype: true,
    withBigInt: true,
    withDate: true,
    withSparseArray: true,
  });

  it("never throw, whatever the properties hold", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...types),
        fc.dictionary(
          fc.constantFrom(
            "egress",
            "securityGroupEgress",
            "type",
            "protocol",
            "ipProtocol",
            "fromPort",
            "toPort",
            "cidrBlocks",
            "cidrIp",
            "cidrIpv4",
            "self",
            "securityGroups",
          ),
          fc.oneof(
            anyRule,
            fc.constant(UNKNOWN),
            fc.array(fc.oneof(anyRule, fc.constant(UNKNOWN))),
          ),
        ),
        (type, props) => {
          for (const rule of egressRulesOf(type, props)) {
            const v = judgeEgress(rule, { allowedDestinations: ["10.0.0.0/8", "sg-a"] });
            expect(["allows", "clear", "undecided"]).toContain(v.status);
          }
        },
      ),
      propertyRuns(2000),
    );
  });

  it("never throw on props that are not even an object", () => {
    fc.assert(
      fc.property(fc.constantFrom(...types), anyRule, (type, props) => {
        const rules = egressRulesOf(type, props as Record<string, unknown>);
        rules.forEach((rule) => judgeEgress(rule));
        expect(Array.isArray(rules)).toBe(true);
      }),
      propertyRuns(1000),
    );
  });
});
