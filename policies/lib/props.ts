import { UNKNOWN } from "../core";

/*
 * @pulumi/policy hands policies their properties behind a proxy whose `get` trap throws when a
 * policy reads a value unknown during preview. Own property descriptors are not trapped, so they
 * hold the wrapped object's raw values: reading through them gives plain data without relying on
 * the SDK's internal accessor key, and lets a policy decide from the known fields first.
 */

/**
 * Every sentinel the engine may send for a value unknown during preview (string, number, boolean,
 * array, asset, archive, object). The engine marshals all of them as the string one today; the
 * others are accepted so that no spelling slips through as a known value.
 */
const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  UNKNOWN,
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

export type PlainProps = Record<string, unknown>;

/** The value of an own property as stored, without running a proxy's `get` trap. */
function rawOwn(value: object, key: string): unknown {
  return Object.getOwnPropertyDescriptor(value, key)?.value;
}

/** A deep copy of `value` as plain data, with every unknown sentinel spelled as the core's `UNKNOWN`. */
export function plain(value: unknown): unknown {
  if (typeof value === "string") {
    return UNKNOWN_SENTINELS.has(value) ? UNKNOWN : value;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    const length = rawOwn(value, "length") as number;
    for (let i = 0; i < length; i++) {
      out.push(plain(rawOwn(value, String(i))));
    }
    return out;
  }
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) {
      setOwn(out, k, plain(rawOwn(value, k)));
    }
    return out;
  }
  return value;
}

/**
 * Sets `key` as an own property of `target`, whatever the key: assigning `__proto__` would set
 * the object's prototype instead, dropping the key or lending `target` another object's
 * properties.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

/** A resource's properties as plain data (see {@link plain}); `{}` when they are not an object. */
export function plainProps(props: unknown): PlainProps {
  const p = plain(props);
  return typeof p === "object" && p !== null && !Array.isArray(p) ? (p as PlainProps) : {};
}

/**
 * Reads `path` through @pulumi/policy's proxy. Policies call it only after every decision the known
 * fields allow has been made and the remaining one hangs on this unknown field: the SDK then turns
 * the check into its preview note, which names the field (`string value at .policy can't be known
 * during preview`). On plain data it simply returns the value.
 */
export function readThroughProxy(props: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = props;
  for (const key of path) {
    if (typeof v !== "object" || v === null) {
      return undefined;
    }
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

/** A field as a string, or undefined when it is absent or not a string. */
export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `value` as an array; a missing or null list is empty, a single value is a list of one. */
export function list(value: unknown): unknown[] {
  if (value === undefined || value === null) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}
