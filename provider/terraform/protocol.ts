/**
 * The plugin protocol's methods and their message codecs: Terraform's plugin protocol 6 and the
 * services go-plugin expects. Their source is the .proto files in protocol/; the build parses them
 * once into a JSON descriptor (gen/, by generate-protocol.ts), which is all the provider reads at start.
 *
 * The codecs are built here with protobuf.js's reflection alone (its light build, no .proto
 * parser): Terraform starts the plugin several times per command, and a general-purpose loader
 * also builds the reflection descriptors of every message at each start, which nothing here needs.
 */
import protobuf from "protobufjs/light.js";
import { PROTOCOL_DESCRIPTOR } from "./gen/protocol-descriptor.js";

/**
 * How decoded messages look to the handlers: the field names of the wire (snake_case, as the
 * descriptor keeps them), absent fields at their defaults, 64-bit integers as numbers, enums by
 * name, bytes as Buffers, and each oneof's present field named. These are the options of
 * @grpc/proto-loader's `keepCase: true, defaults: true, longs: Number, enums: String, oneofs: true`.
 */
const TO_OBJECT: protobuf.IConversionOptions = {
  defaults: true,
  longs: Number,
  enums: String,
  oneofs: true,
};

export type Message = Record<string, unknown>;

/** One method of a service: where it is called, whether it answers a stream, its two codecs. */
export interface MethodCodec {
  /** The HTTP/2 path of the call, e.g. /tfplugin6.Provider/GetProviderSchema. */
  path: string;
  /** The method's name, e.g. GetProviderSchema. */
  name: string;
  /** The server answers with a stream of messages (Health.Watch, GRPCStdio.StreamStdio). */
  responseStream: boolean;
  decodeRequest(bytes: Uint8Array): Message;
  encodeResponse(message: Message): Uint8Array;
  /** The other direction, for a client (tests). */
  encodeRequest(message: Message): Uint8Array;
  decodeResponse(bytes: Uint8Array): Message;
}

export interface ProtocolServices {
  provider: MethodCodec[];
  health: MethodCodec[];
  controller: MethodCodec[];
  stdio: MethodCodec[];
}

function decoder(type: protobuf.Type): (bytes: Uint8Array) => Message {
  return (bytes) => type.toObject(type.decode(bytes), TO_OBJECT);
}

function encoder(type: protobuf.Type): (message: Message) => Uint8Array {
  return (message) => type.encode(type.fromObject(message)).finish();
}

function serviceMethods(root: protobuf.Root, fullName: string): MethodCodec[] {
  return root.lookupService(fullName).methodsArray.map((method) => {
    const request = method.resolvedRequestType;
    const response = method.resolvedResponseType;
    if (!request || !response)
      throw new Error(`the plugin protocol's ${fullName}.${method.name} is unresolved`);
    return {
      path: `/${fullName}/${method.name}`,
      name: method.name,
      responseStream: method.responseStream === true,
      decodeRequest: decoder(request),
      encodeResponse: encoder(response),
      encodeRequest: encoder(request),
      decodeResponse: decoder(response),
    };
  });
}

export function loadProtocol(): ProtocolServices {
  const root = protobuf.Root.fromJSON(JSON.parse(PROTOCOL_DESCRIPTOR) as protobuf.INamespace);
  root.resolveAll();
  return {
    provider: serviceMethods(root, "tfplugin6.Provider"),
    controller: serviceMethods(root, "plugin.GRPCController"),
    stdio: serviceMethods(root, "plugin.GRPCStdio"),
    health: serviceMethods(root, "grpc.health.v1.Health"),
  };
}
