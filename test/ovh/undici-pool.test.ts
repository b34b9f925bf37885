/**
 * The connection pool loads without undici's HTTP/2 half (and node:http2), which only an HTTP/2
 * connection needs; the stand-in in its place loads the real module, and hands it the call, the
 * first time one is made. Checked in a fresh Node.js process of the built module, whose module
 * caches nothing else has filled.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const BUILT = fileURLToPath(new URL("../../dist/provider/ovh/undici-pool.js", import.meta.url));

const SCRIPT = `
import { createRequire } from "node:module";
const { Pool } = await import(${JSON.stringify(BUILT)});
const require = createRequire(${JSON.stringify(BUILT)});
const http2Loaded = () => process.moduleLoadList.includes("NativeModule http2");
const report = { pool: typeof Pool, http2AtStart: http2Loaded() };
const standIn = require("undici/lib/dispatcher/client-h2.js");
try {
  // Not a real client nor socket: the real module's setup refuses them, which shows it was called.
  standIn({}, {});
  report.called = "returned";
} catch (error) {
  report.called = error.code ?? error.name;
}
report.http2AfterCall = http2Loaded();
report.realInCache = require("undici/lib/dispatcher/client-h2.js") !== standIn;
process.stdout.write(JSON.stringify(report));
`;

function run(): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--input-type=module", "-e", SCRIPT],
      { env: { PATH: process.env.PATH ?? "" } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as Record<string, unknown>);
      },
    );
  });
}

describe("undici's connection pool", () => {
  it("loads without node:http2, and the HTTP/2 setup is the real one once called", async () => {
    const report = await run();
    expect(report.pool).toBe("function");
    expect(report.http2AtStart).toBe(false);
    // The real setup ran (and refused the stand-in arguments with a Node.js argument error).
    expect(report.called).toMatch(/^ERR_|Error$/);
    expect(report.http2AfterCall).toBe(true);
    expect(report.realInCache).toBe(true);
  });
});
