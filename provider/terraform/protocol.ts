/**
 * The gRPC service definitions the provider serves: Terraform's plugin protocol 6 and the services
 * go-plugin expects. Their source is the .proto files in protocol/; the build parses them once into
 * a JSON descriptor (gen/, by generate-protocol.ts), which is all the provider reads at start.
 */
import type * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { PROTOCOL_DESCRIPTOR } from "./gen/protocol-descriptor.js";

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

export function loadProtocol(): ProtocolServices {
  const definition = protoLoader.fromJSON(
    JSON.parse(PROTOCOL_DESCRIPTOR) as Parameters<typeof protoLoader.fromJSON>[0],
    LOADER_OPTIONS,
  );
  // The package definition names each service by its full name; a server needs no client classes.
  const service = (name: string): grpc.ServiceDefinition => {
    const found = definition[name];
    if (!found || "format" in found) throw new Error(`the plugin protocol has no service ${name}`);
    return found;
  };
  return {
    provider: service("tfplugin6.Provider"),
    controller: service("plugin.GRPCController"),
    stdio: service("plugin.GRPCStdio"),
    health: service("grpc.health.v1.Health"),
  };
}
