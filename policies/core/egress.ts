/**
 * Port-25 exposure: does an egress rule let TCP reach a port (25 by default) at a destination that
 * is not exempted? AWS security groups have no deny rules, so "no egress on 25" means that no rule
 * allows it.
 *
 * `egressRulesOf` (egress-rules.ts) turns each resource shape into `EgressRule`s of raw values;
 * `judgeEgress` interprets them. A value Pulumi does not know during preview (`UNKNOWN`) may be any
 * value the provider accepts; a known value that cannot be judged (missing, reversed or
 * out-of-range ports, an unrecognised protocol, an unparsable CIDR) makes the rule "undecided"
 * unless the other fields already decide it: the judgement fails closed and names the field.
 */
import { Finding, finding, isUnknown } from "./finding";
import { IpRange, IpRangeSet, parseCidr } from "./egress-ip";
import { classifyEgressPort, classifyEgressProtocol, MAX_PORT, printValue } from "./egress-read";

export { egressRulesOf } from "./egress-rules";
export { classifyEgressPort, classifyEgressProtocol } from "./egress-read";
export type { EgressPort, EgressProtocol } from "./egress-read";

/**
 * Where traffic may go. `field`, when present, names the property the destination came from
 * (`egress[0].cidrBlocks[1]`); `value` is `UNKNOWN` when Pulumi does not know it yet, and then
 * stands for some valid destination of its kind.
 */
export type Destination = (
  | { kind: "cidr"; value: string }
  | { kind: "security-group"; value: string }
  | { kind: "prefix-list"; value: string }
  | { kind: "self" }
) & {
  field?: string;
  /**
   * True when the destination stands for a whole list (or a `self` flag) that is `UNKNOWN`: it may
   * add no destination at all, or destinations of its kind.
   */
  mayBeAbsent?: boolean;
};

/** The property names a rule's protocol and ports came from, for findings and verdicts. */
export interface EgressFieldNames {
  protocol: string;
  fromPort: string;
  toPort: string;
}

export interface EgressRule {
  /** Where the rule sits, e.g. `egress[1]`, or `""` for a rule resource. */
  path: string;
  protocol: unknown;
  fromPort: unknown;
  toPort: unknown;
  destinations: Destination[];
  /**
   * Fields that held `UNKNOWN`, e.g. `egress[0].cidrBlocks`. A field listed here that is neither a
   * protocol or port field nor carried by a destination (a whole rule unknown) may stand for any
   * destination; a field named `type` means the resource may not be an egress rule at all.
   */
  unknownFields: string[];
  /** Property names of protocol and ports; derived from `path` when absent. */
  fieldNames?: EgressFieldNames;
}

export interface EgressOptions {
  /** TCP ports no rule may allow; default `[25]`. */
  ports?: number[];
  /**
   * Exempted destinations: CIDRs (a destination range is exempt only when the union of the listed
   * ranges of its family covers all of it), `sg-...` and `pl-...` ids (exact, case-insensitive; a
   * group named rather than by id is never exempt), and `self` (the group itself is a destination
   * like any other, exempt only when `self` is listed).
   */
  allowedDestinations?: string[];
}

export interface EgressVerdict {
  status: "allows" | "clear" | "undecided";
  /** When `allows`: the first judged port the rule allows. */
  port?: number;
  /** When `allows`: every destination not exempted, printable. */
  destinations: string[];
  /** When `undecided`: the field that cannot be judged. */
  field?: string;
  findings: Finding[];
}

export const DEFAULT_EGRESS_PORTS: readonly number[] = [25];

/** Returns findings for text that does not parse as an IPv4/IPv6 CIDR or bare address. */
export function checkCidr(text: string): Finding[] {
  if (parseCidr(text) !== undefined) {
    return [];
  }
  return [
    finding(
      "error",
      "egress-invalid-cidr",
      `${JSON.stringify(text)} is not an IPv4 or IPv6 CIDR.`,
      "Write it as a.b.c.d/n (four decimal parts, n 0..32) or an IPv6 address/n (n 0..128), without spaces or zone ids.",
    ),
  ];
}

const SG_ID = /^(\d{12}\/)?sg-[0-9a-z]+$/i;

/**
 * A security group id as compared with the allowlist: lower case, without the `<account>/` prefix
 * that cross-account references carry (`123456789012/sg-0abc`), since group ids are unique across
 * accounts.
 */
function groupKey(id: string): string {
  return id.toLowerCase().replace(/^\d{12}\//, "");
}
const PL_ID = /^pl-[0-9a-z]+$/i;

/** Errors for an empty ports list, judged ports outside 0..65535 and allowlist entries that are not understood. */
export function checkEgressOptions(opts: EgressOptions = {}): Finding[] {
  const out: Finding[] = [];
  if (opts.ports !== undefined && opts.ports.length === 0) {
    out.push(
      finding(
        "error",
        "egress-empty-option-ports",
        "Option ports is empty, so no port would be judged and every rule would pass.",
        "Give at least one port, such as [25]; to stop judging egress, disable the policy instead.",
      ),
    );
  }
  for (const port of opts.ports ?? DEFAULT_EGRESS_PORTS) {
    if (!Number.isInteger(port) || port < 0 || port > MAX_PORT) {
      out.push(
        finding(
          "error",
          "egress-invalid-option-port",
          `Option ports holds ${printValue(port)}, which is not a TCP port.`,
          "Give whole numbers from 0 to 65535, such as 25.",
        ),
      );
    }
  }
  for (const entry of opts.allowedDestinations ?? []) {
    const ok =
      typeof entry === "string" &&
      (entry.toLowerCase() === "self" ||
        SG_ID.test(entry) ||
        PL_ID.test(entry) ||
        parseCidr(entry) !== undefined);
    if (!ok) {
      out.push(
        finding(
          "error",
          "egress-invalid-allowed-destination",
          `Option allowedDestinations holds ${printValue(entry)}, which is not a CIDR, a security group id, a prefix list id or "self".`,
          'Give entries such as "10.0.0.0/8", "2001:db8::/32", "sg-0123abcd", "pl-0123abcd" or "self".',
        ),
      );
    }
  }
  return out;
}

/** Three-valued answer: definitely, definitely not, or it depends on a field that cannot be judged. */
type Tri = "yes" | "no" | "maybe";

/** Why a part of the rule cannot be judged, for the verdict's field and finding. */
interface Doubt {
  field: string;
  code: string;
  message: string;
  fix: string;
}

function fieldNamesOf(rule: EgressRule): EgressFieldNames {
  if (rule.fieldNames !== undefined) return rule.fieldNames;
  const at = (name: string): string => (rule.path === "" ? name : `${rule.path}.${name}`);
  return { protocol: at("protocol"), fromPort: at("fromPort"), toPort: at("toPort") };
}

function unknownDoubt(field: string): Doubt {
  return {
    field,
    code: "egress-unknown-value",
    message: `${field} is not known until the update, and it decides whether the rule allows the port.`,
    fix: "Give it a known value, or judge the rule again once the value is known (fail closed).",
  };
}

interface Carry {
  state: Tri;
  /** When yes: the first judged port the rule carries. */
  port?: number;
  /** How the rule's protocol and ports read in a message. */
  describe: string;
  /** When yes: the rule is for all protocols, whose ports AWS ignores. */
  allProtocols?: boolean;
  doubt?: Doubt;
}

/** Whether the rule carries TCP to some judged port, from protocol and ports alone. */
function judgeCarry(rule: EgressRule, ports: readonly number[]): Carry {
  const names = fieldNamesOf(rule);
  const protocol = classifyEgressProtocol(rule.protocol);
  if (ports.length === 0) return { state: "no", describe: "" };
  switch (protocol.kind) {
    case "other":
      return { state: "no", describe: `protocol ${JSON.stringify(protocol.text)}` };
    case "all":
      return {
        state: "yes",
        port: ports[0],
        allProtocols: true,
        describe: `protocol ${JSON.stringify(protocol.text)} (all protocols and ports)`,
      };
    case "unknown":
      return { state: "maybe", describe: "", doubt: unknownDoubt(names.protocol) };
    case "invalid":
      return {
        state: "maybe",
        describe: "",
        doubt: {
          field: names.protocol,
          code: "egress-invalid-protocol",
          message: `${names.protocol} is ${printValue(rule.protocol)}, which is not a protocol the rule can be judged by.`,
          fix: 'Use "tcp", "udp", "icmp", "icmpv6", "ah", "esp", "-1" (all) or an IP protocol number 0..255.',
        },
      };
    case "tcp":
      return judgeTcpPorts(rule, names, protocol.text, ports);
  }
}

function judgeTcpPorts(
  rule: EgressRule,
  names: EgressFieldNames,
  protocolText: string,
  ports: readonly number[],
): Carry {
  const from = classifyEgressPort(rule.fromPort);
  const to = classifyEgressPort(rule.toPort);
  const invalidPort = (field: string, message: string): Carry => ({
    state: "maybe",
    describe: "",
    doubt: {
      field,
      code: "egress-invalid-port",
      message,
      fix: "Give fromPort and toPort as whole numbers 0..65535 with fromPort <= toPort.",
    },
  });
  if (from.kind === "invalid") {
    return invalidPort(names.fromPort, `${names.fromPort} of a TCP rule ${from.why}.`);
  }
  if (to.kind === "invalid") {
    return invalidPort(names.toPort, `${names.toPort} of a TCP rule ${to.why}.`);
  }
  if (from.kind === "known" && to.kind === "known") {
    if (from.value > to.value) {
      return invalidPort(
        names.fromPort,
        `${names.fromPort} ${from.value} is greater than ${names.toPort} ${to.value}.`,
      );
    }
    const port = ports.find((p) => from.value <= p && p <= to.value);
    const describe = `protocol ${JSON.stringify(protocolText)} ports ${from.value}..${to.value}`;
    return port === undefined ? { state: "no", describe } : { state: "yes", port, describe };
  }
  // Unknown ports stand for values the provider accepts: whole numbers 0..65535, from <= to.
  if (from.kind === "known") {
    // to is any of from..65535: a port below from is never covered, from itself always is.
    if (ports.includes(from.value)) {
      return {
        state: "yes",
        port: from.value,
        describe: `protocol ${JSON.stringify(protocolText)} ports ${from.value}..?`,
      };
    }
    if (ports.every((p) => p < from.value)) return { state: "no", describe: "" };
    return { state: "maybe", describe: "", doubt: unknownDoubt(names.toPort) };
  }
  if (to.kind === "known") {
    // from is any of 0..to.
    if (ports.includes(to.value)) {
      return {
        state: "yes",
        port: to.value,
        describe: `protocol ${JSON.stringify(protocolText)} ports ?..${to.value}`,
      };
    }
    if (ports.every((p) => p > to.value)) return { state: "no", describe: "" };
    return { state: "maybe", describe: "", doubt: unknownDoubt(names.fromPort) };
  }
  // Both unknown: only a port list holding every port is certainly hit.
  if (new Set(ports).size === MAX_PORT + 1) {
    return {
      state: "yes",
      port: ports[0],
      describe: `protocol ${JSON.stringify(protocolText)} ports ?..?`,
    };
  }
  return { state: "maybe", describe: "", doubt: unknownDoubt(names.fromPort) };
}

/** The allowlist, split by kind. */
interface Allowlist {
  ranges: IpRangeSet;
  hasRanges: boolean;
  groups: Set<string>;
  prefixLists: Set<string>;
  self: boolean;
}

function allowlistOf(entries: readonly string[]): Allowlist {
  const ranges: IpRange[] = [];
  const groups = new Set<string>();
  const prefixLists = new Set<string>();
  let self = false;
  for (const entry of entries) {
    const lower = entry.toLowerCase();
    if (lower === "self") self = true;
    else if (SG_ID.test(entry)) groups.add(groupKey(entry));
    else if (PL_ID.test(entry)) prefixLists.add(lower);
    else {
      const range = parseCidr(entry);
      if (range !== undefined) ranges.push(range);
    }
  }
  return {
    ranges: new IpRangeSet(ranges),
    hasRanges: ranges.length > 0,
    groups,
    prefixLists,
    self,
  };
}

function printable(d: Destination): string {
  return d.kind === "self" ? "self" : d.value;
}

function destinationFieldOf(rule: EgressRule, d: Destination): string {
  if (d.field !== undefined) return d.field;
  const base = rule.path === "" ? "" : `${rule.path}.`;
  return `${base}destinations(${d.kind === "self" ? "self" : d.kind})`;
}

interface Reach {
  state: Tri;
  offending: string[];
  doubt?: Doubt;
}

/** Whether one destination is offending (not exempted), and if that cannot be told, why. */
function judgeDestination(
  d: Destination,
  field: string,
  allow: Allowlist,
): { state: Tri; doubt?: Doubt } {
  let state: Tri;
  let doubt: Doubt | undefined;
  if (d.kind === "self") {
    state = allow.self ? "no" : "yes";
  } else if (isUnknown(d.value)) {
    // A destination of this kind, not known yet: it may be any valid one.
    let exemptPossible: boolean;
    let offendPossible = true;
    if (d.kind === "cidr") {
      exemptPossible = allow.hasRanges;
      offendPossible = !(allow.ranges.coversAll("ipv4") && allow.ranges.coversAll("ipv6"));
    } else {
      exemptPossible = (d.kind === "security-group" ? allow.groups : allow.prefixLists).size > 0;
    }
    state = !offendPossible ? "no" : exemptPossible ? "maybe" : "yes";
    doubt = unknownDoubt(field);
  } else if (d.kind === "cidr") {
    const range = parseCidr(d.value);
    if (range === undefined) {
      state = "maybe";
      doubt = {
        field,
        code: "egress-invalid-destination",
        message: `${field} is ${printValue(d.value)}, which is not an IPv4 or IPv6 CIDR.`,
        fix: "Write it as a.b.c.d/n or an IPv6 address/n.",
      };
    } else {
      state = allow.ranges.covers(range) ? "no" : "yes";
    }
  } else {
    const listed = d.kind === "security-group" ? allow.groups : allow.prefixLists;
    const key =
      typeof d.value !== "string"
        ? undefined
        : d.kind === "security-group"
          ? groupKey(d.value)
          : d.value.toLowerCase();
    state = key !== undefined && listed.has(key) ? "no" : "yes";
  }
  if (d.mayBeAbsent === true && state === "yes") {
    // An unknown list or flag may add nothing at all.
    return { state: "maybe", doubt: unknownDoubt(field) };
  }
  return { state, doubt };
}

/** Whether some destination of the rule is not exempted by the allowlist. */
function judgeDestinations(rule: EgressRule, allow: Allowlist): Reach {
  const offending: string[] = [];
  let doubt: Doubt | undefined;
  for (const d of rule.destinations) {
    const field = destinationFieldOf(rule, d);
    const judged = judgeDestination(d, field, allow);
    if (judged.state === "yes") {
      offending.push(
        d.kind !== "self" && isUnknown(d.value) ? `${field} (not known yet)` : printable(d),
      );
    } else if (judged.state === "maybe") {
      doubt ??= judged.doubt;
    }
  }
  const carried = new Set(rule.destinations.map((d) => d.field).filter((f) => f !== undefined));
  for (const field of rule.unknownFields) {
    if (carried.has(field) || isProtocolOrPortOrType(field, fieldNamesOf(rule))) continue;
    // An unknown field that no destination stands for (a whole rule unknown): anything may follow.
    doubt ??= unknownDoubt(field);
  }
  if (offending.length > 0) return { state: "yes", offending };
  if (doubt !== undefined) return { state: "maybe", offending, doubt };
  return { state: "no", offending };
}

function lastSegment(field: string): string {
  return field.slice(field.lastIndexOf(".") + 1);
}

const RULE_FIELDS = new Set(["protocol", "ipProtocol", "fromPort", "toPort", "type"]);

function isProtocolOrPortOrType(field: string, names: EgressFieldNames): boolean {
  if (field === names.protocol && field === names.fromPort && field === names.toPort) {
    return false; // the whole rule is unknown, destinations included
  }
  return (
    field === names.protocol ||
    field === names.fromPort ||
    field === names.toPort ||
    RULE_FIELDS.has(lastSegment(field))
  );
}

/** The unknown field, if any, that decides whether the resource is an egress rule at all. */
function typeDoubtOf(rule: EgressRule): Doubt | undefined {
  const field = rule.unknownFields.find((f) => lastSegment(f) === "type");
  return field === undefined ? undefined : unknownDoubt(field);
}

/** The port ranges that cover everything but `port`, e.g. `0..24 and 26..65535`. */
function rangesAround(port: number): string {
  const parts: string[] = [];
  if (port > 0) parts.push(`0..${port - 1}`);
  if (port < MAX_PORT) parts.push(`${port + 1}..${MAX_PORT}`);
  return parts.join(" and ");
}

function undecided(doubt: Doubt): EgressVerdict {
  return {
    status: "undecided",
    destinations: [],
    field: doubt.field,
    findings: [finding("error", doubt.code, doubt.message, doubt.fix)],
  };
}

/**
 * Judges one egress rule: "allows" when it certainly lets TCP reach a judged port at a destination
 * outside the allowlist, "clear" when it certainly does not, "undecided" otherwise (fail closed,
 * naming the field). Throws when the options are invalid (see `checkEgressOptions`).
 */
export function judgeEgress(rule: EgressRule, opts: EgressOptions = {}): EgressVerdict {
  const problems = checkEgressOptions(opts);
  if (problems.length > 0) {
    throw new Error(problems.map((f) => `${f.message} Fix: ${f.fix}`).join(" "));
  }
  const ports = opts.ports ?? DEFAULT_EGRESS_PORTS;
  const carry = judgeCarry(rule, ports);
  if (carry.state === "no") return { status: "clear", destinations: [], findings: [] };
  const reach = judgeDestinations(rule, allowlistOf(opts.allowedDestinations ?? []));
  if (reach.state === "no") return { status: "clear", destinations: [], findings: [] };
  if (carry.state === "maybe" && carry.doubt !== undefined) return undecided(carry.doubt);
  if (reach.state === "maybe" && reach.doubt !== undefined) return undecided(reach.doubt);
  const typeDoubt = typeDoubtOf(rule);
  if (typeDoubt !== undefined) return undecided(typeDoubt);
  const port = carry.port ?? ports[0];
  const where = rule.path === "" ? "The egress rule" : `Egress rule ${rule.path}`;
  return {
    status: "allows",
    port,
    destinations: reach.offending,
    findings: [
      finding(
        "error",
        "egress-allows-port",
        `${where} allows TCP port ${port} (${carry.describe}) to ${reach.offending.join(", ")}.`,
        (carry.allProtocols
          ? `Replace the all-protocols rule (its ports are ignored) with TCP ${rangesAround(port)} ` +
            `and the UDP and ICMP rules you need`
          : `Remove TCP ${port} from the rule, or split its port range around ${port} ` +
            `(for example ${rangesAround(port)})`) +
          `; send mail through SES on port 587 (STARTTLS) or 465 (TLS) instead.`,
      ),
    ],
  };
}
