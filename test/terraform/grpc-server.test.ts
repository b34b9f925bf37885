/**
 * The plugin's gRPC server, called by an independent gRPC client (@grpc/grpc-js) as Terraform calls
 * it: over the Unix socket of the handshake line, with mutual TLS. Only the exact client
 * certificate of PLUGIN_CLIENT_CERT, within its validity, gets an answer; the server's own
 * certificate is the one the handshake line carries. And the wire itself, in the clear: a
 * compressed or oversized message, an unknown method, a stream.
 */
import { connect, constants, type ClientHttp2Session } from "node:http2";
import { once } from "node:events";
import { connect as netConnect } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GrpcServer, GrpcStatus } from "../../provider/terraform/grpc.js";
import { loadProtocol, type Message, type MethodCodec } from "../../provider/terraform/protocol.js";
import {
  MAGIC_COOKIE_KEY,
  MAGIC_COOKIE_VALUE,
  servePlugin,
  type RunningPlugin,
} from "../../provider/terraform/server.js";
import { makeServerCertificate, type ServerCertificate } from "../../provider/terraform/tls.js";

const protocol = loadProtocol();
const method = (methods: MethodCodec[], name: string): MethodCodec => {
  const found = methods.find((m) => m.name === name);
  if (!found) throw new Error(`no method ${name}`);
  return found;
};
const GET_SCHEMA = method(protocol.provider, "GetProviderSchema");
const HEALTH_CHECK = method(protocol.health, "Check");

/** The server certificate of a handshake line, as PEM. */
function serverCertificateOf(handshake: string): Buffer {
  // The line carries base64 without padding; PEM wants it back.
  const der = Buffer.from(handshake.trim().split("|")[5] ?? "", "base64");
  const body =
    der
      .toString("base64")
      .match(/.{1,64}/g)
      ?.join("\n") ?? "";
  return Buffer.from(`-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`);
}

function socketOf(handshake: string): string {
  return handshake.trim().split("|")[3] ?? "";
}

/** One unary call through grpc-js; the answer, or the status it failed with. */
function call(
  handshake: string,
  codec: MethodCodec,
  request: Message,
  client: ServerCertificate | null,
): Promise<{ answer: Message } | { code: grpc.status; details: string }> {
  const credentials = handshake.trim().endsWith("|")
    ? grpc.credentials.createInsecure()
    : grpc.credentials.createSsl(
        serverCertificateOf(handshake),
        client ? Buffer.from(client.keyPem) : null,
        client ? Buffer.from(client.certPem) : null,
      );
  const channel = new grpc.Client(`unix://${socketOf(handshake)}`, credentials, {
    "grpc.ssl_target_name_override": "localhost",
    "grpc.default_authority": "localhost",
  });
  return new Promise((resolve) => {
    channel.makeUnaryRequest(
      codec.path,
      (value: Message) => Buffer.from(codec.encodeRequest(value)),
      (bytes: Buffer) => codec.decodeResponse(bytes),
      request,
      { deadline: Date.now() + 10_000 },
      (error, answer) => {
        channel.close();
        if (error) resolve({ code: error.code, details: error.details });
        else resolve({ answer: answer ?? {} });
      },
    );
  });
}

describe("the plugin's gRPC server with go-plugin's mutual TLS", () => {
  const terraform = makeServerCertificate();
  let plugin: RunningPlugin;

  beforeAll(async () => {
    let line = "";
    plugin = await servePlugin({
      env: {
        [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
        PLUGIN_PROTOCOL_VERSIONS: "5,6",
        PLUGIN_CLIENT_CERT: terraform.certPem,
      },
      write: (text) => (line += text),
    });
    expect(line).toBe(`${plugin.handshake}\n`);
  });
  afterAll(async () => {
    await plugin?.stop();
  });

  it("answers the client holding the certificate Terraform handed over", async () => {
    const schema = await call(plugin.handshake, GET_SCHEMA, {}, terraform);
    expect(schema).toMatchObject({
      answer: {
        resource_schemas: { exrec_account: expect.any(Object), exrec_platform: expect.any(Object) },
        server_capabilities: { plan_destroy: true },
      },
    });
    expect(await call(plugin.handshake, HEALTH_CHECK, { service: "plugin" }, terraform)).toEqual({
      answer: { status: "SERVING" },
    });
  });

  it("answers nothing to a client with another certificate, or with none", async () => {
    const stranger = makeServerCertificate();
    const refused = await call(plugin.handshake, GET_SCHEMA, {}, stranger);
    expect(refused).toMatchObject({ code: grpc.status.UNAVAILABLE });
    expect(await call(plugin.handshake, GET_SCHEMA, {}, null)).toMatchObject({
      code: grpc.status.UNAVAILABLE,
    });
    // The server is still there for Terraform.
    expect(await call(plugin.handshake, HEALTH_CHECK, {}, terraform)).toEqual({
      answer: { status: "SERVING" },
    });
  });

  it("refuses Terraform's own certificate once it has expired", async () => {
    const expired = makeServerCertificate(new Date(Date.now() - 3 * 24 * 3600_000));
    let line = "";
    const other = await servePlugin({
      env: { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_CLIENT_CERT: expired.certPem },
      write: (text) => (line += text),
    });
    try {
      expect(line).not.toBe("");
      expect(await call(other.handshake, HEALTH_CHECK, {}, expired)).toMatchObject({
        code: grpc.status.UNAVAILABLE,
      });
    } finally {
      await other.stop();
    }
  });

  it("refuses to start, naming the variable and printing no handshake, when PLUGIN_CLIENT_CERT is no certificate", async () => {
    let line = "";
    const starting = servePlugin({
      env: { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_CLIENT_CERT: "not a certificate" },
      write: (text) => (line += text),
    });
    await expect(starting).rejects.toMatchObject({
      code: "EXREC_TF_NOT_A_PLUGIN",
      message: expect.stringContaining("PLUGIN_CLIENT_CERT holds no PEM certificate"),
    });
    expect(line).toBe("");
  });

  it("serves in the clear, with no certificate on the handshake line, when TLS is disabled", async () => {
    const clear = await servePlugin({
      env: {
        [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
        PLUGIN_CLIENT_CERT: terraform.certPem,
        TF_DISABLE_PLUGIN_TLS: "1",
      },
      write: () => undefined,
    });
    try {
      expect(clear.handshake).toMatch(/^1\|6\|unix\|[^|]+\|grpc\|$/);
      expect(await call(clear.handshake, HEALTH_CHECK, {}, null)).toEqual({ answer: { status: "SERVING" } });
    } finally {
      await clear.stop();
    }
  });
});

/** A raw HTTP/2 exchange: what gRPC's wire says, byte for byte. */
async function exchange(
  session: ClientHttp2Session,
  path: string,
  body: Buffer,
): Promise<{ headers: Record<string, unknown>; trailers: Record<string, unknown>; data: Buffer }> {
  const stream = session.request({
    [constants.HTTP2_HEADER_METHOD]: "POST",
    [constants.HTTP2_HEADER_PATH]: path,
    [constants.HTTP2_HEADER_CONTENT_TYPE]: "application/grpc",
    te: "trailers",
  });
  let headers: Record<string, unknown> = {};
  let trailers: Record<string, unknown> = {};
  const chunks: Buffer[] = [];
  stream.on("response", (h) => (headers = { ...h }));
  stream.on("trailers", (t) => (trailers = { ...t }));
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  stream.end(body);
  await once(stream, "close");
  return { headers, trailers, data: Buffer.concat(chunks) };
}

const framed = (bytes: Uint8Array, compressed = 0) => {
  const out = Buffer.alloc(5 + bytes.length);
  out[0] = compressed;
  out.writeUInt32BE(bytes.length, 1);
  out.set(bytes, 5);
  return out;
};

describe("the gRPC wire of the plugin's server", () => {
  let dir: string;
  let server: GrpcServer;
  let session: ClientHttp2Session;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "exrec-grpc-"));
    server = new GrpcServer({ tls: null, maxReceiveBytes: 64 });
    server.addUnary(HEALTH_CHECK, (request) => ({
      status: request.service === "down" ? "NOT_SERVING" : "SERVING",
    }));
    server.addStream(method(protocol.health, "Watch"), (_request, send, end) => {
      send({ status: "SERVING" });
      send({ status: "NOT_SERVING" });
      end();
    });
    await server.listen(join(dir, "grpc.sock"));
    const socket = join(dir, "grpc.sock");
    session = connect("http://localhost", { createConnection: () => netConnect(socket) });
  });
  afterAll(async () => {
    session?.close();
    server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("answers one length-prefixed message, then the status in the trailers", async () => {
    const reply = await exchange(
      session,
      HEALTH_CHECK.path,
      framed(HEALTH_CHECK.encodeRequest({ service: "down" })),
    );
    expect(reply.headers[":status"]).toBe(200);
    expect(String(reply.headers["content-type"])).toMatch(/^application\/grpc/);
    expect(reply.trailers["grpc-status"]).toBe("0");
    expect(reply.data[0]).toBe(0);
    expect(reply.data.readUInt32BE(1)).toBe(reply.data.length - 5);
    expect(HEALTH_CHECK.decodeResponse(reply.data.subarray(5))).toEqual({ status: "NOT_SERVING" });
  });

  it("answers a stream with each message in turn", async () => {
    const watch = method(protocol.health, "Watch");
    const reply = await exchange(session, watch.path, framed(watch.encodeRequest({})));
    const messages: Message[] = [];
    for (let at = 0; at < reply.data.length;) {
      const length = reply.data.readUInt32BE(at + 1);
      messages.push(watch.decodeResponse(reply.data.subarray(at + 5, at + 5 + length)));
      at += 5 + length;
    }
    expect(messages).toEqual([{ status: "SERVING" }, { status: "NOT_SERVING" }]);
    expect(reply.trailers["grpc-status"]).toBe("0");
  });

  it("refuses a compressed message, an oversized one, a cut one and an unknown method, by status", async () => {
    const request = HEALTH_CHECK.encodeRequest({ service: "x" });
    const statusOf = async (path: string, body: Buffer) => {
      const reply = await exchange(session, path, body);
      // Trailers only: the status comes in the response's headers.
      return Number(reply.headers["grpc-status"] ?? reply.trailers["grpc-status"]);
    };
    expect(await statusOf(HEALTH_CHECK.path, framed(request, 1))).toBe(GrpcStatus.UNIMPLEMENTED);
    expect(await statusOf(HEALTH_CHECK.path, framed(Buffer.alloc(65, 1)))).toBe(
      GrpcStatus.RESOURCE_EXHAUSTED,
    );
    expect(await statusOf(HEALTH_CHECK.path, framed(request).subarray(0, 6))).toBe(GrpcStatus.INTERNAL);
    expect(await statusOf("/tfplugin6.Provider/CallFunction", framed(request))).toBe(
      GrpcStatus.UNIMPLEMENTED,
    );
    // Still serving after all that.
    expect(await statusOf(HEALTH_CHECK.path, framed(request))).toBe(GrpcStatus.OK);
  });
});
