/**
 * Section 1 of `mailguard verify`: the domain's records as receivers and SES see them, through the
 * resolver, judged by the core (DKIM CNAMEs and keys, SPF by the RFC 7208 evaluator, DMARC by the
 * RFC 7489 / RFC 9989 validator) and compared with the stack's outputs.
 */
import { analyzeDkimKey, checkEasyDkimCname } from "../../policies/core/dkim";
import {
  analyzeDmarcRecordSet,
  analyzeReportAuthorization,
  DmarcPolicy,
  externalReportDestinations,
  organizationalDomain,
} from "../../policies/core/dmarc";
import { errorsOf, Finding, warningsOf } from "../../policies/core/finding";
import {
  regionOfFeedbackHost,
  SES_FEEDBACK_MX_PRIORITY,
  SES_SPF_INCLUDE,
} from "../../policies/core/ses-regions";
import {
  analyzeSpf,
  buildSpf,
  checkSpfRecordSet,
  isSpfRecord,
  SPF_LOOKUP_WARNING_AT,
  SPF_MAX_LOOKUPS,
} from "../../policies/core/spf";
import { SpfCheckResult } from "../../policies/core/spf-eval";
import { joinTxt } from "../../policies/core/txt";
import { bareName } from "../../policies/core/domain";
import { DnsAnswer, DnsLookup, describeMiss, MxRecord } from "./dns";
import { Expectations, isDkimKeyText, StackRecord } from "./expectations";
import { Check, sectionCheck } from "./report";
import { checkHostLive, SpfNetwork, spfNetworks, spfRecordsAt, spfTreeLookups } from "./spf-live";

/** What section 1 saw, for the later sections and the provider table. */
export interface DnsSeen {
  /** Every DKIM selector resolves to a usable key (undefined: no selectors known). */
  dkimPass?: boolean;
  dkimKeyBits?: number;
  mailFromMx: boolean;
  mailFromSpf: boolean;
  dmarc: { valid: boolean; policy?: DmarcPolicy; rua: boolean; aspf: "r" | "s" };
  /** SES's sending ranges, as amazonses.com's SPF lists them. */
  sesNetworks: SpfNetwork[];
}

const dns = sectionCheck("dns");

/** HELO name of SES's outbound hosts, for the `%{h}` macro. */
const SES_HELO = "smtp-out.amazonses.com";
/** TEST-NET-1 (RFC 5737): never a real sender, so evaluating it walks every term of a record. */
const NON_SENDER_IP = "192.0.2.1";

function quoted(value: string): string {
  return JSON.stringify(value);
}

function firstOf(findings: Finding[]): Finding | undefined {
  return errorsOf(findings)[0] ?? warningsOf(findings)[0];
}

// ---------------------------------------------------------------------------------------------
// DKIM

interface DkimResult {
  check: Check;
  bits?: number;
  usable: boolean;
}

/** A DKIM check that fails: SES cannot sign with what the name holds. */
function unusable(
  id: string,
  name: string,
  text: string,
  expected: string,
  fix: string,
  bits?: number,
): DkimResult {
  return { bits, usable: false, check: dns(id, name, "fail", text, expected, fix) };
}

async function notACname(
  lookup: DnsLookup,
  id: string,
  name: string,
  cname: DnsAnswer<string>,
  expectedTarget: string,
  expected: string,
): Promise<DkimResult> {
  const [a, aaaa, txt] = await Promise.all([lookup.a(name), lookup.aaaa(name), lookup.txt(name)]);
  const publish = `Publish CNAME ${name} -> ${expectedTarget}, DNS only (Cloudflare: proxied false, no CNAME flattening).`;
  if (a.status === "ok" || aaaa.status === "ok") {
    const addresses = [...a.records, ...aaaa.records].join(", ");
    return unusable(
      id,
      name,
      `${name} answers with addresses (${addresses}), not a CNAME: the record is proxied or flattened, so SES and receivers never reach the key.`,
      expected,
      publish,
    );
  }
  if (txt.status === "ok") {
    return unusable(
      id,
      name,
      `${name} holds TXT ${quoted(txt.records[0])}, not the CNAME SES looks for.`,
      expected,
      publish,
    );
  }
  return unusable(id, name, `No DKIM record: ${describeMiss(cname, "CNAME")}.`, expected, publish);
}

/** The key behind a DKIM name (or CNAME target): one parsable key record, 2048-bit RSA expected. */
function judgeKey(
  id: string,
  name: string,
  answer: DnsAnswer<string>,
  expected: string,
  prefix: string,
  missingFix: string,
): DkimResult {
  if (answer.status !== "ok") {
    return unusable(id, name, `${prefix}${describeMiss(answer, "TXT")}.`, expected, missingFix);
  }
  const keys = answer.records.filter(isDkimKeyText);
  if (keys.length !== 1) {
    return unusable(
      id,
      name,
      `${prefix}${keys.length === 0 ? "no DKIM key record" : `${keys.length} DKIM key records`} at ${answer.chain.at(-1) ?? answer.name}.`,
      expected,
      keys.length === 0
        ? missingFix
        : "Keep exactly one key record at the name: verifiers fail on several.",
    );
  }
  const analysis = analyzeDkimKey(keys[0]);
  const bits = analysis.rsaBits;
  const problem = firstOf(analysis.findings);
  const size = bits !== undefined ? `RSA ${bits} bits` : (analysis.keyType ?? "no usable key");
  if (errorsOf(analysis.findings).length > 0) {
    return unusable(
      id,
      name,
      `${prefix}key ${size}: ${problem!.message}`,
      expected,
      problem!.fix,
      bits,
    );
  }
  if (bits !== undefined && bits < 2048) {
    return {
      bits,
      usable: true,
      check: dns(
        id,
        name,
        "warn",
        `${prefix}key ${size}: receivers accept it, but 1024-bit keys are weak.`,
        expected,
        "Have SES sign with 2048 bits (NextSigningKeyLength RSA_2048_BIT, as mailguard sets it) or publish a 2048-bit BYODKIM key.",
      ),
    };
  }
  return { bits, usable: true, check: dns(id, name, "pass", `${prefix}key ${size}.`, expected) };
}

async function easyDkimCheck(
  lookup: DnsLookup,
  e: Expectations,
  token: string,
  index: number,
): Promise<DkimResult> {
  const id = `dns-dkim-${index + 1}`;
  const name = `${token}._domainkey.${e.domain}`;
  const expectedTarget = `${token}.${e.dkimDomain ?? "<the region's DKIM domain>"}`;
  const expected = `CNAME ${expectedTarget} (not proxied or flattened), leading to SES's 2048-bit key`;
  const cname = await lookup.cname(name);
  if (cname.status === "error") {
    return unusable(
      id,
      name,
      `${describeMiss(cname, "CNAME")}.`,
      expected,
      "Check that the resolver answers for the domain, then run verify again.",
    );
  }
  if (cname.status !== "ok") return notACname(lookup, id, name, cname, expectedTarget, expected);
  const target = cname.records[0];
  const problem = errorsOf(
    checkEasyDkimCname(name, target, { region: e.region, dkimDomain: e.dkimDomain }),
  )[0];
  if (problem !== undefined) {
    return unusable(id, name, `CNAME ${target}: ${problem.message}`, expected, problem.fix);
  }
  return judgeKey(
    id,
    name,
    await lookup.txt(target),
    expected,
    `CNAME ${target}; `,
    "The CNAME leads to a name where SES publishes no key: copy the token from SES (GetEmailIdentity, DkimAttributes.Tokens) exactly.",
  );
}

async function byodkimCheck(
  lookup: DnsLookup,
  e: Expectations,
  selector: string,
  content: string | undefined,
): Promise<DkimResult> {
  const id = "dns-dkim-1";
  const name = `${selector}._domainkey.${e.domain}`;
  const expected =
    content !== undefined
      ? `TXT ${quoted(content)} (2048-bit RSA)`
      : "one DKIM key record, 2048-bit RSA";
  const answer = await lookup.txt(name);
  const result = judgeKey(
    id,
    name,
    answer,
    expected,
    "",
    `Publish the BYODKIM key: TXT ${name} "v=DKIM1; k=rsa; p=<base64 public key>".`,
  );
  if (result.usable && content !== undefined) {
    const live = answer.records.find(isDkimKeyText);
    const p = (text: string) =>
      /(?:^|;)\s*p\s*=\s*([^;]*)/.exec(text)?.[1].replace(/\s+/g, "") ?? "";
    if (live !== undefined && p(live) !== p(content)) {
      return {
        ...result,
        usable: false,
        check: dns(
          id,
          name,
          "fail",
          `The key at ${name} is not the one the stack gives SES to sign with (p= differs).`,
          expected,
          "Publish the stack's key record (pulumi up), or the signatures SES makes will not verify.",
        ),
      };
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// SPF

function spfSummary(networks: readonly SpfNetwork[], results: readonly SpfCheckResult[]): string {
  const passing = results.filter((r) => r.result === "pass").length;
  if (passing === results.length) return `pass for all ${results.length} SES ranges`;
  const i = results.findIndex((r) => r.result !== "pass");
  return `${results[i].result} for ${networks[i].text} (${results[i].reason}); pass for ${passing} of ${results.length}`;
}

async function sesResults(
  lookup: DnsLookup,
  networks: readonly SpfNetwork[],
  mailFrom: string,
): Promise<SpfCheckResult[]> {
  return Promise.all(
    networks.map((n) => checkHostLive({ ip: n.sample, mailFrom, helo: SES_HELO }, lookup)),
  );
}

function stackTxt(e: Expectations, name: string, fits: (t: string) => boolean): string | undefined {
  return e.records
    .filter((r) => r.type === "TXT" && r.name === name)
    .map((r) => joinTxt(r.content))
    .find(fits);
}

async function mailFromMxCheck(lookup: DnsLookup, e: Expectations): Promise<Check> {
  const id = "dns-mail-from-mx";
  const name = e.mailFromDomain;
  const wanted = `MX ${SES_FEEDBACK_MX_PRIORITY} ${e.feedbackHost}`;
  const expected = `${wanted}, and no other MX (MAIL FROM domain from ${e.mailFromSource})`;
  const mx = await lookup.mx(name);
  const publish = `Publish ${name} ${wanted}. Without it SES never verifies the MAIL FROM domain: with USE_DEFAULT_VALUE mail leaves with SES's amazonses.com envelope (SPF never aligns), with REJECT_MESSAGE every send fails.`;
  if (mx.status !== "ok") {
    return dns(id, name, "fail", `No MX: ${describeMiss(mx, "MX")}.`, expected, publish);
  }
  const shown = mx.records.map((r: MxRecord) => `${r.priority} ${r.exchange}`).join(", ");
  const others = mx.records.filter((r) => r.exchange !== e.feedbackHost);
  if (others.length === 0 && mx.records.length === 1) {
    return dns(id, name, "pass", `MX ${shown}.`, expected);
  }
  const wrong = others[0];
  let fix = `Point the MX at ${e.feedbackHost} only; SES sends bounces and checks the MAIL FROM domain there.`;
  if (
    wrong !== undefined &&
    /\.amazonaws\.com$/.test(wrong.exchange) &&
    /^feedback-smtp\./.test(wrong.exchange)
  ) {
    fix = `${wrong.exchange} is on amazonaws.com; SES's feedback host is on amazonses.com: point the MX at ${e.feedbackHost}.`;
  } else if (wrong !== undefined && regionOfFeedbackHost(wrong.exchange) !== undefined) {
    fix = `${wrong.exchange} is the feedback host of ${regionOfFeedbackHost(wrong.exchange)}, but the identity is in ${e.region}: point the MX at ${e.feedbackHost}.`;
  }
  return dns(
    id,
    name,
    "fail",
    `MX ${shown}${wrong !== undefined ? `: ${wrong.exchange} is not SES's feedback host for ${e.region}` : ""}.`,
    expected,
    fix,
  );
}

async function mailFromSpfCheck(
  lookup: DnsLookup,
  e: Expectations,
  networks: readonly SpfNetwork[],
): Promise<Check> {
  const id = "dns-mail-from-spf";
  const name = e.mailFromDomain;
  const record = stackTxt(e, name, isSpfRecord) ?? buildSpf({ includes: [SES_SPF_INCLUDE] });
  const expected = `one SPF record, ${quoted(record)}, that passes for SES's sending ranges`;
  const publish = `Publish TXT ${name} ${quoted(record)}.`;
  const { records, answer } = await spfRecordsAt(lookup, name);
  if (answer.status === "error")
    return dns(id, name, "fail", `${describeMiss(answer, "TXT")}.`, expected, publish);
  if (records.length === 0)
    return dns(id, name, "fail", `No SPF record at ${name}.`, expected, publish);
  if (records.length > 1) {
    const f = checkSpfRecordSet(records)[0];
    return dns(id, name, "fail", f.message, expected, `${f.fix} Keep only ${quoted(record)}.`);
  }
  if (networks.length === 0) {
    return dns(
      id,
      name,
      "fail",
      `${quoted(records[0])}; SES's sending ranges could not be read from ${SES_SPF_INCLUDE}'s SPF record.`,
      expected,
      `Check that the resolver answers for ${SES_SPF_INCLUDE}.`,
    );
  }
  const results = await sesResults(lookup, networks, `bounce@${name}`);
  const ok = results.every((r) => r.result === "pass");
  return dns(
    id,
    name,
    ok ? "pass" : "fail",
    `${quoted(records[0])}: ${spfSummary(networks, results)}.`,
    expected,
    publish,
  );
}

async function apexSpfCheck(
  lookup: DnsLookup,
  e: Expectations,
  networks: readonly SpfNetwork[],
): Promise<Check> {
  const id = "dns-spf-apex";
  const name = e.domain;
  const stackRecord = stackTxt(e, name, isSpfRecord);
  const expected =
    stackRecord !== undefined
      ? `one SPF record, ${quoted(stackRecord)}, within ${SPF_MAX_LOOKUPS} DNS-querying terms and 2 void lookups`
      : `at most one SPF record, within ${SPF_MAX_LOOKUPS} DNS-querying terms and 2 void lookups`;
  const { records, answer } = await spfRecordsAt(lookup, name);
  if (answer.status === "error") {
    return dns(
      id,
      name,
      "fail",
      `${describeMiss(answer, "TXT")}.`,
      expected,
      "Check that the resolver answers for the domain.",
    );
  }
  if (records.length === 0) {
    return dns(
      id,
      name,
      stackRecord !== undefined ? "fail" : "warn",
      `No SPF record at ${name}: SES mail does not need one (its envelope is ${e.mailFromDomain}), but receivers cannot tell which other hosts may use the domain.`,
      expected,
      stackRecord !== undefined
        ? `Publish the stack's record, TXT ${name} ${quoted(stackRecord)} (pulumi up).`
        : `Publish TXT ${name} "v=spf1 -all" if nothing sends with an envelope at ${name}, or list its senders (apexSpf in MailDomain).`,
    );
  }
  if (records.length > 1) {
    const f = checkSpfRecordSet(records)[0];
    return dns(id, name, "fail", f.message, expected, f.fix);
  }
  const record = records[0];
  const advice = errorsOf(analyzeSpf(record).advice)[0];
  const lookups = await spfTreeLookups(lookup, name);
  const other = await checkHostLive(
    { ip: NON_SENDER_IP, mailFrom: `postmaster@${name}`, helo: SES_HELO },
    lookup,
  );
  const ses = networks.length > 0 ? await sesResults(lookup, networks, `postmaster@${name}`) : [];
  const broken = [other, ...ses].find((r) => r.result === "permerror" || r.result === "temperror");
  const seen = `${quoted(record)}: ${lookups} DNS-querying term(s) (limit ${SPF_MAX_LOOKUPS}); SES's ranges: ${
    ses.length > 0 ? spfSummary(networks, ses) : "not known"
  }; other hosts (${NON_SENDER_IP}): ${other.result}`;
  if (broken !== undefined) {
    let fix = `Fix the record: ${broken.reason}.`;
    if (/DNS-querying terms/.test(broken.reason)) {
      fix = `Bring the record to ${SPF_MAX_LOOKUPS} DNS-querying terms or fewer (drop unused includes, or list ip4/ip6 ranges instead); receivers return permerror beyond that (RFC 7208 4.6.4).`;
    } else if (/void lookups/.test(broken.reason)) {
      fix =
        "Remove the terms that name hosts or domains that do not exist: receivers allow two lookups without an answer (RFC 7208 4.6.4).";
    }
    return dns(
      id,
      name,
      "fail",
      `${seen}. Evaluation ends in ${broken.result}: ${broken.reason}.`,
      expected,
      fix,
    );
  }
  if (advice !== undefined)
    return dns(id, name, "fail", `${seen}. ${advice.message}`, expected, advice.fix);
  if (lookups >= SPF_LOOKUP_WARNING_AT) {
    return dns(
      id,
      name,
      "warn",
      `${seen}.`,
      expected,
      `Keep headroom below ${SPF_MAX_LOOKUPS}: one more include breaks the record.`,
    );
  }
  return dns(id, name, "pass", `${seen}.`, expected);
}

// ---------------------------------------------------------------------------------------------
// DMARC

interface DmarcResult {
  checks: Check[];
  seen: DnsSeen["dmarc"];
}

async function dmarcChecks(lookup: DnsLookup, e: Expectations): Promise<DmarcResult> {
  const id = "dns-dmarc";
  let name = `_dmarc.${e.domain}`;
  const stackRecord = stackTxt(e, name, () => true);
  const expected =
    stackRecord !== undefined
      ? `one DMARC record, ${quoted(stackRecord)}`
      : "one valid DMARC record (RFC 7489 and RFC 9989) with p=quarantine or p=reject and rua=";
  const invalid: DnsSeen["dmarc"] = { valid: false, rua: false, aspf: "r" };
  let answer = await lookup.txt(name);
  let analysis = analyzeDmarcRecordSet(answer.status === "ok" ? answer.records : []);
  let inherited = "";
  const org = organizationalDomain(e.domain);
  if (
    analysis.record === undefined &&
    answer.status !== "error" &&
    org !== e.domain &&
    !analysis.findings.some((f) => f.code === "dmarc-multiple-records")
  ) {
    const orgName = `_dmarc.${org}`;
    const orgAnswer = await lookup.txt(orgName);
    const orgAnalysis = analyzeDmarcRecordSet(orgAnswer.status === "ok" ? orgAnswer.records : []);
    if (orgAnalysis.record !== undefined) {
      answer = orgAnswer;
      analysis = orgAnalysis;
      name = orgName;
      inherited = ` (none at _dmarc.${e.domain}; receivers use the organizational domain's, where sp= applies)`;
    }
  }
  const skipAuth = (why: string): Check =>
    dns(
      "dns-dmarc-report-auth",
      `_dmarc.${e.domain}`,
      "skip",
      why,
      "authorization records for report addresses outside the domain",
      "Fix dns-dmarc first.",
    );
  if (answer.status === "error") {
    return {
      seen: invalid,
      checks: [
        dns(
          id,
          name,
          "fail",
          `${describeMiss(answer, "TXT")}.`,
          expected,
          "Check that the resolver answers for the domain.",
        ),
        skipAuth("No DMARC record was read."),
      ],
    };
  }
  const problem = errorsOf(analysis.findings)[0];
  if (analysis.record === undefined || problem !== undefined) {
    const f = problem ?? analysis.findings[0];
    const shown =
      answer.records.length > 0 ? ` TXT at ${name}: ${answer.records.map(quoted).join(", ")}.` : "";
    const fix =
      stackRecord !== undefined
        ? `${f.fix} The stack publishes ${quoted(stackRecord)} (pulumi up).`
        : f.fix;
    return {
      seen: invalid,
      checks: [
        dns(id, name, "fail", `${f.message}${shown}`, expected, fix),
        skipAuth("There is no valid DMARC record."),
      ],
    };
  }
  const record = analysis.record;
  const text = answer.records.find((t) => /^\s*v\s*=\s*DMARC1/.test(t)) ?? "";
  const policy = inherited !== "" && record.sp !== undefined ? record.sp : record.p;
  const seen = { valid: true, policy, rua: record.rua.length > 0, aspf: record.aspf };
  const warning = warningsOf(analysis.findings)[0];
  const checks: Check[] = [
    warning !== undefined
      ? dns(
          id,
          name,
          "warn",
          `${quoted(text)}${inherited}: ${warning.message}`,
          expected,
          warning.fix,
        )
      : dns(id, name, "pass", `${quoted(text)}${inherited}.`, expected),
  ];

  const authId = "dns-dmarc-report-auth";
  const destinations = externalReportDestinations(e.domain, [...record.rua, ...record.ruf]);
  const authExpected =
    'TXT <domain>._report._dmarc.<destination> "v=DMARC1;" for each report address outside the domain';
  if (destinations.length === 0) {
    checks.push(
      dns(
        authId,
        name,
        "pass",
        "Every report address is inside the domain's organization: no authorization needed.",
        authExpected,
      ),
    );
  } else {
    const missing: string[] = [];
    for (const d of destinations) {
      const auth = await lookup.txt(d.name);
      const ok =
        auth.status === "ok" &&
        auth.records.some((t) => analyzeReportAuthorization(t).length === 0);
      if (!ok)
        missing.push(
          `${d.name} (${auth.status === "ok" ? "no v=DMARC1 record" : describeMiss(auth, "TXT")})`,
        );
    }
    const names = destinations.map((d) => d.name).join(", ");
    checks.push(
      missing.length === 0
        ? dns(authId, names, "pass", `Authorized: ${names}.`, authExpected)
        : dns(
            authId,
            names,
            "fail",
            `Not authorized: ${missing.join("; ")}. Receivers send no reports to these destinations (RFC 7489 7.1).`,
            authExpected,
            `Have each destination publish TXT "v=DMARC1;" at ${destinations.map((d) => d.name).join(", ")}, or send reports to an address inside ${e.domain}.`,
          ),
    );
  }
  return { seen, checks };
}

// ---------------------------------------------------------------------------------------------
// Drift and replies

function describeStackRecord(r: StackRecord): string {
  const content = r.type === "TXT" ? quoted(joinTxt(r.content)) : r.content;
  return `${r.type} ${r.priority !== undefined ? `${r.priority} ` : ""}${content}`;
}

async function driftCheck(lookup: DnsLookup, e: Expectations): Promise<Check> {
  const id = "dns-drift";
  const expected = "every record the stack published answers as published";
  if (e.records.length === 0) {
    return dns(
      id,
      e.domain,
      "skip",
      "No stack outputs to compare with.",
      expected,
      "Give --stack-outputs FILE (pulumi stack output --json --show-secrets > FILE), or - to read them from standard input.",
    );
  }
  const differences: string[] = [];
  for (const r of e.records) {
    const published = describeStackRecord(r);
    if (r.proxied === true) differences.push(`${r.name} ${r.type}: the stack publishes it proxied`);
    let answer: DnsAnswer<unknown>;
    let matches: boolean;
    let live: string;
    switch (r.type) {
      case "CNAME": {
        const a = await lookup.cname(r.name);
        answer = a;
        matches = a.status === "ok" && a.records[0] === bareName(r.content);
        live = a.records.map((t) => `CNAME ${t}`).join(", ");
        break;
      }
      case "MX": {
        const a = await lookup.mx(r.name);
        answer = a;
        matches =
          a.status === "ok" &&
          a.records.some(
            (m) =>
              m.exchange === bareName(r.content) &&
              (r.priority === undefined || m.priority === r.priority),
          );
        live = a.records.map((m) => `MX ${m.priority} ${m.exchange}`).join(", ");
        break;
      }
      case "TXT": {
        const a = await lookup.txt(r.name);
        answer = a;
        matches = a.status === "ok" && a.records.includes(joinTxt(r.content));
        live = a.records.map((t) => `TXT ${quoted(t)}`).join(", ");
        break;
      }
      case "A":
      case "AAAA": {
        const a = r.type === "A" ? await lookup.a(r.name) : await lookup.aaaa(r.name);
        answer = a;
        matches = a.status === "ok" && a.records.includes(r.content);
        live = a.records.map((t) => `${r.type} ${t}`).join(", ");
        break;
      }
      default:
        continue;
    }
    if (!matches) {
      differences.push(
        `${r.name}: the stack published ${published}, DNS answers ${answer.status === "ok" ? live : describeMiss(answer, r.type)}`,
      );
    }
  }
  if (differences.length === 0) {
    return dns(
      id,
      e.domain,
      "pass",
      `All ${e.records.length} records of the stack answer as published.`,
      expected,
    );
  }
  return dns(
    id,
    e.domain,
    "fail",
    `${differences.join("; ")}.`,
    expected,
    "Run pulumi up so DNS matches the stack again (pulumi refresh first if records were edited at the DNS provider), and make changes in the program, not by hand.",
  );
}

async function replyCheck(lookup: DnsLookup, e: Expectations): Promise<Check> {
  const id = "dns-reply";
  const name = e.domain;
  const expected = "an MX (or an A/AAAA record) that receives mail, not a null MX (RFC 7505)";
  const mx = await lookup.mx(name);
  if (mx.status === "ok") {
    const shown = mx.records.map((r) => `${r.priority} ${r.exchange}`).join(", ");
    if (mx.records.some((r) => r.exchange === ".")) {
      return dns(
        id,
        name,
        "fail",
        `MX ${shown}: a null MX says ${name} receives no mail, so replies to its From addresses bounce.`,
        expected,
        `Replace the null MX with the MX of the mailboxes that read replies, or send From an address of a domain that receives mail.`,
      );
    }
    return dns(id, name, "pass", `MX ${shown}.`, expected);
  }
  if (mx.status === "error")
    return dns(
      id,
      name,
      "fail",
      `${describeMiss(mx, "MX")}.`,
      expected,
      "Check that the resolver answers for the domain.",
    );
  const [a, aaaa] = await Promise.all([lookup.a(name), lookup.aaaa(name)]);
  if (a.status === "ok" || aaaa.status === "ok") {
    return dns(
      id,
      name,
      "pass",
      `No MX; ${[...a.records, ...aaaa.records].join(", ")} receives mail as the implicit MX (RFC 5321 5.1).`,
      expected,
    );
  }
  return dns(
    id,
    name,
    "fail",
    `No MX and no address at ${name}: replies to its From addresses cannot be delivered.`,
    expected,
    `Publish an MX for ${name} that leads to the mailboxes reading replies.`,
  );
}

// ---------------------------------------------------------------------------------------------

/** Every section 1 check, in report order, and what they saw. */
export async function dnsChecks(
  lookup: DnsLookup,
  e: Expectations,
): Promise<{ checks: Check[]; seen: DnsSeen }> {
  const checks: Check[] = [];
  const networks = await spfNetworks(lookup, SES_SPF_INCLUDE);

  let dkim: DkimResult[] = [];
  if (e.dkim.kind === "easy") {
    const tokens = e.dkim.tokens;
    dkim = await Promise.all(tokens.map((t, i) => easyDkimCheck(lookup, e, t, i)));
  } else if (e.dkim.kind === "byodkim") {
    dkim = [await byodkimCheck(lookup, e, e.dkim.selector, e.dkim.content)];
  }
  if (dkim.length === 0) {
    checks.push(
      dns(
        "dns-dkim",
        `<selector>._domainkey.${e.domain}`,
        "skip",
        "The DKIM selectors are not known: there are no stack outputs, and SES was not asked (--no-aws).",
        "three Easy DKIM CNAMEs (or the BYODKIM key) resolving to 2048-bit keys",
        "Give --stack-outputs FILE, or let verify read the identity from SES (drop --no-aws).",
      ),
    );
  } else {
    checks.push(...dkim.map((d) => d.check));
  }
  const mx = await mailFromMxCheck(lookup, e);
  const spf = await mailFromSpfCheck(lookup, e, networks);
  checks.push(mx, spf, await apexSpfCheck(lookup, e, networks));
  const dmarc = await dmarcChecks(lookup, e);
  checks.push(...dmarc.checks, await driftCheck(lookup, e), await replyCheck(lookup, e));

  const bits = dkim.map((d) => d.bits).filter((b): b is number => b !== undefined);
  return {
    checks,
    seen: {
      dkimPass: dkim.length === 0 ? undefined : dkim.every((d) => d.usable),
      dkimKeyBits: bits.length > 0 ? Math.min(...bits) : undefined,
      mailFromMx: mx.status === "pass",
      mailFromSpf: spf.status === "pass",
      dmarc: dmarc.seen,
      sesNetworks: networks,
    },
  };
}
