/**
 * Small node:http helpers: reading a body within a size limit, and answering JSON.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export type BodyResult =
  { kind: "ok"; text: string } | { kind: "too-large"; limit: number } | { kind: "aborted" };

/**
 * Reads the whole body. Past `limit` bytes it keeps reading without keeping (so that the client,
 * still sending, gets the 413 rather than a broken pipe), up to a hard ceiling where it gives up.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers["content-length"] ?? "0");
  const ceiling = Math.max(limit * 8, 16 * 1024 * 1024);
  if (declared > ceiling) {
    req.resume();
    return Promise.resolve({ kind: "too-large", limit });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > ceiling) req.destroy();
    });
    req.on("end", () =>
      resolve(
        size > limit
          ? { kind: "too-large", limit }
          : { kind: "ok", text: Buffer.concat(chunks).toString("utf8") },
      ),
    );
    req.on("error", () => resolve({ kind: "aborted" }));
    req.on("close", () => {
      if (!req.complete) resolve({ kind: "aborted" });
    });
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body ?? null);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
