import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseSeed } from "../../provider/sandbox/seed.js";
import { EnvironmentError, UsageError } from "../errors.js";
import { note, pathIn, print, type CliIo } from "./io.js";

export interface SandboxOptions {
  port: string;
  host: string;
  state: string;
  seed: string;
  latency: string;
  pages?: boolean;
  batch?: boolean;
  tls?: boolean;
  publicUrl?: string;
}

/** `exrec sandbox`: the local OVHcloud-compatible API in the foreground, until interrupted. */
export async function sandboxCommand(io: CliIo, options: SandboxOptions): Promise<number> {
  const port = Number(options.port);
  const latencyMs = Number(options.latency);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port takes a port number, not ${options.port}`);
  if (!Number.isFinite(latencyMs) || latencyMs < 0)
    throw new UsageError(`--latency takes milliseconds, not ${options.latency}`);
  let seed;
  try {
    seed = parseSeed(options.seed);
  } catch (error) {
    throw new UsageError(`--seed: ${(error as Error).message}`);
  }
  const { startSandbox } = await import("../../provider/sandbox/server.js");
  let sandbox;
  try {
    sandbox = await startSandbox({
      host: options.host,
      port,
      stateFile: pathIn(io, options.state),
      seed,
      latencyMs,
      readModes: { pages: Boolean(options.pages), batch: Boolean(options.batch) },
      tls: Boolean(options.tls),
      ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "EADDRINUSE") {
      throw new EnvironmentError(
        `port ${port} on ${options.host} is already in use (another exrec sandbox?)`,
        {
          hint: "stop what listens there, or choose another port with --port (--port 0 takes any free one)",
        },
      );
    }
    if (code === "EACCES" || code === "EADDRNOTAVAIL") {
      throw new EnvironmentError(
        `cannot listen on ${options.host}:${port} (${code === "EACCES" ? "permission denied" : "no such local address"})`,
        { hint: "choose a port above 1023 with --port, and an address of this machine with --host" },
      );
    }
    throw error;
  }
  print(io, `exrec sandbox listening on ${sandbox.url} (state in ${options.state})`);
  if (sandbox.certificate !== null) {
    // Only the certificate (public); its key never leaves this process.
    const certificateFile = join(dirname(options.state), "sandbox-cert.pem");
    mkdirSync(dirname(pathIn(io, certificateFile)), { recursive: true });
    writeFileSync(pathIn(io, certificateFile), sandbox.certificate);
    print(
      io,
      `Its self-signed certificate: ${certificateFile} (trust it with NODE_EXTRA_CA_CERTS=${certificateFile})`,
    );
  }
  if (options.publicUrl !== undefined) print(io, `Signatures are checked against ${options.publicUrl}`);
  print(io, `Point exrec at it from another shell with:  export EXREC_SANDBOX=${sandbox.url}`);
  let stopListening = () => {};
  await new Promise<void>((resolve) => {
    stopListening = io.onStopSignal(() => resolve());
  });
  stopListening();
  await sandbox.close();
  note(io, "sandbox stopped");
  return 0;
}
