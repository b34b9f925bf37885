import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  DEFAULT_MAX_MANIFEST_BYTES,
  loadDesired,
  ManifestError,
  validateFiles,
} from "../../reconciler/load/index.js";
import { decodeUtf8, invalidUtf8Offset, maxManifestBytes } from "../../reconciler/load/read.js";
import { tempDir } from "./helpers.js";
import { localFileSystem } from "../../provider/system/files.js";

const dir = tempDir();
afterAll(() => dir.remove());

const VALID = "version: 1\nplatforms: []\n";

describe("size limit", () => {
  it("is 32 MiB unless EXREC_MAX_MANIFEST_BYTES sets another", () => {
    expect(DEFAULT_MAX_MANIFEST_BYTES).toBe(32 * 1024 * 1024);
    expect(maxManifestBytes({})).toBe(DEFAULT_MAX_MANIFEST_BYTES);
    expect(maxManifestBytes({ EXREC_MAX_MANIFEST_BYTES: "64" })).toBe(64);
    expect(maxManifestBytes({ EXREC_MAX_MANIFEST_BYTES: "-1" })).toBe(DEFAULT_MAX_MANIFEST_BYTES);
  });

  it("refuses a file over the limit without parsing it, and accepts one exactly at the limit", async () => {
    // What the CLI passes when EXREC_MAX_MANIFEST_BYTES is set (the engine reads no environment).
    const limit = {
      files: localFileSystem,
      maxBytes: maxManifestBytes({ EXREC_MAX_MANIFEST_BYTES: String(VALID.length) }),
    };
    const atLimit = dir.write("at-limit.yaml", VALID);
    // Over the limit and not even YAML: only the size is reported, because nothing was parsed.
    const over = dir.write("over-limit.yaml", `${VALID}\t[`);
    expect(await validateFiles([atLimit], limit)).toEqual([]);
    const problems = await validateFiles([over], limit);
    expect(problems).toEqual([
      {
        file: over,
        line: 1,
        col: 1,
        message: `the file is ${VALID.length + 2} bytes, over exrec's limit of ${VALID.length} bytes for a manifest; it was not read (split it into several files)`,
      },
    ]);
  });

  it("refuses a generated file over the default 32 MiB", async () => {
    const big = dir.write("big.yaml", `${VALID}${"# padding\n".repeat(DEFAULT_MAX_MANIFEST_BYTES / 10 + 1)}`);
    await expect(loadDesired([big], { files: localFileSystem })).rejects.toThrow(
      /over exrec's limit of 33554432 bytes/,
    );
  });
});

describe("UTF-8", () => {
  const cases: [string, number[], number | null][] = [
    ["ASCII", [0x61, 0x62], null],
    ["two-, three- and four-byte characters", [0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], null],
    ["a Latin-1 é", [0x61, 0xe9, 0x62], 1],
    ["an overlong slash", [0x61, 0xc0, 0xaf], 1],
    ["a UTF-16 surrogate", [0x61, 0x62, 0xed, 0xa0, 0x80], 2],
    ["a sequence cut short at the end", [0x61, 0xe2, 0x82], 1],
    ["a code point above U+10FFFF", [0xf4, 0x90, 0x80, 0x80], 0],
    ["a stray continuation byte", [0x80], 0],
  ];
  it.each(cases)("finds the first invalid byte offset in %s", (_name, bytes, offset) => {
    expect(invalidUtf8Offset(Uint8Array.from(bytes))).toBe(offset);
    const result = decodeUtf8(Uint8Array.from(bytes), "f.yaml");
    expect(result.ok).toBe(offset === null);
  });

  it("locates the invalid byte by line and column in characters", () => {
    const bytes = Buffer.concat([Buffer.from("a: 1\nb: é"), Buffer.from([0xff])]);
    const result = decodeUtf8(bytes, "f.yaml");
    expect(result).toMatchObject({ ok: false, problem: { line: 2, col: 5 } });
  });

  it("reads a file that starts with a byte-order mark", async () => {
    const file = dir.write("bom.yaml", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(VALID)]));
    expect(await validateFiles([file], { files: localFileSystem })).toEqual([]);
  });
});

describe("what is not a regular file", () => {
  it("refuses a FIFO named as a manifest at once, instead of waiting for a writer", async () => {
    const fifo = join(dir.path, "pipe.yaml");
    execFileSync("mkfifo", [fifo]);
    expect(await validateFiles([fifo], { files: localFileSystem })).toEqual([
      {
        file: fifo,
        line: 1,
        col: 1,
        message: "not a regular file: give a YAML manifest, a cdk.tf.json or a cdktf.out folder",
      },
    ]);
  });
});

describe("hostile structure", () => {
  it("reports absurdly nested YAML as a problem instead of crashing", async () => {
    const file = dir.write("nested.yaml", `${"[".repeat(20_000)}${"]".repeat(20_000)}\n`);
    const error = await loadDesired([file], { files: localFileSystem }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ManifestError);
  });

  it("reports absurdly nested JSON as a problem instead of crashing", async () => {
    const file = dir.write("nested.json", `${"[".repeat(20_000)}${"]".repeat(20_000)}`);
    const error = await loadDesired([file], { files: localFileSystem }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ManifestError);
  });

  it("accepts a few aliases, as YAML allows", async () => {
    const file = dir.write(
      "aliases.yaml",
      "version: 1\nplatforms:\n  - organization: &name hosted-ab12345-1\n    service: *name\n    offer: hosted\n",
    );
    const desired = await loadDesired([file], { files: localFileSystem });
    expect(desired.platforms[0]).toMatchObject({
      organization: "hosted-ab12345-1",
      service: "hosted-ab12345-1",
    });
  });
});
