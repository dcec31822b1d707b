import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
  SPF_MAX_LOOKUPS,
  SpfCheckResult,
  SpfError,
  analyzeSpf,
  checkHost,
  checkSpfRecordSet,
  isSpfRecord,
} from "../core";
import { StackRecord, fieldPath, isNameResolved, stackRecordsOf, zoneNamesOf } from "../lib/dns";
import { readThroughProxy } from "../lib/props";
import {
  RECORD_SET_STACK_TYPES,
  RecordSet,
  VALUE_FIELDS,
  judgeRecordSets,
  recordSetsOf,
  spfAnalysesOf,
  txtProblemsOf,
  txtValuesCheck,
} from "../lib/record-policy";
import { UnknownField } from "../lib/region";
import { StackItem, messageFor, stackItems } from "../lib/report";
import { StackDns, StackSpfResolver } from "../lib/spf-resolver";

/*
 * The stack check evaluates every SPF record the stack publishes with the core's RFC 7208
 * check_host, answered by the stack's own records (lib/spf-resolver.ts). The client is an
 * address no term of the records authorizes (a documentation address, RFC 5737), so evaluation
 * goes through every term a receiver evaluates for mail the record does not list. A name the
 * stack does not publish answers `v=spf1 ?all`: its include counts one lookup, its own lookups
 * are unknown (so a total over 10 is only reported when the stack's records alone pass it), and
 * it neither passes nor fails anything. A lookup is void only where the stack decides the name.
 */
const PROBES = ["203.0.113.251", "198.51.100.251", "192.0.2.251", "240.0.0.251"];
const UNKNOWN_SPF = "v=spf1 ?all";
/** How many names a message lists before it summarizes the rest. */
const MAX_LISTED = 4;

function q(value: string): string {
  return JSON.stringify(value);
}

/** `a, b, c and 2 more` with at most {@link MAX_LISTED} items. */
function listed(items: readonly string[]): string {
  if (items.length <= MAX_LISTED) {
    return items.length <= 1
      ? items.join("")
      : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
  }
  return `${items.slice(0, MAX_LISTED).join(", ")} and ${items.length - MAX_LISTED} more`;
}

/** The mechanism name of a term as written (`-ip4:192.0.2.0/24` -> `ip4`). */
function mechanismOf(term: string): string {
  return term
    .replace(/^[+\-~?]/, "")
    .split(/[:/=]/)[0]
    .toLowerCase();
}

/** `"include:%{d}" (which expands to example.com)`, or the term alone when it names the target. */
function termShown(term: string, target: string | undefined): string {
  return target === undefined || term.toLowerCase().includes(target)
    ? q(term)
    : `${q(term)} (which expands to ${target})`;
}

/** Evaluates the record for the first probe address that no term of it (or its includes) matches. */
function evaluate(
  dns: StackDns,
  name: string,
  values: readonly string[],
): { result: SpfCheckResult; resolver: StackSpfResolver } {
  let last: { result: SpfCheckResult; resolver: StackSpfResolver } | undefined;
  for (const ip of PROBES) {
    const resolver = new StackSpfResolver(dns, () => [UNKNOWN_SPF], { name, values });
    const result = checkHost({ ip, mailFrom: `postmaster@${name}`, helo: name }, resolver);
    last = { result, resolver };
    // A term other than all matched: this address is listed, and evaluation stopped early.
    const authorized = (result.matches ?? []).some(
      (m) => !["all", "include"].includes(mechanismOf(m.term)),
    );
    if (!authorized) {
      break;
    }
  }
  return last as { result: SpfCheckResult; resolver: StackSpfResolver };
}

/** What the evaluation of one record found, as the text of a message (without the resource). */
function problemOf(
  subject: string,
  name: string,
  value: string,
  result: SpfCheckResult,
  unknownNames: readonly string[],
): string | undefined {
  const error: SpfError | undefined = result.error;
  if (result.result !== "permerror" || error === undefined) {
    return undefined;
  }
  const at = error.chain[error.chain.length - 1] ?? name;
  const path = (end?: string) => [...error.chain, ...(end === undefined ? [] : [end])].join(" -> ");
  const stops = "every receiver's RFC 7208 evaluation returns permerror";
  switch (error.kind) {
    case "loop": {
      const term = error.term ?? "";
      const redirect = mechanismOf(term) === "redirect";
      if (error.chain.length === 1) {
        return `${subject} ${redirect ? "redirects to" : "includes"} itself through ${termShown(term, error.target)}: ${path(error.target)}. Evaluation would repeat it until the ${SPF_MAX_LOOKUPS}-lookup limit, so ${stops} for mail no earlier term authorizes. Fix: ${redirect ? `replace ${q(term)} with -all (or ~all), or redirect to another domain's record` : `remove ${q(term)} and list the senders it was meant to add (ip4:, ip6:, or an include of another domain)`}.`;
      }
      return `${subject} loops through records the stack publishes: ${path(error.target)} (${termShown(term, error.target)} at ${at}). Evaluation would repeat the loop until the ${SPF_MAX_LOOKUPS}-lookup limit, so ${stops} for mail no earlier term authorizes. Fix: break the loop: remove ${q(term)} from the record at ${at}, or another include or redirect of the loop; no record may lead back to a domain being evaluated.`;
    }
    case "lookup-limit": {
      if (analyzeSpf(value).lookups > SPF_MAX_LOOKUPS) {
        return undefined; // The record alone passes the limit: the resource check reports it.
      }
      const counts = new Map<string, number>();
      for (const step of result.lookups ?? []) {
        counts.set(step.domain, (counts.get(step.domain) ?? 0) + 1);
      }
      const breakdown = listed([...counts].map(([domain, n]) => `${n} at ${domain}`));
      const outside =
        unknownNames.length === 0
          ? ""
          : ` Names the stack does not publish (${listed(unknownNames)}) count one lookup each; their own lookups come on top.`;
      return `${subject} needs more than ${SPF_MAX_LOOKUPS} DNS-querying terms once the includes and redirects the stack publishes are followed (${breakdown}); receivers stop at the ${SPF_MAX_LOOKUPS + 1}th, ${q(error.term ?? "")} at ${at} (${path()}), and ${stops}.${outside} Fix: replace a, mx and ptr with ip4/ip6 ranges, merge the stack's included records into fewer, or drop includes you no longer send through.`;
    }
    case "void-limit": {
      const voids = (result.voids ?? []).map(
        (v) => `${termShown(v.term, v.target)} at ${v.domain}`,
      );
      return `${subject} makes more than 2 void lookups (names with no such records in zones the stack declares): ${listed(voids)}; at the third ${stops} (RFC 7208 4.6.4). Fix: remove the terms that query names without records, or publish the records they expect.`;
    }
    case "no-record": {
      const term = error.term ?? "";
      const verb = mechanismOf(term) === "redirect" ? "redirects to" : "includes";
      return `${subject} ${verb} ${error.target ?? ""} through ${termShown(term, error.target)} at ${at} (${path(error.target)}), and ${error.target ?? ""} has no SPF record in its zone, which the stack declares; ${stops}. Fix: publish an SPF record at ${error.target ?? ""}, or remove ${q(term)}.`;
    }
    case "mx-limit":
      return `${subject} reaches ${termShown(error.term ?? "", error.target)} at ${at} (${path()}), and ${error.target ?? ""} has more than 10 MX hosts; ${stops} (RFC 7208 4.6.4). Fix: use ip4/ip6 ranges instead of that mx term.`;
    case "multiple-records":
      if (error.chain.length === 1) {
        return undefined; // The record-set check reports it.
      }
      return `${subject} reaches ${at} (${path()}), which has several SPF records, so ${stops} for ${name} too. Fix: merge the SPF records at ${at} into one.`;
    case "invalid-record":
      if (error.chain.length === 1) {
        return undefined; // The resource check reports the record's own errors.
      }
      return `${subject} reaches ${at} (${path()}), whose SPF record is invalid (${result.reason.replace(/\.$/, "")}), so ${stops} for ${name} too. Fix: correct the record at ${at}; its own finding says how.`;
  }
}

function unknownValueOf(records: readonly StackRecord<StackItem>[]): UnknownField | undefined {
  for (const r of records) {
    const field = r.view.unknownFields.find((f) =>
      VALUE_FIELDS.some((g) => f === g || f.startsWith(`${g}[`)),
    );
    if (field !== undefined) {
      return { props: r.item.resource.props, path: fieldPath(field) };
    }
  }
  return undefined;
}

/**
 * Evaluates the SPF record of each record set through the records of the stack and reports what
 * makes every receiver return permerror; returns what could not be judged during preview.
 */
function judgeEvaluations(
  sets: readonly RecordSet[],
  dns: StackDns,
  report: (message: string, urn: string) => void,
): UnknownField[] {
  const deferred: UnknownField[] = [];
  for (const set of sets) {
    const spf = set.records.flatMap((record) =>
      record.view.values.filter(isSpfRecord).map((value) => ({ record, value })),
    );
    if (spf.length !== 1 || set.name === "@") {
      continue; // Several records are the record-set check's; a name not known cannot be evaluated.
    }
    const [{ record, value }] = spf;
    if (
      !isNameResolved(record, set.name) ||
      record.view.txtProblems.some((p) => p.value === value) ||
      analyzeSpf(value).permerrors.some((f) => f.code !== "spf-too-many-lookups")
    ) {
      continue; // The resource check reports a record that does not parse or cannot be served.
    }
    const values = set.records.flatMap((r) => r.view.values);
    const { result, resolver } = evaluate(dns, set.name, values);
    const problem = problemOf(
      `the SPF record at ${set.name} (${q(value)})`,
      set.name,
      value,
      result,
      resolver.unknownNames,
    );
    if (problem !== undefined) {
      report(messageFor(record.item.type, record.item.name, problem), record.item.urn);
      continue;
    }
    const undecided = unknownValueOf(set.records) ?? resolver.uncertain[0];
    if (undecided !== undefined) {
      deferred.push(undecided);
    }
  }
  return deferred;
}

/**
 * Every SPF TXT record (Cloudflare `Record`/`DnsRecord`, Route53 `Record`), joined from its strings,
 * parses without what receivers treat as permerror; one name holds at most one SPF record, within a
 * Route53 record set or (stack) across the records of one name in one zone. SPF values written so
 * that no DNS server can serve them (an unterminated quote, a string over 255 octets) are reported
 * here too. The stack check also evaluates each SPF record (RFC 7208) through the records the stack
 * publishes and reports include and redirect loops (by name or through macros), more than 10
 * DNS-querying terms summed through the stack's includes, more than 2 void lookups where the stack
 * decides, and includes of records that are missing or invalid.
 */
export const spfRecordValid: ResourceValidationPolicy & StackValidationPolicy = {
  name: "spf-record-valid",
  description:
    "SPF records parse without permerror, each name holds at most one, and evaluation through the stack's records ends in no loop or lookup-limit permerror.",
  enforcementLevel: "mandatory",
  configSchema: { properties: {} },
  validateResource: txtValuesCheck((values, view) => [
    ...txtProblemsOf(view, "spf"),
    ...spfAnalysesOf(values).flatMap((a) => a.permerrors),
    ...checkSpfRecordSet(values),
  ]),
  validateStack: (args, reportViolation) => {
    const items = stackItems(args.resources, RECORD_SET_STACK_TYPES);
    const records = stackRecordsOf(items);
    const belongs = (_name: string, values: readonly string[]) => values.some(isSpfRecord);
    const sets = recordSetsOf(records, belongs);
    judgeRecordSets(sets, checkSpfRecordSet, "SPF records", reportViolation);
    const dns = new StackDns(records, zoneNamesOf(items), { loose: false });
    const deferred = judgeEvaluations(sets, dns, reportViolation);
    const first = deferred[0];
    if (first !== undefined) {
      // Everything known is judged; the SDK's preview note names the first field that was not.
      readThroughProxy(first.props, first.path);
    }
  },
};
