/**
 * What the components share: the DNS record shape they pass to each other, the argument errors
 * they raise, and small checks that are not mail-record grammar (that lives in the core).
 */
import * as pulumi from "@pulumi/pulumi";
import { checkDomainName, publicSuffixFindings } from "../policies/core/domain";
import { describe, editDistance, errorsOf, Finding } from "../policies/core/finding";
import {
  REGION_PATTERN,
  ResolvedSesRegion,
  resolveSesRegion,
  SesRegionOptions,
} from "../policies/core/ses-regions";

/** Prefix of every component type token. */
export const TOKEN_PREFIX = "mailguard:index:";

/** TTL of every record mailguard publishes, in seconds (one hour). */
export const DEFAULT_RECORD_TTL = 3600;

/** A DNS record a domain needs, as plain data (name and content may be Outputs). */
export interface MailDnsRecord {
  /** Stable key of the record, used in the logical name of the resource that publishes it. */
  key: string;
  /** Fully qualified name, lower-case, without a trailing dot. */
  name: pulumi.Input<string>;
  type: "CNAME" | "TXT" | "MX";
  /**
   * The value as DNS presents it, unquoted: a CNAME target, the joined text of a TXT record (see
   * `quoteTxt` for its quoted form), or the exchange host of an MX record.
   */
  content: pulumi.Input<string>;
  /** MX preference; only for MX records. */
  priority?: number;
  /** Seconds. Default {@link DEFAULT_RECORD_TTL}. */
  ttl: number;
  /** What the record is for, in a few words. */
  purpose: string;
}

/** A record resolved to plain values, as published. */
export interface PublishedDnsRecord {
  name: string;
  type: string;
  content: string;
  ttl: number;
  priority?: number;
  proxied: boolean;
}

/**
 * A bad argument: thrown by the pure validators, turned into a `pulumi.ResourceError` by the
 * component that received the argument.
 */
export class ArgumentError extends Error {
  constructor(
    readonly argument: string,
    readonly value: unknown,
    readonly detail: string,
  ) {
    super(`invalid ${argument} ${show(value)}: ${detail}`);
    this.name = "ArgumentError";
  }
}

/** `value` with every Output in it, at any depth, as `"<Output>"` (cycles as `"<cycle>"`). */
function printable(value: unknown, seen: Set<unknown>): unknown {
  // An Output has no value yet (and its toJSON returns a warning text).
  if (pulumi.Output.isInstance(value)) return "<Output>";
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value)) return "<cycle>";
  seen.add(value);
  const out = Array.isArray(value)
    ? value.map((v) => printable(v, seen))
    : Object.prototype.toString.call(value) === "[object Object]"
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printable(v, seen)]))
      : value;
  seen.delete(value);
  return out;
}

export function show(value: unknown): string {
  if (value === undefined) return "undefined";
  if (pulumi.Output.isInstance(value)) return "<Output>";
  try {
    const json = JSON.stringify(printable(value, new Set()));
    if (json !== undefined) return json;
  } catch {
    // Cyclic or otherwise unprintable: fall through.
  }
  return Object.prototype.toString.call(value);
}

/** Throws an ArgumentError carrying every error finding (described with its fix). */
export function failOnErrors(argument: string, value: unknown, findings: readonly Finding[]): void {
  const errors = errorsOf(findings);
  if (errors.length > 0) throw new ArgumentError(argument, value, errors.map(describe).join(" "));
}

/**
 * Runs a pure validator; an ArgumentError becomes a ResourceError on `resource`, prefixed with the
 * component's class and name.
 */
export function validateFor<T>(
  className: string,
  name: string,
  resource: pulumi.Resource,
  validate: () => T,
): T {
  try {
    return validate();
  } catch (e) {
    if (e instanceof ArgumentError) {
      throw new pulumi.ResourceError(`${className} "${name}": ${e.message}`, resource);
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Argument checks. Each takes the argument's path (`alarms.bounceRate`, `records[0].name`) and
// the value as given, and throws an ArgumentError naming both; `null` is never read as "left
// out" (it is refused, with "leave it out" as the fix), and Outputs are accepted only where the
// argument is an `Input<>`.
// ---------------------------------------------------------------------------------------------

/** Whether a value is an Output or a promise: an `Input<>` whose value is not known yet. */
export function isPendingInput(value: unknown): boolean {
  return (
    pulumi.Output.isInstance(value) ||
    (typeof value === "object" &&
      value !== null &&
      typeof (value as { then?: unknown }).then === "function")
  );
}

/** Whether a value is a plain object (`{ ... }`): not null, an array, an Output or a promise. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === "[object Object]" && !isPendingInput(value);
}

/**
 * ` (did you mean x?)` for the nearest of `known` within two edits (any case; fewer for short
 * keys, where one edit turns any name into another), else "".
 */
function didYouMean(key: string, known: readonly string[]): string {
  const near = known
    .map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) }))
    .filter(({ d }) => d <= Math.min(2, Math.floor(key.length / 3)))
    .sort((x, y) => x.d - y.d)[0];
  return near === undefined ? "" : ` (did you mean ${near.k}?)`;
}

/**
 * A plain object with only the `fields` given (a field set to undefined counts as left out), or
 * an ArgumentError: `what` says what the object is, for the message.
 */
export function objectArg(
  argument: string,
  value: unknown,
  fields: readonly string[],
  what: string,
  fix: string,
): Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw new ArgumentError(argument, value, `it must be ${what}. Fix: ${fix}`);
  }
  for (const [key, field] of Object.entries(value)) {
    if (field !== undefined && !fields.includes(key)) {
      throw new ArgumentError(
        argument,
        value,
        `${JSON.stringify(key)} is not one of its fields (${fields.join(", ")}). Fix: Remove it or correct its spelling${didYouMean(key, fields)}.`,
      );
    }
  }
  return value;
}

/**
 * The arguments object of a component: a plain object whose keys are all arguments of the
 * component (a misspelt optional argument would otherwise be silently ignored).
 */
export function argsArg(
  className: string,
  value: unknown,
  fields: readonly string[],
): Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw new ArgumentError(
      "args",
      value,
      `it must be an object of ${className} arguments. Fix: Pass an object such as { domain: "example.com" }.`,
    );
  }
  for (const [key, field] of Object.entries(value)) {
    if (field !== undefined && !fields.includes(key)) {
      throw new ArgumentError(
        key,
        field,
        `it is not an argument of ${className}. Fix: Remove it or correct its spelling${didYouMean(key, fields)}; the arguments are ${fields.join(", ")}.`,
      );
    }
  }
  return value;
}

/** A string that is not empty, or an ArgumentError whose fix is `fix`. */
export function stringArg(argument: string, value: unknown, fix: string): string {
  if (typeof value !== "string" || value === "") {
    throw new ArgumentError(argument, value, `it must be a non-empty string. Fix: ${fix}`);
  }
  return value;
}

/** Undefined (left out), or a string that is not empty. */
export function optionalString(argument: string, value: unknown, fix: string): string | undefined {
  return value === undefined ? undefined : stringArg(argument, value, fix);
}

/**
 * An `Input<string>`: an Output or promise (checked by the provider when it resolves), or a
 * plain string that is not empty and, when `pattern` is given, matches it (`shape` says what it
 * must look like, e.g. "an SNS topic ARN").
 */
export function inputStringArg(
  argument: string,
  value: unknown,
  check: { pattern?: RegExp; shape: string; fix: string },
): pulumi.Input<string> {
  if (isPendingInput(value)) return value as pulumi.Input<string>;
  if (typeof value !== "string" || value === "") {
    throw new ArgumentError(
      argument,
      value,
      `it must be ${check.shape}, as a string or an Output. Fix: ${check.fix}`,
    );
  }
  if (check.pattern !== undefined && !check.pattern.test(value)) {
    throw new ArgumentError(argument, value, `it is not ${check.shape}. Fix: ${check.fix}`);
  }
  return value;
}

/**
 * An entry whose value may come from another resource: `{ key, <field>: Input<string> }`. An
 * Output cannot go into a logical name, so the user's `key` names the resources made for it and
 * keeps them stable when the list is reordered.
 */
export interface Keyed {
  key: string;
  value: pulumi.Input<string>;
}

/** What a stable key looks like: a DNS-label-like name, so it fits a logical name. */
const KEY = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/**
 * A list entry that is a plain string (checked against `pattern`; its key derived from it) or
 * `{ key, [field]: Input<string> }` (an Output, say `vpc.defaultNetworkAclId`, with a stable key
 * of the user's). Keys are unique within the list; `at` names the entry in messages.
 */
export function keyedInputArg(
  at: string,
  value: unknown,
  field: string,
  check: { pattern: RegExp; shape: string; example: string },
): Keyed & { plain: boolean; text?: string } {
  if (typeof value === "string") {
    if (!check.pattern.test(value)) {
      throw new ArgumentError(
        at,
        value,
        `it is not ${check.shape}. Fix: Give one such as ${check.example}, or { key: "main", ${field}: <Output> } for a value from another resource.`,
      );
    }
    return {
      key: value.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
      value,
      plain: true,
      text: value,
    };
  }
  const entry = objectArg(
    at,
    value,
    ["key", field],
    `${check.shape} as a string, or { key, ${field} }`,
    `Give ${check.example}, or { key: "main", ${field}: <Output> } for a value from another resource.`,
  );
  const key = entry.key;
  if (typeof key !== "string" || !KEY.test(key)) {
    throw new ArgumentError(
      `${at}.key`,
      key,
      'it must be 1 to 40 lower-case letters, digits and inner hyphens: it goes into the logical names of the resources made for this entry. Fix: Give a short stable name such as "main".',
    );
  }
  const input = inputStringArg(`${at}.${field}`, entry[field], {
    pattern: check.pattern,
    shape: check.shape,
    fix: `Give ${check.example} or an Output of one.`,
  });
  return { key, value: input, plain: false };
}

/** Refuses two entries of a list with the same key. */
export function uniqueKeys(argument: string, entries: readonly { key: string }[]): void {
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    if (seen.has(e.key)) {
      throw new ArgumentError(
        `${argument}[${i}]`,
        e.key,
        `another entry has the same key "${e.key}", and keys name resources. Fix: List each entry once, with its own key.`,
      );
    }
    seen.add(e.key);
  });
}

/**
 * A plain array (never an Output: the number of entries decides how many resources exist), or
 * undefined when left out.
 */
export function arrayArg(argument: string, value: unknown, fix: string): unknown[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    throw new ArgumentError(argument, value, `it must be a list (a plain array). Fix: ${fix}`);
  }
  return value as unknown[];
}

/** A whole number in `min..max`, `fallback` when left out. */
export function integerArg(
  argument: string,
  value: unknown,
  range: { min: number; max: number; fallback: number },
  fix: string,
): number {
  if (value === undefined) return range.fallback;
  if (
    typeof value !== "number" ||
    !Number.isInteger(value) ||
    value < range.min ||
    value > range.max
  ) {
    throw new ArgumentError(
      argument,
      value,
      `it must be a whole number from ${range.min} to ${range.max}. Fix: ${fix}`,
    );
  }
  return value;
}

/** `a`, `a or b`, `a, b or c`. */
function listOf(items: readonly string[]): string {
  return items.length <= 1
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

/** One of `allowed` (compared exactly), `fallback` when left out. */
export function oneOfArg<T extends string>(
  argument: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw new ArgumentError(
      argument,
      value,
      `it must be ${listOf(allowed.map((a) => JSON.stringify(a)))}. Fix: Leave it out for ${fallback}.`,
    );
  }
  return value as T;
}

/** AWS's limits on tags (IAM, SES, SNS, KMS, CloudWatch, Secrets Manager and EC2 alike). */
const TAG_KEY_MAX = 128;
const TAG_VALUE_MAX = 256;

/**
 * Tags for AWS resources: a plain object of string values, keys of 1 to 128 characters that do
 * not start with `aws:` (reserved), values of at most 256. Undefined when left out.
 */
export function tagsArg(argument: string, value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) {
    throw new ArgumentError(
      argument,
      value,
      'it must be an object of tag names and string values. Fix: Pass tags such as { team: "mail" }, or leave it out for none.',
    );
  }
  for (const [key, tag] of Object.entries(value)) {
    const badKey =
      key.length === 0
        ? "is empty"
        : key.length > TAG_KEY_MAX
          ? `is longer than ${TAG_KEY_MAX} characters`
          : /^aws:/i.test(key)
            ? 'starts with "aws:", which AWS reserves for its own tags'
            : undefined;
    if (badKey !== undefined) {
      throw new ArgumentError(
        argument,
        value,
        `the tag name ${JSON.stringify(key)} ${badKey}. Fix: Rename the tag.`,
      );
    }
    if (typeof tag !== "string" || tag.length > TAG_VALUE_MAX) {
      throw new ArgumentError(
        `${argument}.${key}`,
        tag,
        `a tag value must be a string of at most ${TAG_VALUE_MAX} characters. Fix: Give the tag a string value.`,
      );
    }
  }
  return value as Record<string, string>;
}

/**
 * A plain boolean, `false` when left out. Values that decide whether a resource exists are never
 * Outputs: an Output is always truthy.
 */
export function booleanArg(argument: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== "boolean") {
    throw new ArgumentError(
      argument,
      value,
      "it must be true or false. Fix: Pass a plain boolean (not an Output), or leave it out for false.",
    );
  }
  return value;
}

/** A domain name normalized by the core, or an ArgumentError naming the argument. */
export function domainArg(argument: string, value: unknown): string {
  if (typeof value !== "string") {
    throw new ArgumentError(
      argument,
      value,
      "it must be a domain name, as a string. Fix: Give a name such as example.com.",
    );
  }
  const check = checkDomainName(value);
  failOnErrors(argument, value, check.findings);
  if (check.name === undefined) {
    throw new ArgumentError(
      argument,
      value,
      "it is not a domain name. Fix: Give a name such as example.com.",
    );
  }
  return check.name;
}

/**
 * A domain to send mail from: a domain name (domainArg) that is not a public suffix such as
 * `co.uk` or `github.io` (policies/core/domain.ts publicSuffixFindings).
 */
export function sendingDomainArg(argument: string, value: unknown): string {
  const name = domainArg(argument, value);
  failOnErrors(argument, value, publicSuffixFindings(name));
  return name;
}

/** An AWS region code such as `eu-west-1` (any AWS region, SES or not), or an ArgumentError. */
export function regionArg(argument: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !REGION_PATTERN.test(value)) {
    throw new ArgumentError(
      argument,
      value,
      "it is not an AWS region code. Fix: Give a region such as eu-west-1, or leave it out to use the provider's region.",
    );
  }
  return value;
}

/**
 * The SES facts of a region (see policies/core/ses-regions.ts), or an ArgumentError naming the
 * argument and the nearest SES regions.
 */
export function sesRegionArg(
  argument: string,
  region: string,
  options: SesRegionOptions = {},
): ResolvedSesRegion {
  const resolved = resolveSesRegion(region, options);
  const argumentOf = (code: string) => (code === "ses-dkim-domain" ? "dkimDomain" : argument);
  for (const f of errorsOf(resolved.findings)) {
    throw new ArgumentError(
      argumentOf(f.code),
      f.code === "ses-dkim-domain" ? options.dkimDomain : region,
      describe(f),
    );
  }
  return resolved.facts!;
}

/**
 * A copy of an ArgumentError with its argument renamed by `names` (on the first path segment),
 * for a component that validates its children's arguments under its own argument names.
 */
export function renamedArgument(e: ArgumentError, names: Record<string, string>): ArgumentError {
  const head = /^[^.[]+/.exec(e.argument)?.[0] ?? e.argument;
  const renamed = names[head];
  return renamed === undefined
    ? e
    : new ArgumentError(renamed + e.argument.slice(head.length), e.value, e.detail);
}

// ---------------------------------------------------------------------------------------------
// Placeholders. A real provider always returns DKIM tokens, generated keys, the region, account
// and partition; minimal test mocks (`newResource` returning its inputs, `call` returning its
// inputs) return none of them. Rather than throw, the components put a visible placeholder such as
// `<dkim-token-0>` where the value belongs: the program builds, and the policy pack and the live
// check, which see real values, judge what is published.
// ---------------------------------------------------------------------------------------------

/** The placeholder for a value a provider did not return: `<what>`. */
export function placeholder(what: string): string {
  return `<${what}>`;
}

/** Whether a string is a placeholder made by {@link placeholder}. */
export function isPlaceholder(value: string): boolean {
  return /^<[a-z0-9-]+>$/.test(value);
}

/** The value, or the placeholder `<what>` when it is not a non-empty string. */
export function orPlaceholder(value: unknown, what: string): string {
  return typeof value === "string" && value !== "" ? value : placeholder(what);
}

/** The SES region placeholder, used when the provider reports no region. */
export const REGION_PLACEHOLDER = placeholder("aws-region");

/**
 * The facts of a region the provider did not report (only mocks do that): every host built
 * around the region placeholder, the DKIM domain the one given or a placeholder. Nothing is
 * looked up in the region table, so no SES fact is invented.
 */
export function unreportedRegionFacts(options: SesRegionOptions): ResolvedSesRegion {
  const region = REGION_PLACEHOLDER;
  return {
    region,
    name: region,
    partition: "aws",
    smtpHost: `email-smtp.${region}.amazonaws.com`,
    fipsSmtpHost: `email-smtp-fips.${region}.amazonaws.com`,
    dkimDomain: options.dkimDomain ?? placeholder("ses-dkim-domain"),
    feedbackHost: `feedback-smtp.${region}.amazonses.com`,
    listed: false,
  };
}

/**
 * A name-safe form of a domain: dots become dashes, other characters stay, so punycode labels
 * keep their `xn--`: `mail.example.com` -> `mail-example-com`.
 */
export function slug(domain: string): string {
  return domain.replace(/[^A-Za-z0-9_-]/g, "-");
}
