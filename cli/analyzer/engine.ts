import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as engrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";

/** A log message a policy pack sent to the engine. */
export interface EngineLog {
  severity: "debug" | "info" | "warning" | "error";
  message: string;
  urn: string;
}

const SEVERITIES: Record<number, EngineLog["severity"]> = {
  [engproto.LogSeverity.DEBUG]: "debug",
  [engproto.LogSeverity.INFO]: "info",
  [engproto.LogSeverity.WARNING]: "warning",
  [engproto.LogSeverity.ERROR]: "error",
};

/** A minimal `pulumirpc.Engine` server, the engine address a policy pack is started with. */
export interface EngineServer {
  address: string;
  logs: EngineLog[];
  close(): Promise<void>;
}

/** Serves `pulumirpc.Engine` on a free local port: it records log messages and answers the rest. */
export async function startEngine(): Promise<EngineServer> {
  const logs: EngineLog[] = [];
  const server = new grpc.Server();
  let rootUrn = "";
  const impl: engrpc.IEngineServer = {
    log: (call, callback) => {
      const req = call.request;
      logs.push({
        severity: SEVERITIES[req.getSeverity()] ?? "info",
        message: req.getMessage(),
        urn: req.getUrn(),
      });
      callback(null, new Empty());
    },
    getRootResource: (_call, callback) => {
      callback(null, new engproto.GetRootResourceResponse().setUrn(rootUrn));
    },
    setRootResource: (call, callback) => {
      rootUrn = call.request.getUrn();
      callback(null, new engproto.SetRootResourceResponse());
    },
    startDebugging: (_call, callback) => {
      callback(null, new Empty());
    },
    requirePulumiVersion: (_call, callback) => {
      callback(null, new engproto.RequirePulumiVersionResponse());
    },
  };
  server.addService(engrpc.EngineService, impl);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    );
  });
  return {
    address: `127.0.0.1:${port}`,
    logs,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}
