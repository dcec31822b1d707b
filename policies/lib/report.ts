import type { PolicyResource, ResourceValidationArgs, ReportViolation } from "@pulumi/policy";
import { describe, Finding } from "../core";
import { PlainProps, plainProps, setOwn } from "./props";

/** How a message names a resource: its type token and logical name. */
export function resourceLabel(type: string, name: string): string {
  return `${type} "${name}"`;
}

/** `<type> "<name>": <what is wrong> Fix: <how>`, the form every message of the pack takes. */
export function messageFor(type: string, name: string, text: string): string {
  return `${resourceLabel(type, name)}: ${text}`;
}

/**
 * A list for a message, never longer than a handful: `a, b, c`, or `a, b, c and 1,234 more` when
 * `more` items were left out.
 */
export function cappedList(shown: readonly string[], more = 0): string {
  const list = shown.join(", ");
  return more > 0 ? `${list} and ${more.toLocaleString("en-US")} more` : list;
}

/** Reports a core finding against a resource. */
export function reportFinding(
  report: ReportViolation,
  type: string,
  name: string,
  f: Finding,
  urn?: string,
): void {
  report(messageFor(type, name, describe(f)), urn);
}

/** A stack resource read once as plain data, for stack policies that index a stack by name. */
export interface StackItem {
  type: string;
  name: string;
  urn: string;
  props: PlainProps;
  resource: PolicyResource;
}

/**
 * The resources of the given types as plain data, read in one pass: stack policies stay linear in
 * stack size and never read the properties of resources they do not judge.
 */
export function stackItems(
  resources: readonly PolicyResource[],
  types: ReadonlySet<string>,
): StackItem[] {
  const items: StackItem[] = [];
  for (const r of resources) {
    if (types.has(r.type)) {
      items.push({
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: plainProps(r.props),
        resource: r,
      });
    }
  }
  return items;
}

/** The URNs a property of a stack resource depends on (how preview links resources by output). */
export function dependencyUrns(resource: PolicyResource, property: string): string[] {
  return (resource.propertyDependencies[property] ?? []).map((d) => d.urn);
}

/** Resource arguments as plain data. */
export function propsOf(args: ResourceValidationArgs): PlainProps {
  return plainProps(args.props);
}

/** Reads a policy's configuration with the defaults of its schema filled in. */
export function configOf<C extends object>(
  args: { getConfig<T extends object>(): T },
  defaults: C,
): C {
  const given = args.getConfig<Partial<C>>();
  const merged = { ...defaults } as Record<string, unknown>;
  for (const [k, v] of Object.entries(given)) {
    if (v !== undefined && v !== null) {
      setOwn(merged, k, v);
    }
  }
  return merged as C;
}
