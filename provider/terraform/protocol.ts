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

type Loaded = Record<string, Record<string, { service: grpc.ServiceDefinition }>>;

export function loadProtocol(): ProtocolServices {
  const dir = protocolDir();
  const load = (file: string) =>
    grpc.loadPackageDefinition(protoLoader.loadSync(join(dir, file), LOADER_OPTIONS)) as unknown;
  const tf = load("tfplugin6.proto") as Loaded;
  const plugin = load("go-plugin.proto") as Loaded;
  const health = load("health.proto") as { grpc: { health: { v1: Loaded[string] } } };
  return {
    provider: tf.tfplugin6.Provider.service,
    controller: plugin.plugin.GRPCController.service,
    stdio: plugin.plugin.GRPCStdio.service,
    health: health.grpc.health.v1.Health.service,
  };
}
