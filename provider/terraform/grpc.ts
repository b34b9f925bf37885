/**
 * The gRPC server the plugin needs, on node:http2: unary calls and calls that answer a stream, on a
 * Unix socket, with go-plugin's mutual TLS or in the clear. This is the wire format of gRPC over
 * HTTP/2 as its specification gives it (PROTOCOL-HTTP2.md in grpc/grpc): a POST to
 * /package.Service/Method, each message prefixed by a compressed flag and a 4-byte big-endian
 * length, the status in the trailers. Terraform starts the plugin several times per command, and a
 * general-purpose gRPC library took a third of each start to load.
 *
 * Terraform's client certificate is checked here, not by OpenSSL's chain verification: it must be
 * exactly the certificate Terraform handed over (PLUGIN_CLIENT_CERT), and valid now. That is
 * stricter than trusting it as a CA, and it spares building a store of the public CAs at each start
 * (which Node does for any trusted certificate it is given, even when it trusts only that one).
 */
import type { X509Certificate } from "node:crypto";
import {
  constants,
  createSecureServer,
  createServer,
  type Http2Server,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from "node:http2";
import type { TLSSocket } from "node:tls";
import type { Message, MethodCodec } from "./protocol.js";

/** gRPC status codes (grpc/grpc doc/statuscodes.md) the server answers with. */
export const GrpcStatus = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAUTHENTICATED: 16,
} as const;

/** Answers one request with one message. */
export type UnaryHandler = (request: Message) => Promise<Message> | Message;
/** Answers one request with messages written to `send`, until `end` (or until the client goes). */
export type StreamHandler = (request: Message, send: (message: Message) => void, end: () => void) => void;

export interface ServerTls {
  certPem: string;
  keyPem: string;
  /** The one client certificate accepted. */
  clientCertificate: X509Certificate;
}

export interface GrpcServerOptions {
  /** Null: in the clear (TF_DISABLE_PLUGIN_TLS, or no client certificate was given). */
  tls: ServerTls | null;
  /** The largest request message accepted, in bytes. */
  maxReceiveBytes: number;
  now?: () => Date;
}

interface Route {
  codec: MethodCodec;
  unary?: UnaryHandler;
  stream?: StreamHandler;
}

const CONTENT_TYPE = "application/grpc+proto";

/** A certificate of Terraform's checker: the exact certificate, within its validity period. */
function clientCertificateCheck(trusted: X509Certificate, now: () => Date): (socket: TLSSocket) => boolean {
  const notBefore = Date.parse(trusted.validFrom);
  const notAfter = Date.parse(trusted.validTo);
  return (socket) => {
    const peer = socket.getPeerX509Certificate();
    if (!peer || !peer.raw.equals(trusted.raw)) return false;
    const t = now().getTime();
    return t >= notBefore && t <= notAfter;
  };
}

/** One length-prefixed message out of a whole request body, or why not. */
function onlyMessage(body: Buffer, max: number): { message: Buffer } | { status: number; detail: string } {
  if (body.length < 5) return { status: GrpcStatus.INTERNAL, detail: "the request holds no message" };
  const length = body.readUInt32BE(1);
  if (body[0] !== 0) {
    return { status: GrpcStatus.UNIMPLEMENTED, detail: "compressed messages are not accepted" };
  }
  if (length > max) {
    return {
      status: GrpcStatus.RESOURCE_EXHAUSTED,
      detail: `the request message is larger than ${max} bytes`,
    };
  }
  if (body.length !== 5 + length) {
    return { status: GrpcStatus.INTERNAL, detail: "the request is not one whole message" };
  }
  return { message: body.subarray(5) };
}

function frame(bytes: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + bytes.length);
  out[0] = 0;
  out.writeUInt32BE(bytes.length, 1);
  out.set(bytes, 5);
  return out;
}

/** A status the call ends with, in a response of trailers only (no message was sent). */
function endWithStatus(stream: ServerHttp2Stream, status: number, detail: string): void {
  if (stream.destroyed || stream.closed) return;
  if (stream.headersSent) {
    // Only reached by a stream whose handler failed after answering: close the call.
    stream.close(constants.NGHTTP2_INTERNAL_ERROR);
    return;
  }
  stream.respond(
    {
      [constants.HTTP2_HEADER_STATUS]: 200,
      [constants.HTTP2_HEADER_CONTENT_TYPE]: CONTENT_TYPE,
      "grpc-status": String(status),
      // Percent-encoded, as the specification asks of grpc-message.
      "grpc-message": encodeURIComponent(detail),
    },
    { endStream: true },
  );
}

export class GrpcServer {
  private readonly routes = new Map<string, Route>();
  private readonly sessions = new Set<Http2Session>();
  /** Sessions whose peer passed the certificate check (every session, in the clear). */
  private readonly trusted = new WeakSet<Http2Session>();
  private readonly http: Http2Server;
  private readonly now: () => Date;

  constructor(private readonly options: GrpcServerOptions) {
    this.now = options.now ?? (() => new Date());
    const common = {
      // As grpc-js does: Node's default session memory limit stalls large calls instead of refusing them.
      maxSessionMemory: Number.MAX_SAFE_INTEGER,
      maxSendHeaderBlockLength: Number.MAX_SAFE_INTEGER,
    };
    if (options.tls) {
      const accepts = clientCertificateCheck(options.tls.clientCertificate, this.now);
      this.http = createSecureServer({
        ...common,
        cert: options.tls.certPem,
        key: options.tls.keyPem,
        // The client must present a certificate; which one is checked below, when its session opens.
        requestCert: true,
        rejectUnauthorized: false,
        // No CA: nothing is trusted by chain (and Node builds no store of the public CAs).
        ca: [],
        minVersion: "TLSv1.2",
      });
      this.http.on("session", (session) => {
        const socket = session.socket as TLSSocket;
        if (accepts(socket)) this.trusted.add(session);
        else session.destroy();
      });
    } else {
      this.http = createServer(common);
      this.http.on("session", (session) => this.trusted.add(session));
    }
    this.http.setTimeout(0);
    this.http.on("session", (session) => {
      this.sessions.add(session);
      session.on("close", () => this.sessions.delete(session));
      session.on("error", () => undefined);
    });
    this.http.on("stream", (stream, headers) => this.call(stream, headers));
    // A client that goes away mid-handshake is its own business.
    this.http.on("tlsClientError", () => undefined);
  }

  addUnary(codec: MethodCodec, handler: UnaryHandler): void {
    this.routes.set(codec.path, { codec, unary: handler });
  }

  addStream(codec: MethodCodec, handler: StreamHandler): void {
    this.routes.set(codec.path, { codec, stream: handler });
  }

  /** Listens on a Unix socket. */
  listen(socketPath: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen(socketPath, () => {
        this.http.off("error", reject);
        // Once serving, a failed accept is logged (stderr, which Terraform shows with TF_LOG), not fatal.
        this.http.on("error", (error: Error) =>
          process.stderr.write(`exrec: the plugin's server: ${error.message}\n`),
        );
        resolve();
      });
    });
  }

  /** Stops at once: no new connection, and every open one closed. */
  close(): void {
    this.http.close();
    for (const session of this.sessions) session.destroy();
    this.sessions.clear();
  }

  private call(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    stream.on("error", () => undefined);
    if (!this.trusted.has(stream.session as Http2Session)) {
      stream.close(constants.NGHTTP2_REFUSED_STREAM);
      return;
    }
    const route = this.routes.get(String(headers[constants.HTTP2_HEADER_PATH]));
    const contentType = String(headers[constants.HTTP2_HEADER_CONTENT_TYPE] ?? "");
    if (headers[constants.HTTP2_HEADER_METHOD] !== "POST" || !contentType.startsWith("application/grpc")) {
      stream.respond({ [constants.HTTP2_HEADER_STATUS]: 415 }, { endStream: true });
      return;
    }
    if (!route) {
      endWithStatus(stream, GrpcStatus.UNIMPLEMENTED, `unknown method ${String(headers[":path"])}`);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.options.maxReceiveBytes + 5) tooLarge = true;
      else chunks.push(chunk);
    });
    stream.on("end", () => {
      if (tooLarge) {
        endWithStatus(
          stream,
          GrpcStatus.RESOURCE_EXHAUSTED,
          `the request message is larger than ${this.options.maxReceiveBytes} bytes`,
        );
        return;
      }
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      const parsed = onlyMessage(body, this.options.maxReceiveBytes);
      if ("status" in parsed) {
        endWithStatus(stream, parsed.status, parsed.detail);
        return;
      }
      let request: Message;
      try {
        request = route.codec.decodeRequest(parsed.message);
      } catch (thrown) {
        endWithStatus(stream, GrpcStatus.INTERNAL, `the request could not be decoded: ${String(thrown)}`);
        return;
      }
      if (route.unary) this.answer(stream, route.codec, route.unary, request);
      else if (route.stream) this.answerStream(stream, route.codec, route.stream, request);
    });
  }

  private startResponse(stream: ServerHttp2Stream): void {
    stream.respond(
      {
        [constants.HTTP2_HEADER_STATUS]: 200,
        [constants.HTTP2_HEADER_CONTENT_TYPE]: CONTENT_TYPE,
        "grpc-accept-encoding": "identity",
      },
      { waitForTrailers: true },
    );
    stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0", "grpc-message": "" }));
  }

  private answer(
    stream: ServerHttp2Stream,
    codec: MethodCodec,
    handler: UnaryHandler,
    request: Message,
  ): void {
    Promise.resolve()
      .then(() => handler(request))
      .then(
        (response) => {
          if (stream.destroyed || stream.closed) return;
          const bytes = frame(codec.encodeResponse(response));
          this.startResponse(stream);
          stream.end(bytes);
        },
        (thrown: unknown) =>
          endWithStatus(
            stream,
            GrpcStatus.INTERNAL,
            thrown instanceof Error ? thrown.message : String(thrown),
          ),
      )
      .catch((thrown: unknown) =>
        // The answer could not be encoded: the handler's bug, reported as the call's status.
        endWithStatus(stream, GrpcStatus.INTERNAL, thrown instanceof Error ? thrown.message : String(thrown)),
      );
  }

  private answerStream(
    stream: ServerHttp2Stream,
    codec: MethodCodec,
    handler: StreamHandler,
    request: Message,
  ): void {
    let started = false;
    const start = () => {
      if (!started) this.startResponse(stream);
      started = true;
    };
    const send = (message: Message) => {
      if (stream.destroyed || stream.closed) return;
      const bytes = frame(codec.encodeResponse(message));
      start();
      stream.write(bytes);
    };
    const end = () => {
      if (stream.destroyed || stream.closed) return;
      start();
      stream.end();
    };
    try {
      handler(request, send, end);
    } catch (thrown) {
      endWithStatus(stream, GrpcStatus.INTERNAL, thrown instanceof Error ? thrown.message : String(thrown));
    }
  }
}
