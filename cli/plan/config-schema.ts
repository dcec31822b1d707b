/**
 * Policy configuration checked against each policy's `configSchema`, as the Pulumi CLI checks
 * `--policy-pack-config` before it configures a pack: a value of the wrong type, outside an enum
 * or a bound, or a missing required property is an error that names the policy, the property
 * path, the value and what is allowed. The JSON Schema keywords policies use are supported: type,
 * enum, items, properties, required, minimum, maximum, minItems, maxItems, minLength, maxLength,
 * pattern.
 */

/** The part of JSON Schema policy config schemas use. */
export interface Schema {
  type?: string | string[];
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === "number" && actual === "integer");
}

/** Every way `value` breaks `schema`, each naming the path (`minimumPolicy`, `ports[2]`). */
export function schemaErrors(value: unknown, schema: Schema, at: string): string[] {
  const shown = JSON.stringify(value);
  const types = schema.type === undefined ? [] : [schema.type].flat();
  if (types.length > 0 && !types.some((t) => matchesType(value, t))) {
    return [`${at} is ${shown} (${typeOf(value)}); it must be ${types.join(" or ")}`];
  }
  const errors: string[] = [];
  if (schema.enum !== undefined && !schema.enum.some((e) => JSON.stringify(e) === shown)) {
    errors.push(
      `${at} is ${shown}; it must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`,
    );
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum)
      errors.push(`${at} is ${shown}; it must be at least ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum)
      errors.push(`${at} is ${shown}; it must be at most ${schema.maximum}`);
  }
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength)
      errors.push(`${at} is ${shown}; it must be at least ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      errors.push(`${at} is ${shown}; it must be at most ${schema.maxLength} characters`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value))
      errors.push(`${at} is ${shown}; it must match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      errors.push(`${at} has ${value.length} items; it must have at least ${schema.minItems}`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      errors.push(`${at} has ${value.length} items; it must have at most ${schema.maxItems}`);
    if (schema.items !== undefined) {
      value.forEach((item, i) => errors.push(...schemaErrors(item, schema.items!, `${at}[${i}]`)));
    }
  }
  if (typeOf(value) === "object") {
    errors.push(...objectErrors(value as Record<string, unknown>, schema, at));
  }
  return errors;
}

function objectErrors(value: Record<string, unknown>, schema: Schema, at: string): string[] {
  const errors: string[] = [];
  const prefix = at === "" ? "" : `${at}.`;
  for (const name of schema.required ?? []) {
    if (value[name] === undefined) errors.push(`${prefix}${name} is required`);
  }
  for (const [name, sub] of Object.entries(schema.properties ?? {})) {
    if (value[name] !== undefined)
      errors.push(...schemaErrors(value[name], sub, `${prefix}${name}`));
  }
  return errors;
}

/**
 * The errors of one policy's configuration (its properties, without `enforcementLevel`) against
 * its schema, and the names it gives that the schema does not know (which the CLI passes on and
 * the policy never reads: likely a typo).
 */
export function policyConfigProblems(
  properties: Record<string, unknown>,
  schema: { properties: Record<string, unknown>; required: string[] } | undefined,
): { errors: string[]; unknown: string[] } {
  const known = schema?.properties ?? {};
  const errors = objectErrors(
    properties,
    { properties: known as Record<string, Schema>, required: schema?.required ?? [] },
    "",
  );
  const unknown = Object.keys(properties).filter((k) => !(k in known));
  return { errors, unknown };
}
