/**
 * What the components share: the DNS record shape they pass to each other, the argument errors
 * they raise, and small checks that are not mail-record grammar (that lives in the core).
 */
import * as pulumi from "@pulumi/pulumi";
import { checkDomainName } from "../policies/core/domain";
import { describe, errorsOf, Finding } from "../policies/core/finding";
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

export function show(value: unknown): string {
  if (value === undefined) return "undefined";
  // An Output has no value yet (and its toJSON returns a warning text).
  if (pulumi.Output.isInstance(value)) return "<Output>";
  try {
    const json = JSON.stringify(value);
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
export function domainArg(argument: string, value: string): string {
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

/** An AWS region code such as `eu-west-1` (any AWS region, SES or not), or an ArgumentError. */
export function regionArg(argument: string, value: string | undefined): string | undefined {
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
 * A name-safe form of a domain: dots become dashes, other characters stay, so punycode labels
 * keep their `xn--`: `mail.example.com` -> `mail-example-com`.
 */
export function slug(domain: string): string {
  return domain.replace(/[^A-Za-z0-9_-]/g, "-");
}
