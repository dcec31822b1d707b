import { unknownCheckingProxy } from "@pulumi/policy";
import { UNKNOWN } from "../../policies/core/finding";
import { plain, plainProps } from "../../policies/lib/props";

const NUMBER_UNKNOWN = "3eeb2bf0-c639-47a8-9e75-3b44932eb421";

/** Properties as a preview sends them: unknowns at the top, in lists, in nested objects. */
const props = () => ({
  name: "web",
  egress: [
    { protocol: "-1", cidrBlocks: [UNKNOWN, "0.0.0.0/0"], fromPort: NUMBER_UNKNOWN },
    UNKNOWN,
  ],
  tags: { team: UNKNOWN },
  vpcId: UNKNOWN,
});
const expected = {
  name: "web",
  egress: [{ protocol: "-1", cidrBlocks: [UNKNOWN, "0.0.0.0/0"], fromPort: UNKNOWN }, UNKNOWN],
  tags: { team: UNKNOWN },
  vpcId: UNKNOWN,
};

/**
 * A proxy that behaves like the SDK's (every read of an unknown throws, nested values are proxied
 * too) but answers no special accessor key, as a future SDK might.
 */
function strictProxy<T extends object>(target: T): T {
  return new Proxy(target, {
    get: (obj, key) => {
      const v: unknown = Reflect.get(obj, key);
      if (typeof v === "string" && /^[0-9a-f]{8}-[0-9a-f]{4}-/.test(v)) {
        throw new Error(`value at .${String(key)} can't be known during preview`);
      }
      return typeof v === "object" && v !== null ? strictProxy(v) : v;
    },
  });
}

describe("plain props behind an unknown-checking proxy", () => {
  it("reads the SDK's own proxy without tripping on unknowns at any depth", () => {
    const proxied = unknownCheckingProxy(props()) as Record<string, unknown>;
    expect(() => proxied.vpcId).toThrow(/can't be known during preview/);
    expect(plainProps(proxied)).toEqual(expected);
  });

  it("does not depend on an accessor key of the SDK: a proxy without one reads the same", () => {
    const proxied = strictProxy(props());
    expect(() => proxied.vpcId).toThrow(/can't be known during preview/);
    expect(plainProps(proxied)).toEqual(expected);
    expect(plain(strictProxy([UNKNOWN, { a: [NUMBER_UNKNOWN] }]))).toEqual([
      UNKNOWN,
      { a: [UNKNOWN] },
    ]);
  });

  it("returns a copy that is no longer a proxy", () => {
    const copy = plainProps(unknownCheckingProxy(props()));
    expect(() => JSON.stringify(copy)).not.toThrow();
    expect((copy.egress as unknown[])[1]).toBe(UNKNOWN);
  });
});

describe("plain props with a key named __proto__", () => {
  /** An object with an own `__proto__` key, as a JSON parse or fast-check makes one. */
  const withProtoKey = (value: unknown): Record<string, unknown> =>
    JSON.parse(`{"__proto__": ${JSON.stringify(value)}, "name": "web"}`) as Record<string, unknown>;

  it.each([
    ["a string", ""],
    ["an object", { egress: [{ protocol: "-1" }] }],
  ])("keeps it an own key holding %s, without lending properties", (_what, value) => {
    const out = plain(withProtoKey(value)) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(["__proto__", "name"]);
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toEqual(value);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect("egress" in out).toBe(false);
  });
});
