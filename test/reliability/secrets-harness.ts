/**
 * The secrets sweep: every command, with and without --debug, against a sandbox whose credentials
 * are fresh random strings, then a grep of everything exrec printed or wrote (stdout, stderr, plan
 * files, drift reports, imported manifests, the journal, the history, the locks) for every secret
 * that took part: the application secret, the consumer key, the client secret, each request
 * signature, each bearer token, and each generated password.
 *
 * A small recording proxy sits between the CLI and the sandbox, on loopback: it forwards every
 * request unchanged and keeps the signatures and bearer tokens that crossed it, so that the sweep
 * looks for the very values used, not for a pattern.
 */
import { randomBytes } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Sandbox, SandboxCredentials } from "../../provider/sandbox/types.js";
import { runCli, tempDir, type CliResult } from "../support/cli.js";
import { FIXED_NOW, testSandbox } from "../support/sandbox.js";
import { DEMO, ORDER_POST } from "./harness.js";

export function randomCredentials(): SandboxCredentials {
  const secret = () => randomBytes(18).toString("base64url");
  return {
    applicationKey: `ak${secret()}`,
    applicationSecret: `as${secret()}`,
    consumerKey: `ck${secret()}`,
    clientId: `ci${secret()}`,
    clientSecret: `cs${secret()}`,
  };
}

export interface RecordingProxy {
  /** The proxy's base URL, `/1.0` included. */
  url: string;
  /** Signatures and bearer tokens seen in requests, and tokens seen in answers. */
  seen: Set<string>;
  close(): Promise<void>;
}

/** A loopback proxy in front of the sandbox that records every credential that crosses it. */
export async function recordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const seen = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      recordRequest(req, seen);
      const forward = request(
        // The Host header is kept: the signature covers the URL the client called, the proxy's.
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          const body: Buffer[] = [];
          answer.on("data", (c: Buffer) => body.push(c));
          answer.on("end", () => {
            const text = Buffer.concat(body).toString("utf8");
            const token = /"access_token"\s*:\s*"([^"]+)"/.exec(text);
            if (token) seen.add(token[1]!);
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(text);
          });
        },
      );
      forward.on("error", () => req.socket.destroy());
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/1.0`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function recordRequest(req: IncomingMessage, seen: Set<string>): void {
  const signature = req.headers["x-ovh-signature"];
  if (typeof signature === "string") seen.add(signature);
  const authorization = req.headers.authorization;
  if (typeof authorization === "string" && /^bearer /i.test(authorization))
    seen.add(authorization.replace(/^bearer /i, ""));
}

/** Every file under `dir`, recursively, with its mode. */
export async function filesUnder(dir: string): Promise<{ path: string; mode: number }[]> {
  const out: { path: string; mode: number }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push({ path, mode: (await stat(path)).mode & 0o777 });
  }
  return out;
}

export interface Sweep {
  sandbox: Sandbox;
  proxy: RecordingProxy;
  home: string;
  secretsFile: string;
  planFile: string;
  /** Every command's result, by a name for failure messages. */
  results: Map<string, CliResult>;
  close(): Promise<void>;
}

/**
 * Runs every command against a fresh sandbox with the given credentials (environment built by
 * `envFor`), each with and without --debug where it talks to the API, including commands that fail
 * on purpose (a wrong secret, a server error on a request carrying a password).
 */
export async function sweepAllCommands(
  credentials: SandboxCredentials,
  envFor: (url: string, home: string, credentials: SandboxCredentials) => Record<string, string>,
): Promise<Sweep> {
  const sandbox = await testSandbox({ credentials });
  const proxy = await recordingProxy(sandbox.url);
  const home = await tempDir("exrec-secrets-");
  const env = { ...envFor(proxy.url, home, credentials), EXREC_NOW: FIXED_NOW };
  const secretsFile = join(home, "secrets.json");
  const planFile = join(home, "demo.plan.json");
  const results = new Map<string, CliResult>();
  const cli = async (name: string, args: string[], extraEnv: Record<string, string> = {}) => {
    const result = await runCli(args, { cwd: home, env: { ...env, ...extraEnv } });
    results.set(name, result);
    return result;
  };

  await cli("validate", ["validate", DEMO]);
  await cli("plan --debug", ["plan", DEMO, "--debug"]);
  await cli("plan json --out", ["plan", DEMO, "--format", "json", "--out", planFile]);
  await cli("plan markdown", ["plan", DEMO, "--format", "markdown"]);
  // A server error on the POST that carries a generated password, with --debug: the error and the
  // debug lines name the call, never the body.
  sandbox.addFault({ method: "POST", path: /service\/private-ab12345-1\/account$/, kind: "500", times: 1 });
  await cli("apply with a failing add --debug", [
    "apply",
    DEMO,
    "--auto-approve",
    "--allow-destroy",
    "--secrets-out",
    secretsFile,
    "--debug",
  ]);
  sandbox.addFault({ method: "POST", path: ORDER_POST, kind: "effect-then-500", times: 1 });
  await cli("apply --debug", [
    "apply",
    DEMO,
    "--auto-approve",
    "--allow-destroy",
    "--secrets-out",
    secretsFile,
    "--debug",
  ]);
  await cli("apply saved plan (stale) --debug", [
    "apply",
    planFile,
    "--auto-approve",
    "--allow-destroy",
    "--secrets-out",
    secretsFile,
    "--debug",
  ]);
  await cli("apply again", [
    "apply",
    DEMO,
    "--auto-approve",
    "--allow-destroy",
    "--secrets-out",
    secretsFile,
  ]);
  await cli("drift --debug", ["drift", DEMO, "--debug"]);
  await cli("drift html --out", ["drift", DEMO, "--format", "html", "--out", join(home, "drift.html")]);
  await cli("drift json --out", ["drift", DEMO, "--format", "json", "--out", join(home, "drift.json")]);
  await cli("import --debug --out", ["import", "--debug", "--out", join(home, "imported.yaml")]);
  await cli("history", ["history"]);
  await cli("history json", ["history", "--format", "json"]);
  // Wrong secrets are secrets too: a refused request must not print them.
  const wrong = {
    ...credentials,
    applicationSecret: `${credentials.applicationSecret}x`,
    clientSecret: `${credentials.clientSecret}x`,
  };
  await cli("plan with a wrong secret --debug", ["plan", DEMO, "--debug"], envFor(proxy.url, home, wrong));

  return {
    sandbox,
    proxy,
    home,
    secretsFile,
    planFile,
    results,
    close: async () => {
      await proxy.close();
      await sandbox.close();
    },
  };
}

/** The generated passwords, as the secrets file holds them. */
export async function generatedPasswords(secretsFile: string): Promise<string[]> {
  const parsed = JSON.parse(await readFile(secretsFile, "utf8")) as { accounts: { password: string }[] };
  return parsed.accounts.map((a) => a.password);
}

/** Where each secret was found: `secret-name in place`. Empty when none leaked. */
export async function leaks(sweep: Sweep, secrets: Record<string, string>): Promise<string[]> {
  const places: { name: string; text: string }[] = [];
  for (const [name, result] of sweep.results) {
    places.push(
      { name: `${name} stdout`, text: result.stdout },
      { name: `${name} stderr`, text: result.stderr },
    );
  }
  for (const file of await filesUnder(sweep.home)) {
    if (file.path === sweep.secretsFile) continue; // the one place passwords belong
    places.push({ name: file.path.slice(sweep.home.length + 1), text: await readFile(file.path, "latin1") });
  }
  const found: string[] = [];
  for (const [secretName, value] of Object.entries(secrets)) {
    for (const place of places) if (place.text.includes(value)) found.push(`${secretName} in ${place.name}`);
  }
  return found;
}
