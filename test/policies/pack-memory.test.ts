import * as fc from "fast-check";
import * as anproto from "@pulumi/pulumi/proto/analyzer_pb";
import * as anrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import {
  StackRequestTypes,
  installLeanStackRequests,
  leanStackRequest,
  paceGarbageCollection,
  structToJavaScript,
} from "../../policies/lib/pack-memory";
import { propertyRuns } from "../helpers/properties";

const TYPES = {
  request: anproto.AnalyzeStackRequest,
  resource: anproto.AnalyzerResource,
  struct: Struct,
} as unknown as StackRequestTypes;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Any value a Struct holds: doubles of every kind, strings of every plane, nesting. */
const jsonValue: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.string({ unit: "binary" }),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.string({ unit: "grapheme" }), tie("value"), { maxKeys: 4 }),
  ),
})).value;
const props = fc.dictionary(fc.string(), jsonValue, { maxKeys: 6 });

function structBytes(value: Record<string, unknown>): Uint8Array {
  return Struct.fromJavaScript(value as Record<string, never>).serializeBinary();
}

function resourceOf(i: number, properties: Record<string, unknown>): anproto.AnalyzerResource {
  const r = new anproto.AnalyzerResource()
    .setType(`aws:ec2/securityGroup:SecurityGroup`)
    .setName(`sg-${i}`)
    .setUrn(`urn:pulumi:s::p::aws:ec2/securityGroup:SecurityGroup::sg-${i}`)
    .setProperties(Struct.fromJavaScript(properties as Record<string, never>))
    .setOptions(
      new anproto.AnalyzerResourceOptions()
        .setProtect(i % 2 === 0)
        .setAdditionalsecretoutputsList(["secret"]),
    )
    .setParent("urn:pulumi:s::p::pulumi:pulumi:Stack::p-s")
    .setDependenciesList([`urn:dep:${i}`]);
  if (i % 3 === 0) {
    r.setProvider(
      new anproto.AnalyzerProviderResource()
        .setType("pulumi:providers:aws")
        .setName("default")
        .setUrn("urn:pulumi:s::p::pulumi:providers:aws::default")
        .setProperties(Struct.fromJavaScript({ region: "eu-west-1" })),
    );
  }
  r.getPropertydependenciesMap().set(
    "vpcId",
    new anproto.AnalyzerPropertyDependencies().setUrnsList([`urn:vpc:${i}`]),
  );
  return r;
}

/** What @pulumi/policy's server reads of a resource, as plain data. */
function serverView(r: anproto.AnalyzerResource) {
  return {
    type: r.getType(),
    name: r.getName(),
    urn: r.getUrn(),
    properties: r.getProperties()?.toJavaScript(),
    options: r.getOptions()?.toObject(),
    provider: r.getProvider()?.toObject(),
    parent: r.getParent(),
    dependencies: r.getDependenciesList(),
    propertyDependencies: [...r.getPropertydependenciesMap().entries()].map(([k, v]) => [
      k,
      v.getUrnsList(),
    ]),
  };
}

function lean(bytes: Uint8Array): anproto.AnalyzeStackRequest {
  return leanStackRequest(TYPES, bytes) as anproto.AnalyzeStackRequest;
}

describe("AnalyzeStack requests kept as bytes", () => {
  it("reads a Struct to the plain data google-protobuf gives, keys in its order (property)", () => {
    fc.assert(
      fc.property(props, (value) => {
        const bytes = structBytes(value);
        const expected = Struct.deserializeBinary(bytes).toJavaScript();
        const got = structToJavaScript(bytes);
        expect(got).toEqual(expected);
        expect(Object.keys(got)).toEqual(Object.keys(expected));
      }),
      propertyRuns(),
    );
  });

  it("keeps the last value of a key written twice and sorts keys, as google-protobuf does", () => {
    // Two Structs back to back are one Struct whose entries come in the order written: z, a, z.
    const bytes = Buffer.concat([structBytes({ z: "first" }), structBytes({ a: 1, z: "second" })]);
    const expected = Struct.deserializeBinary(bytes).toJavaScript();
    expect(expected).toEqual({ a: 1, z: "second" });
    expect(Object.keys(expected)).toEqual(["a", "z"]);
    const got = structToJavaScript(bytes);
    expect(got).toEqual(expected);
    expect(Object.keys(got)).toEqual(["a", "z"]);
  });

  it("gives the server every resource field as a whole decode does (property)", () => {
    fc.assert(
      fc.property(fc.array(props, { maxLength: 5 }), (all) => {
        const request = new anproto.AnalyzeStackRequest().setResourcesList(
          all.map((p, i) => resourceOf(i, p)),
        );
        const bytes = request.serializeBinary();
        const whole = anproto.AnalyzeStackRequest.deserializeBinary(bytes).getResourcesList();
        const got = lean(bytes).getResourcesList();
        expect(got.map(serverView)).toEqual(whole.map(serverView));
        // Read interleaved, as another reader might: each resource still reads as itself.
        expect(got.map((r) => r.getName()).reverse()).toEqual(
          whole.map((r) => r.getName()).reverse(),
        );
        expect(got.map((r) => r.toObject())).toEqual(whole.map((r) => r.toObject()));
      }),
      propertyRuns(),
    );
  });

  it("leaves a resource without properties without them", () => {
    const r = new anproto.AnalyzerResource().setType("t").setName("n").setUrn("u");
    const bytes = new anproto.AnalyzeStackRequest().setResourcesList([r]).serializeBinary();
    const [got] = lean(bytes).getResourcesList();
    expect(got.getProperties()).toBeUndefined();
    expect(got.hasProperties()).toBe(false);
    expect(got.getType()).toBe("t");
  });

  it("fails as google-protobuf fails on a Value without a kind", () => {
    // Struct { fields: { key: "k", value: Value {} } }: an entry whose value sets no kind.
    const entry = Buffer.from([0x0a, 0x01, 0x6b, 0x12, 0x00]);
    const struct = Buffer.concat([Buffer.from([0x0a, entry.length]), entry]);
    const resource = Buffer.concat([Buffer.from([0x12, struct.length]), struct]);
    const request = Buffer.concat([Buffer.from([0x0a, resource.length]), resource]);
    const [whole] = anproto.AnalyzeStackRequest.deserializeBinary(request).getResourcesList();
    const [got] = lean(request).getResourcesList();
    expect(() => whole.getProperties()?.toJavaScript()).toThrow("Unexpected struct type");
    expect(() => got.getProperties()?.toJavaScript()).toThrow("Unexpected struct type");
  });

  it("leaves bytes it cannot cut to google-protobuf, which rejects them as before", () => {
    const truncated = Buffer.from([0x0a, 0x05, 0x01]);
    expect(() => anproto.AnalyzeStackRequest.deserializeBinary(truncated)).toThrow();
    expect(() => lean(truncated)).toThrow();
  });

  it("installs itself in the analyzer service the SDK serves", () => {
    const method = anrpc.AnalyzerService.analyzeStack;
    const original = method.requestDeserialize;
    try {
      expect(installLeanStackRequests()).toBe(true);
      expect(method.requestDeserialize).not.toBe(original);
      const bytes = new anproto.AnalyzeStackRequest()
        .setResourcesList([resourceOf(1, { name: "web" })])
        .serializeBinary();
      const got = method.requestDeserialize(Buffer.from(bytes));
      expect(got.getResourcesList().map(serverView)).toEqual(
        anproto.AnalyzeStackRequest.deserializeBinary(bytes).getResourcesList().map(serverView),
      );
    } finally {
      method.requestDeserialize = original;
    }
  });

  it("paces garbage collection unless the process was given a pace of its own", () => {
    const saved = [...process.execArgv];
    try {
      process.execArgv.push("--heap-growing-percent=50");
      expect(paceGarbageCollection()).toBe(false);
      process.execArgv.splice(0, process.execArgv.length, ...saved);
      expect(paceGarbageCollection()).toBe(true);
    } finally {
      process.execArgv.splice(0, process.execArgv.length, ...saved);
    }
  });
});
