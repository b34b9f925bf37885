/** Choosing a backend from `--backend` / `EXREC_BACKEND`, and keeping passwords out of messages. */
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { BackendError, LocalBackend, maskSecrets, openBackend } from "../../provider/backend/index.js";
import { tempDir } from "./harness.js";

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((f) => fs.rm(f, { recursive: true, force: true })));
});

describe("openBackend", () => {
  test.each([undefined, "", "   "])("%j selects the local folder, created if missing", async (spec) => {
    const parent = await tempDir();
    folders.push(parent);
    const dir = join(parent, ".exrec");
    const backend = await openBackend(spec, { dir });
    expect(backend).toBeInstanceOf(LocalBackend);
    expect(backend.description).toBe(`local folder ${dir}`);
    expect((await fs.stat(dir)).isDirectory()).toBe(true);
    await backend.close();
  });

  test.each([
    ["mysql://admin:hunter2-secret@db.example/exrec", "mysql://admin:****@db.example/exrec"],
    ["https://user:hunter2-secret@example.com/", "https://user:****@example.com/"],
    ["host=db.example password=hunter2-secret", "host=db.example password=****"],
    ["s3://bucket/exrec", "s3://bucket/exrec"],
  ])("an unsupported value %s is refused with EXREC_BACKEND, masked as %s", async (spec, masked) => {
    const error = await openBackend(spec, { dir: "unused" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).code).toBe("EXREC_BACKEND");
    expect((error as BackendError).message).toContain(masked);
    expect((error as BackendError).message).not.toContain("hunter2");
    expect((error as BackendError).hint).toContain("postgres://");
  });
});

describe("maskSecrets", () => {
  test.each([
    ["postgres://exrec:pw@127.0.0.1:5432/db", "postgres://exrec:****@127.0.0.1:5432/db"],
    ["postgresql://exrec:p@ss@w0rd@db.example/db", "postgresql://exrec:****@db.example/db"],
    ["postgres://exrec@db.example/db", "postgres://exrec@db.example/db"],
    [
      "postgres://db.example/db?user=exrec&password=pw&sslmode=require",
      "postgres://db.example/db?user=exrec&password=****&sslmode=require",
    ],
    [
      "failed: connect to postgres://u:pw@h/db (ECONNREFUSED)",
      "failed: connect to postgres://u:****@h/db (ECONNREFUSED)",
    ],
  ])("%s reads %s", (text, masked) => {
    expect(maskSecrets(text)).toBe(masked);
  });
});
