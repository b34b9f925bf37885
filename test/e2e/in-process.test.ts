/**
 * exrec run in-process (runExrec with an io of its own), as most tests run it: runs at once in one
 * process share no working folder, variable or output stream, and leave nothing behind in it.
 */
import { readFile, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, bareEnv, runCli, tempDir } from "../support/cli.js";

const DEMO = join(REPO, "examples", "demo.yaml");

describe("exrec in-process", () => {
  it("two runs at once each read relative paths from their own folder and write to their own streams", async () => {
    const [good, bad] = [await tempDir(), await tempDir()];
    await writeFile(join(good, "exrec.yaml"), await readFile(DEMO, "utf8"));
    await writeFile(join(bad, "exrec.yaml"), "version: 1\nplatforms: [\n");
    const [valid, broken] = await Promise.all([
      runCli(["validate", "exrec.yaml"], { cwd: good, env: bareEnv(good) }),
      runCli(["validate", "exrec.yaml"], { cwd: bad, env: bareEnv(bad) }),
    ]);
    expect(valid.code).toBe(0);
    expect(valid.stdout).toBe("1 file(s) valid.\n");
    expect(valid.stderr).toBe("");
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe("");
    expect(broken.stderr).toMatch(/^exrec\.yaml:\d+:\d+: /m);
  });

  it("two plans at once on the embedded sandbox keep their state in their own folder, and their own clock", async () => {
    const [a, b] = [await tempDir(), await tempDir()];
    const stateHere = () => readdir(process.cwd()).then((names) => names.includes(".exrec"));
    const hadState = await stateHere();
    const [planA, planB] = await Promise.all([
      runCli(["plan", DEMO, "--format", "json"], {
        cwd: a,
        env: { ...bareEnv(a), EXREC_NOW: "2026-11-26T09:00:00.000Z" },
      }),
      runCli(["plan", DEMO, "--format", "json"], {
        cwd: b,
        env: { ...bareEnv(b), EXREC_NOW: "2026-12-24T18:00:00.000Z" },
      }),
    ]);
    expect(planA.code, planA.stderr).toBe(0);
    expect(planB.code, planB.stderr).toBe(0);
    expect((JSON.parse(planA.stdout) as { created_at: string }).created_at).toBe("2026-11-26T09:00:00.000Z");
    expect((JSON.parse(planB.stdout) as { created_at: string }).created_at).toBe("2026-12-24T18:00:00.000Z");
    for (const folder of [a, b]) {
      expect((await stat(join(folder, ".exrec", "sandbox.json"))).isFile()).toBe(true);
    }
    // Nothing was written where the test process runs.
    expect(await stateHere()).toBe(hadState);
  });

  it("a run leaves no signal listener, no exit code and no working folder change in the process", async () => {
    const home = await tempDir();
    const before = {
      sigint: process.listenerCount("SIGINT"),
      sigterm: process.listenerCount("SIGTERM"),
      exitCode: process.exitCode,
      cwd: process.cwd(),
    };
    const result = await runCli(["apply", DEMO, "--auto-approve", "--allow-destroy"], {
      cwd: home,
      env: { ...bareEnv(home), EXREC_SECRETS_OUT: join(home, "secrets.json") },
    });
    expect(result.code, result.stderr).toBe(0);
    expect({
      sigint: process.listenerCount("SIGINT"),
      sigterm: process.listenerCount("SIGTERM"),
      exitCode: process.exitCode,
      cwd: process.cwd(),
    }).toEqual(before);
  });
});
