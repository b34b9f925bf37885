/**
 * Starting as a Terraform plugin (HashiCorp go-plugin, as Terraform 1.x and OpenTofu run it):
 * check the magic cookie, serve gRPC over a Unix socket with mutual TLS, print the one handshake
 * line on stdout, and answer the health check, the controller's Shutdown and the stdio stream
 * beside the provider service. Nothing else is ever written to stdout: logs go to stderr.
 */
import { X509Certificate } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { NotAPluginError } from "./errors.js";
import { GrpcServer, type ServerTls } from "./grpc.js";
import { loadProtocol } from "./protocol.js";
import { ExrecProvider, rpcHandlers } from "./provider.js";
import { makeSocketDir } from "./socket-dir.js";
import { makeServerCertificate } from "./tls.js";

/** go-plugin's handshake cookie for Terraform providers (the same for OpenTofu). */
export const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
export const MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const CORE_PROTOCOL_VERSION = 1;
const APP_PROTOCOL_VERSION = 6;

export interface ServeOptions {
  env?: NodeJS.ProcessEnv;
  /** Where the handshake line goes (stdout). */
  write?: (line: string) => void;
}

export interface RunningPlugin {
  handshake: string;
  stop(): Promise<void>;
}

/** Terraform's client certificate, from PLUGIN_CLIENT_CERT (PEM). */
function clientCertificateOf(pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (thrown) {
    throw new NotAPluginError(
      `PLUGIN_CLIENT_CERT holds no PEM certificate (${thrown instanceof Error ? thrown.message : String(thrown)})`,
      { hint: "terraform and tofu set it to their own certificate when they start the plugin" },
    );
  }
}

export async function servePlugin(options: ServeOptions = {}): Promise<RunningPlugin> {
  const env = options.env ?? process.env;
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    throw new NotAPluginError(
      "terraform-provider-exrec is a Terraform plugin, started by terraform or tofu; it does nothing on its own",
      {
        hint: "run `npx exrec terraform install`, then `terraform init` in your configuration (see docs/TERRAFORM.md); or use `exrec plan` / `exrec apply` directly",
      },
    );
  }
  const versions = (env.PLUGIN_PROTOCOL_VERSIONS ?? String(APP_PROTOCOL_VERSION))
    .split(",")
    .map((v) => v.trim());
  if (!versions.includes(String(APP_PROTOCOL_VERSION))) {
    throw new NotAPluginError(
      `this Terraform offers plugin protocol(s) ${versions.join(", ")}; terraform-provider-exrec speaks protocol 6 (Terraform 1.0 and later, OpenTofu)`,
    );
  }

  const protocol = loadProtocol();
  const clientCert = env.PLUGIN_CLIENT_CERT;
  let certificate = "";
  let tls: ServerTls | null = null;
  if (clientCert && !env.TF_DISABLE_PLUGIN_TLS) {
    const cert = makeServerCertificate();
    certificate = cert.handshakeBase64;
    tls = { certPem: cert.certPem, keyPem: cert.keyPem, clientCertificate: clientCertificateOf(clientCert) };
  }
  const server = new GrpcServer({ tls, maxReceiveBytes: 256 * 1024 * 1024 });
  let shutdown: () => void = () => undefined;
  const provider = new ExrecProvider();
  const handlers = rpcHandlers(provider);
  for (const method of protocol.provider) {
    const handler = handlers[method.name];
    if (handler) server.addUnary(method, handler);
  }
  for (const method of protocol.health) {
    if (method.name === "Check") server.addUnary(method, () => ({ status: "SERVING" }));
    // The client ends the watch when it no longer cares; the status never changes.
    if (method.name === "Watch") server.addStream(method, (_request, send) => send({ status: "SERVING" }));
  }
  for (const method of protocol.controller) {
    if (method.name === "Shutdown")
      server.addUnary(method, () => {
        // Answer first, then go: Terraform otherwise waits for the process to end on its own.
        setImmediate(() => shutdown());
        return {};
      });
  }
  for (const method of protocol.stdio) {
    // Logs go to stderr, which Terraform reads itself: the stream has nothing to carry.
    if (method.name === "StreamStdio") server.addStream(method, (_request, _send, end) => end());
  }

  // Also removes the socket folders that providers killed earlier could not (socket-dir.ts).
  const dir = makeSocketDir();
  const socket = join(dir, "plugin.sock");
  await server.listen(socket);
  const handshake = `${CORE_PROTOCOL_VERSION}|${APP_PROTOCOL_VERSION}|unix|${socket}|grpc|${certificate}`;
  (options.write ?? ((line) => process.stdout.write(line)))(`${handshake}\n`);

  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      server.close();
      await provider.close();
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };
  shutdown = () => void stop().finally(() => process.exit(0));
  return { handshake, stop };
}
