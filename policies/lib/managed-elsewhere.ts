/**
 * The `managedElsewhere` setting of the stack policies that look for records an SES identity needs:
 * domains whose records live outside the stack, their subdomains covered too.
 */
import { bareName, isSameOrSubdomain } from "../core";

/** The setting's schema; `what` says which records live elsewhere, `more` what else holds. */
export function managedElsewhereSchema(what: string, more?: string) {
  return {
    type: "array" as const,
    items: { type: "string" as const },
    default: [],
    description: `Domains whose ${what} outside this stack; their subdomains are covered too.${more === undefined ? "" : ` ${more}`}`,
  };
}

/** Whether a name is one of the domains, or under one (case and a trailing dot aside). */
export function managedElsewhere(domains: readonly string[]): (name: string) => boolean {
  const managed = domains.map(bareName);
  return (name) => managed.some((m) => isSameOrSubdomain(name, m));
}
