/**
 * The gRPC service definitions the provider serves, loaded from the .proto files beside this
 * module (protocol/): Terraform's plugin protocol 6 and the services go-plugin expects.
 * The .proto files stay in the source tree; the compiled module finds them from either place.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

/** The folder of the .proto files, from provider/terraform/ (sources) or dist/provider/terraform/. */
function protocolDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, "provider", "terraform", "protocol");
    if (existsSync(join(candidate, "tfplugin6.proto"))) return candidate;
    const beside = join(dir, "protocol");
    if (existsSync(join(beside, "tfplugin6.proto"))) return beside;
    dir = dirname(dir);
  }
  throw new Error("the provider's protocol files (provider/terraform/protocol/*.proto) are missing");
}

// keepCase: the field names of the wire (snake_case); enums as their names; 64-bit ints as numbers.
const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  defaults: true,
  longs: Number,
  enums: String,
  oneofs: true,
};

export interface ProtocolServices {
  provider: grpc.ServiceDefinition;
  health: grpc.ServiceDefinition;
  controller: grpc.ServiceDefinition;
  stdio: grpc.ServiceDefinition;
}

/**
 * The service `path` (e.g. `tfplugin6.Provider`) of a loaded .proto file. A missing one means the
 * .proto files beside the provider are not the ones it was written for.
 */
function serviceAt(loaded: unknown, file: string, path: string): grpc.ServiceDefinition {
  let node: unknown = loaded;
  for (const name of path.split(".")) {
    node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[name] : undefined;
  }
  const service =
    typeof node === "function" || typeof node === "object"
      ? (node as { service?: unknown } | null)?.service
      : undefined;
  if (typeof service !== "object" || service === null)
    throw new Error(`the provider's protocol file ${file} defines no service ${path}`);
  return service as grpc.ServiceDefinition;
}

export function loadProtocol(): ProtocolServices {
  const dir = protocolDir();
  const load = (file: string) =>
    grpc.loadPackageDefinition(protoLoader.loadSync(join(dir, file), LOADER_OPTIONS)) as unknown;
  const tf = load("tfplugin6.proto");
  const plugin = load("go-plugin.proto");
  const health = load("health.proto");
  return {
    provider: serviceAt(tf, "tfplugin6.proto", "tfplugin6.Provider"),
    controller: serviceAt(plugin, "go-plugin.proto", "plugin.GRPCController"),
    stdio: serviceAt(plugin, "go-plugin.proto", "plugin.GRPCStdio"),
    health: serviceAt(health, "health.proto", "grpc.health.v1.Health"),
  };
}
