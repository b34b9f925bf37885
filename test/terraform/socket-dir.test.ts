/**
 * The provider's socket folders: a provider killed before it could remove its own leaves it behind,
 * and the next provider's start removes it. Only folders of this user whose process has ended are
 * removed; the running ones' (this one's, another live process's), old unnamed ones and files stay.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeSocketDir, removeStaleSocketDirs } from "../../provider/terraform/socket-dir.js";

let root: string | null = null;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = null;
});

/** The id of a process that has ended. */
function deadPid(): number {
  const ended = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(ended.stdout);
}

describe("socket folders of providers that were killed", () => {
  it("are removed at the next start; those of running processes, unnamed ones and files stay", async () => {
    root = await mkdtemp(join(tmpdir(), "exrec-socket-dirs-"));
    const alive = spawn(process.execPath, ["-e", "setTimeout(() => {}, 20000)"]);
    try {
      const dead = deadPid();
      const names = {
        dead: `exrec-plugin-${dead}-a1b2c3`,
        deadWithSocket: `exrec-plugin-${dead}-d4e5f6`,
        mine: `exrec-plugin-${process.pid}-g7h8i9`,
        alive: `exrec-plugin-${alive.pid}-j1k2l3`,
        unnamed: "exrec-plugin-m4n5o6",
        file: `exrec-plugin-${dead}-file`,
        other: "something-else",
      };
      for (const [kind, name] of Object.entries(names)) {
        if (kind === "file") writeFileSync(join(root, name), "");
        else mkdirSync(join(root, name));
      }
      writeFileSync(join(root, names.deadWithSocket, "plugin.sock"), "");

      const made = makeSocketDir(root);
      expect(made.startsWith(join(root, `exrec-plugin-${process.pid}-`))).toBe(true);
      expect(existsSync(made)).toBe(true);
      expect(readdirSync(root).sort()).toEqual(
        [names.mine, names.alive, names.unnamed, names.file, names.other, made.slice(root.length + 1)].sort(),
      );
      // Nothing more to remove the second time.
      expect(removeStaleSocketDirs(root)).toEqual([]);
    } finally {
      alive.kill("SIGKILL");
    }
  });

  it("a temporary folder that cannot be read removes nothing and throws nothing", () => {
    expect(removeStaleSocketDirs(join(tmpdir(), "exrec-no-such-folder-for-sure"))).toEqual([]);
  });
});
