/**
 * The engine's file port on this machine (provider/system/files.ts): what each call answers for a
 * regular file, a folder, a FIFO, a symbolic link and a missing path, on a real temporary folder.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localFileSystem as files } from "../../provider/system/files.js";
import { fileFailureOf } from "../../reconciler/ports.js";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "exrec-files-"));
  await writeFile(join(root, "a.yaml"), "version: 1\n");
  await mkdir(join(root, "folder"));
  await symlink(join(root, "a.yaml"), join(root, "link.yaml"));
  await symlink(join(root, "folder"), join(root, "link-folder"));
  await symlink(join(root, "gone.yaml"), join(root, "dangling.yaml"));
  execFileSync("mkfifo", [join(root, "pipe")]);
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe("read", () => {
  it("reads a whole file at or under the limit", async () => {
    const read = await files.read(join(root, "a.yaml"), 11);
    expect(read.kind).toBe("read");
    if (read.kind === "read") expect(Buffer.from(read.bytes).toString("utf8")).toBe("version: 1\n");
  });

  it("refuses a file over the limit, giving its size, without reading it", async () => {
    expect(await files.read(join(root, "a.yaml"), 10)).toEqual({ kind: "too-large", size: 11 });
  });

  it("answers not-a-file for a folder and, at once, for a FIFO with no writer", async () => {
    expect(await files.read(join(root, "folder"), 100)).toEqual({ kind: "not-a-file" });
    expect(await files.read(join(root, "pipe"), 100)).toEqual({ kind: "not-a-file" });
  });

  it("names the system's code when the file cannot be opened", async () => {
    expect(await files.read(join(root, "missing.yaml"), 100)).toMatchObject({
      kind: "failed",
      during: "open",
      failure: { code: "ENOENT" },
    });
  });
});

describe("kindOf and list", () => {
  it("says what a path is, following links, and null for a missing one", async () => {
    expect(await files.kindOf(join(root, "a.yaml"))).toBe("file");
    expect(await files.kindOf(join(root, "link.yaml"))).toBe("file");
    expect(await files.kindOf(join(root, "folder"))).toBe("folder");
    expect(await files.kindOf(join(root, "pipe"))).toBe("other");
    expect(await files.kindOf(join(root, "missing"))).toBeNull();
  });

  it("lists a folder's entries, a link as what it points to and a dangling one as a file, and null for a missing folder", async () => {
    const entries = (await files.list(root)) ?? [];
    expect([...entries].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "a.yaml", kind: "file" },
      { name: "dangling.yaml", kind: "file" },
      { name: "folder", kind: "folder" },
      { name: "link-folder", kind: "folder" },
      { name: "link.yaml", kind: "file" },
      { name: "pipe", kind: "other" },
    ]);
    expect(await files.list(join(root, "missing"))).toBeNull();
  });
});

describe("writeAtomically", () => {
  it("writes with exactly the mode asked, replacing a file, and leaves no temporary file", async () => {
    const folder = join(root, "out");
    await mkdir(folder);
    const file = join(folder, "plan.json");
    await writeFile(file, "old", { mode: 0o644 });
    await files.writeAtomically(file, "new", { mode: 0o600, durable: true });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(folder)).toEqual(["plan.json"]);
  });

  it("rejects with an error whose system code fileFailureOf reads", async () => {
    const error = await files
      .writeAtomically(join(root, "missing", "plan.json"), "x", { mode: 0o600 })
      .catch((thrown: unknown) => thrown);
    expect(fileFailureOf(error).code).toBe("ENOENT");
  });
});
