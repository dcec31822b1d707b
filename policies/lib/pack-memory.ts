/*
 * The memory of the pack process. Two things make it peak at several times a stack's size, both in
 * how @pulumi/policy serves AnalyzeStack rather than in the policies: the request's object form,
 * and V8's lazy collection of what each stack policy's pass over the stack leaves behind.
 *
 * AnalyzeStack requests are therefore kept as bytes, so that the pack's memory follows the wire
 * size of a stack rather than google-protobuf's object form of it.
 *
 * @pulumi/policy's server takes the request as grpc-js hands it over: an `AnalyzeStackRequest`
 * decoded whole by google-protobuf, every property of every resource a message object of its own.
 * That form is about 25 times the wire size (a 15 MB request of 50,000 resources fills 350 MB of
 * heap) and lives for the whole call, while the server, once per stack policy, turns every
 * resource into plain data again. Here the request is cut at resource boundaries instead. Each
 * resource stays a place in the received bytes; when the server reads it, its properties are read
 * straight to the plain data google-protobuf's `toJavaScript` gives, and the rest of it (type,
 * name, URN, options, provider, dependencies) is decoded by google-protobuf into a message dropped
 * as soon as the server moves on to the next resource. Policies see exactly what they saw before.
 */
import * as path from "path";
import * as v8 from "v8";

/** The parts of the generated protobuf modules used here. */
interface Decodable {
  deserializeBinary(bytes: Uint8Array): object;
  prototype: object;
}
interface MethodDefinition {
  path: string;
  requestDeserialize: (buffer: Buffer) => unknown;
}

/** Field number of `repeated AnalyzerResource resources` in `AnalyzeStackRequest`. */
const RESOURCES_FIELD = 1;
/** Field number of `google.protobuf.Struct properties` in `AnalyzerResource`. */
const PROPERTIES_FIELD = 2;
/** What the server reads of a resource besides its properties, served without decoding them. */
const HEAD_READS: ReadonlySet<string> = new Set([
  "getType",
  "getName",
  "getUrn",
  "getOptions",
  "hasOptions",
  "getProvider",
  "hasProvider",
  "getParent",
  "getDependenciesList",
  "getPropertydependenciesMap",
]);

/** The wire types of protobuf fields (groups, 3 and 4, are deprecated and not used by Pulumi). */
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** A varint read at `at`: its value and the offset after it; undefined when malformed. */
function readVarint(bytes: Uint8Array, at: number): [number, number] | undefined {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length && i < at + 10; i++) {
    const b = bytes[i];
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) {
      return [value, i + 1];
    }
  }
  return undefined;
}

/** A field of a message as it stands in its bytes. */
interface WireField {
  field: number;
  wire: number;
  /** Where the field's tag starts. */
  start: number;
  /** Where a length-delimited field's value starts (after its length). */
  valueStart: number;
  end: number;
}

/**
 * The top-level fields of a message, in order; undefined when the bytes are not a wire form this
 * reads (the caller then decodes them with google-protobuf, which reports what is wrong).
 */
export function wireFields(bytes: Uint8Array): WireField[] | undefined {
  const fields: WireField[] = [];
  let at = 0;
  while (at < bytes.length) {
    const tag = readVarint(bytes, at);
    if (tag === undefined) {
      return undefined;
    }
    const [key, valueAt] = tag;
    const wire = key % 8;
    let valueStart = valueAt;
    let end: number;
    if (wire === VARINT) {
      const v = readVarint(bytes, valueAt);
      if (v === undefined) {
        return undefined;
      }
      end = v[1];
    } else if (wire === FIXED64) {
      end = valueAt + 8;
    } else if (wire === FIXED32) {
      end = valueAt + 4;
    } else if (wire === LENGTH_DELIMITED) {
      const length = readVarint(bytes, valueAt);
      if (length === undefined) {
        return undefined;
      }
      valueStart = length[1];
      end = valueStart + length[0];
    } else {
      return undefined;
    }
    if (end > bytes.length) {
      return undefined;
    }
    fields.push({ field: Math.floor(key / 8), wire, start: at, valueStart, end });
    at = end;
  }
  return fields;
}

/** The generated message classes a lean request is decoded with. */
export interface StackRequestTypes {
  request: Decodable;
  resource: Decodable;
  struct: Decodable;
}

/**
 * What a lazy resource holds: where its bytes are in the request, and once first read, where its
 * properties are in them and those properties kept as a lazy Struct.
 */
interface LazyResource {
  start: number;
  end: number;
  /**
   * Where the properties field starts (its tag), its value starts and it ends; -1 until the
   * resource is first read, `propsStart === propsEnd` when it has none.
   */
  propsStart: number;
  propsValue: number;
  propsEnd: number;
  /** The whole resource decoded, when its bytes could not be split. */
  whole: object | undefined;
}

function forward(message: object, key: string | symbol): unknown {
  const value: unknown = Reflect.get(message, key);
  return typeof value === "function"
    ? (value as (...args: unknown[]) => unknown).bind(message)
    : value;
}

/**
 * The resources of the request, kept as places in its bytes: a resource's properties (the bulk of
 * it) are read straight to plain data whenever the server asks for them, and the rest of it is
 * decoded on each read. The server reads one resource's fields one after another, so the last
 * decoded rest is kept: one small decode per resource per stack policy, and never more than one
 * held. One handler serves every resource, so that a resource costs a few words beside its bytes.
 */
function lazyResources(
  types: StackRequestTypes,
  bytes: Uint8Array,
  slices: readonly WireField[],
): object[] {
  const intern = interner();
  const interned = (value: unknown): unknown =>
    typeof value === "string"
      ? intern(value)
      : Array.isArray(value) && value.every((v) => typeof v === "string")
        ? value.map(intern)
        : value;
  let last: LazyResource | undefined;
  let lastMessage: object | undefined;
  const split = (r: LazyResource): void => {
    const own = bytes.subarray(r.start, r.end);
    const fields = wireFields(own);
    const props = fields?.filter((f) => f.field === PROPERTIES_FIELD);
    if (fields === undefined || props === undefined || props.length > 1) {
      r.whole = types.resource.deserializeBinary(own);
      return;
    }
    const p = props[0];
    r.propsStart = p === undefined ? r.end : r.start + p.start;
    r.propsValue = p === undefined ? r.end : r.start + p.valueStart;
    r.propsEnd = p === undefined ? r.end : r.start + p.end;
  };
  const head = (r: LazyResource): object => {
    if (last !== r || lastMessage === undefined) {
      const own =
        r.propsStart === r.propsEnd
          ? bytes.subarray(r.start, r.end)
          : Buffer.concat([
              bytes.subarray(r.start, r.propsStart),
              bytes.subarray(r.propsEnd, r.end),
            ]);
      lastMessage = types.resource.deserializeBinary(own);
      last = r;
    }
    return lastMessage;
  };
  const handler: ProxyHandler<LazyResource> = {
    get: (r, key) => {
      if (r.propsStart < 0 && r.whole === undefined) {
        split(r);
      }
      if (r.whole !== undefined) {
        return forward(r.whole, key);
      }
      if (key === "getProperties") {
        return () =>
          r.propsStart === r.propsEnd
            ? undefined
            : lazyStruct(types, bytes.subarray(r.propsValue, r.propsEnd), intern);
      }
      if (key === "hasProperties") {
        return () => r.propsStart !== r.propsEnd;
      }
      if (typeof key === "string" && HEAD_READS.has(key)) {
        const message = head(r);
        const read = forward(message, key);
        return typeof read === "function"
          ? (...args: unknown[]) => interned((read as (...a: unknown[]) => unknown)(...args))
          : read;
      }
      // Anything else (toObject, serializeBinary, ...) sees the whole resource.
      return forward(types.resource.deserializeBinary(bytes.subarray(r.start, r.end)), key);
    },
    getPrototypeOf: () => types.resource.prototype,
  };
  return slices.map(
    (f) =>
      new Proxy<LazyResource>(
        {
          start: f.valueStart,
          end: f.end,
          propsStart: -1,
          propsValue: -1,
          propsEnd: -1,
          whole: undefined,
        },
        handler,
      ),
  );
}

/** Thrown inside {@link structToJavaScript} when the bytes hold what it does not read. */
class NotPlain extends Error {}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads google.protobuf Struct, Value and ListValue bytes between two offsets, without building
 * message objects. Each read method takes the offsets of one message's fields.
 */
class StructReader {
  private at = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly intern: Intern = (s) => s,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.at >= this.bytes.length) {
        throw new NotPlain();
      }
      const b = this.bytes[this.at++];
      value += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) {
        return value;
      }
    }
    throw new NotPlain();
  }

  /** The end of the length-delimited value whose length is at the current offset. */
  private delimited(limit: number): number {
    const length = this.varint();
    const end = this.at + length;
    if (end > limit) {
      throw new NotPlain();
    }
    return end;
  }

  private skip(wire: number, limit: number): void {
    if (wire === VARINT) {
      this.varint();
    } else if (wire === FIXED64) {
      this.at += 8;
    } else if (wire === FIXED32) {
      this.at += 4;
    } else if (wire === LENGTH_DELIMITED) {
      this.at = this.delimited(limit);
    } else {
      throw new NotPlain();
    }
    if (this.at > limit) {
      throw new NotPlain();
    }
  }

  private string(end: number): string {
    const text = this.intern(UTF8.decode(this.bytes.subarray(this.at, end)));
    this.at = end;
    return text;
  }

  /**
   * A Struct as google-protobuf's `toJavaScript` gives it: a key written twice keeps its last
   * value, and keys come in sorted order (google-protobuf's maps iterate so).
   */
  struct(start: number, end: number): Record<string, unknown> {
    const entries = new Map<string, [number, number]>();
    this.at = start;
    while (this.at < end) {
      const key = this.varint();
      if (key !== 10) {
        this.skip(key % 8, end); // not `fields` (1, length-delimited)
        continue;
      }
      const entryEnd = this.delimited(end);
      let name = "";
      let value: [number, number] | undefined;
      while (this.at < entryEnd) {
        const k = this.varint();
        if (k === 10) {
          name = this.string(this.delimited(entryEnd));
        } else if (k === 18) {
          const valueEnd = this.delimited(entryEnd);
          value = [this.at, valueEnd];
          this.at = valueEnd;
        } else {
          this.skip(k % 8, entryEnd);
        }
      }
      if (value === undefined) {
        throw new NotPlain();
      }
      entries.set(name, value);
    }
    const out: Record<string, unknown> = {};
    for (const name of [...entries.keys()].sort()) {
      const [from, to] = entries.get(name) as [number, number];
      out[name] = this.value(from, to);
    }
    return out;
  }

  /** A Value: the last `kind` written wins; a Value without one is not read here. */
  value(start: number, end: number): unknown {
    this.at = start;
    let kind = 0;
    let from = 0;
    let to = 0;
    let scalar: unknown;
    while (this.at < end) {
      const key = this.varint();
      const field = Math.floor(key / 8);
      const wire = key % 8;
      if (field === 1 && wire === VARINT) {
        this.varint();
        kind = 1;
        scalar = null;
      } else if (field === 2 && wire === FIXED64) {
        if (this.at + 8 > end) throw new NotPlain();
        scalar = this.view.getFloat64(this.at, true);
        this.at += 8;
        kind = 2;
      } else if (field === 3 && wire === LENGTH_DELIMITED) {
        scalar = this.string(this.delimited(end));
        kind = 3;
      } else if (field === 4 && wire === VARINT) {
        scalar = this.varint() !== 0;
        kind = 4;
      } else if ((field === 5 || field === 6) && wire === LENGTH_DELIMITED) {
        to = this.delimited(end);
        from = this.at;
        this.at = to;
        kind = field;
      } else if (field >= 1 && field <= 6) {
        throw new NotPlain(); // a kind field of another wire type than its own
      } else {
        this.skip(wire, end);
      }
    }
    if (kind === 0) {
      throw new NotPlain();
    }
    if (kind === 5) {
      return this.struct(from, to);
    }
    if (kind === 6) {
      return this.list(from, to);
    }
    return scalar;
  }

  /** A ListValue: `repeated Value values = 1`. */
  private list(start: number, end: number): unknown[] {
    const items: [number, number][] = [];
    this.at = start;
    while (this.at < end) {
      const key = this.varint();
      if (key === 10) {
        const itemEnd = this.delimited(end);
        items.push([this.at, itemEnd]);
        this.at = itemEnd;
      } else {
        this.skip(key % 8, end);
      }
    }
    return items.map(([from, to]) => this.value(from, to));
  }
}

/** A Struct's bytes to plain data, as google-protobuf's `toJavaScript` gives it. */
export function structToJavaScript(bytes: Uint8Array, intern?: Intern): Record<string, unknown> {
  return new StructReader(bytes, intern).struct(0, bytes.length);
}

/**
 * One string for each text a request holds: the server keeps the resources of two stack policies'
 * passes at once, and each pass reads every value again, so without it every string would be held
 * twice, and each of the many alike (type tokens, zone ids, CIDRs) once per resource.
 */
type Intern = (text: string) => string;

function interner(): Intern {
  const seen = new Map<string, string>();
  return (text) => {
    const known = seen.get(text);
    if (known !== undefined) {
      return known;
    }
    seen.set(text, text);
    return text;
  };
}

/** What a lazy Struct holds: its bytes, and the request's strings. */
interface LazyStruct {
  bytes: Uint8Array;
  intern: Intern;
}

const structHandlers = new WeakMap<StackRequestTypes, ProxyHandler<LazyStruct>>();

/**
 * A `google.protobuf.Struct` kept as bytes. `toJavaScript`, the one method the server calls, reads
 * the bytes straight to plain data, the same plain data google-protobuf gives, without building
 * its message objects first (bytes it does not read, google-protobuf decodes); any other read
 * decodes a Struct for the occasion.
 */
function lazyStruct(types: StackRequestTypes, bytes: Uint8Array, intern: Intern): object {
  let handler = structHandlers.get(types);
  if (handler === undefined) {
    const decode = (s: LazyStruct) =>
      types.struct.deserializeBinary(s.bytes) as { toJavaScript(): unknown };
    handler = {
      get: (s, key) => {
        if (key === "toJavaScript") {
          return () => {
            try {
              return structToJavaScript(s.bytes, s.intern);
            } catch (e) {
              if (e instanceof NotPlain || e instanceof TypeError) {
                // What this does not read (a Value without a kind, bytes that are not UTF-8),
                // google-protobuf reads or rejects as it always did.
                return decode(s).toJavaScript();
              }
              throw e;
            }
          };
        }
        return forward(decode(s), key);
      },
      getPrototypeOf: () => types.struct.prototype,
    };
    structHandlers.set(types, handler);
  }
  return new Proxy<LazyStruct>({ bytes, intern }, handler);
}

/** Decodes an AnalyzeStackRequest whose resources decode themselves when read. */
export function leanStackRequest(types: StackRequestTypes, bytes: Uint8Array): object {
  const fields = wireFields(bytes);
  if (fields === undefined) {
    return types.request.deserializeBinary(bytes);
  }
  const resources: WireField[] = [];
  const rest: Uint8Array[] = [];
  for (const f of fields) {
    if (f.field === RESOURCES_FIELD && f.wire === LENGTH_DELIMITED) {
      resources.push(f);
    } else {
      rest.push(bytes.subarray(f.start, f.end));
    }
  }
  const request = types.request.deserializeBinary(Buffer.concat(rest));
  const lazy = lazyResources(types, bytes, resources);
  Object.defineProperty(request, "getResourcesList", { value: () => lazy });
  return request;
}

/**
 * Makes the analyzer service that @pulumi/policy serves decode AnalyzeStack requests lazily. Call
 * before the PolicyPack is built (its server takes the service definition then). The generated
 * modules are the ones @pulumi/policy itself loads; when they do not have the expected shape
 * (another SDK layout), nothing changes and the server decodes as it always did.
 *
 * @returns whether lazy decoding is in place.
 */
export function installLeanStackRequests(): boolean {
  try {
    /* eslint-disable @typescript-eslint/no-require-imports -- the SDK's own module instances */
    const sdk = { paths: [path.dirname(require.resolve("@pulumi/policy"))] };
    const grpcModule = require(require.resolve("@pulumi/pulumi/proto/analyzer_grpc_pb", sdk)) as {
      AnalyzerService?: Record<string, MethodDefinition | undefined>;
    };
    const pbPath = require.resolve("@pulumi/pulumi/proto/analyzer_pb", sdk);
    const pb = require(pbPath) as Record<string, Decodable | undefined>;
    const structPath = require.resolve("google-protobuf/google/protobuf/struct_pb", {
      paths: [path.dirname(pbPath)],
    });
    const struct = (require(structPath) as { Struct?: Decodable }).Struct;
    /* eslint-enable @typescript-eslint/no-require-imports */
    const method = grpcModule.AnalyzerService?.analyzeStack;
    const request = pb.AnalyzeStackRequest;
    const resource = pb.AnalyzerResource;
    if (
      method?.path !== "/pulumirpc.Analyzer/AnalyzeStack" ||
      typeof method.requestDeserialize !== "function" ||
      typeof request?.deserializeBinary !== "function" ||
      typeof resource?.deserializeBinary !== "function" ||
      typeof struct?.deserializeBinary !== "function"
    ) {
      return false;
    }
    const types: StackRequestTypes = { request, resource, struct };
    method.requestDeserialize = (buffer: Buffer) => leanStackRequest(types, buffer);
    return true;
  } catch {
    return false;
  }
}

/**
 * The growth V8 allows the heap between two full collections, in percent, for the pack process.
 * V8 picks a factor of up to 4 by itself, so a pack that turns a stack into plain data once per
 * stack policy (as @pulumi/policy's server does) peaks at several times what it holds. 20% keeps
 * the peak near what is live for a few more collections (measured by `npm run bench`).
 */
export const HEAP_GROWING_PERCENT = 20;

/**
 * Paces V8's full collections for the pack process (`--heap-growing-percent`, a flag V8 reads at
 * each collection) unless the process was started with a growth of its own (Node does not take
 * this flag from NODE_OPTIONS, only on its command line). Call once, when the pack loads; the CLI
 * starts a process for the pack alone.
 *
 * @returns whether the pace was set.
 */
export function paceGarbageCollection(): boolean {
  if (process.execArgv.some((a) => a.startsWith("--heap-growing-percent"))) {
    return false;
  }
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
