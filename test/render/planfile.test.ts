import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlanFileError } from "../../reconciler/errors.js";
import { ApplyRefusedError, checkApplyAllowed, DEFAULT_APPLY_OPTIONS } from "../../reconciler/apply.js";
import { destructiveChanges, isDestructive, type PlacedOrder, type Plan } from "../../reconciler/model.js";
import { MAX_PLAN_FILE_BYTES, planDigest, readPlanFile, writePlanFile } from "../../reconciler/planfile.js";
import { renderPlanJson } from "../../reconciler/render/plan-json.js";
import { destructiveOnlyPlan, emptyPlan, hostilePlan, richPlan, summaryExamplePlan } from "./fixtures.js";
import { localFileSystem } from "../../provider/system/files.js";

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "exrec-planfile-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

let counter = 0;
const fresh = (name = "plan.json") => join(folder, `${(counter += 1)}-${name}`);

/** Reads a plan file and returns the error it raises; fails the test when it raises none. */
async function refusal(path: string): Promise<PlanFileError> {
  try {
    await readPlanFile(path, { files: localFileSystem });
  } catch (error) {
    expect(error).toBeInstanceOf(PlanFileError);
    return error as PlanFileError;
  }
  throw new Error(`readPlanFile accepted ${path}`);
}

/** Writes `object` as a plan file with a digest that matches it (so only the other checks can refuse it). */
async function writeWithDigest(path: string, object: Record<string, unknown>): Promise<void> {
  const { digest: _drop, ...body } = object;
  await writeFile(path, JSON.stringify({ ...body, digest: planDigest(body as unknown as Plan) }));
}

describe("writePlanFile / readPlanFile", () => {
  for (const [name, plan] of [
    ["rich", richPlan],
    ["empty", emptyPlan],
    ["destructive-only", destructiveOnlyPlan],
    ["summary-example", summaryExamplePlan],
    ["hostile", hostilePlan],
  ] as const) {
    it(`reads back the ${name} plan exactly as it was written`, async () => {
      const path = fresh();
      await writePlanFile(path, plan, { files: localFileSystem });
      const read = await readPlanFile(path, { files: localFileSystem });
      expect(read).toEqual(plan);
      expect(renderPlanJson(read)).toBe(renderPlanJson(plan));
    });
  }

  it("keeps the manifest files a plan file records, which rendered plans leave out", async () => {
    const path = fresh();
    const withFiles: Plan = { ...richPlan, manifest_files: ["exchange.yaml", "more/other.yaml"] };
    await writePlanFile(path, withFiles, { files: localFileSystem });
    const read = await readPlanFile(path, { files: localFileSystem });
    expect(read.manifest_files).toEqual(["exchange.yaml", "more/other.yaml"]);
    expect(read).toEqual(withFiles);
    expect(renderPlanJson(read)).not.toContain("manifest_files");
    expect(renderPlanJson(read)).toBe(renderPlanJson(richPlan));
  });

  it("writes the plan's JSON with a sha256 digest, keys in schema order", async () => {
    const path = fresh();
    await writePlanFile(path, richPlan, { files: localFileSystem });
    const text = await readFile(path, "utf8");
    const object = JSON.parse(text) as Record<string, unknown>;
    // Pinned: a change of this digest is a change of what the rich plan holds, or of how a digest
    // is computed, and either one makes plan files written before it unreadable.
    expect(object.digest).toBe("sha256:f041d9ded8c7f5af7857764e131ac921eee42d07c32c9c605763837138553ac8");
    expect(Object.keys(object).slice(0, 3)).toEqual(["format_version", "digest", "created_at"]);
    expect(text.endsWith("\n")).toBe(true);
  });

  it("computes the digest as sha256 over the RFC 8785 canonical JSON, the digest itself left out", () => {
    const plan = {
      format_version: "1",
      digest: "sha256:stale",
      summary: { update: 1, add: 0 },
      created_at: "2026-11-26T09:00:00Z",
      changes: [{ after: { displayName: "Zoë Ann" }, address: "ann@acme.example", action: "update" }],
    } as unknown as Plan;
    // The SHA-256 of this text, computed outside exrec:
    // {"changes":[{"action":"update","address":"ann@acme.example","after":{"displayName":"Zoë Ann"}}],
    //  "created_at":"2026-11-26T09:00:00Z","format_version":"1","summary":{"add":0,"update":1}}
    // (one line, UTF-8).
    expect(planDigest(plan)).toBe("sha256:be62cebe71c9042518d6c7828d31d887ed09913d96a142622b2a71a6fb54d663");
  });

  it("creates the file with mode 0600", async () => {
    const path = fresh();
    await writePlanFile(path, richPlan, { files: localFileSystem });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("leaves an existing file with mode 0600 too, and replaces its content", async () => {
    const path = fresh();
    await writeFile(path, "old content", { mode: 0o644 });
    await chmod(path, 0o644);
    await writePlanFile(path, emptyPlan, { files: localFileSystem });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readPlanFile(path, { files: localFileSystem })).toEqual(emptyPlan);
  });

  it("writes an order's status as the text OVHcloud sent, a status its schema does not list too, and reads it back", async () => {
    const path = fresh();
    const placed: PlacedOrder[] = [
      { orderId: 41, quantity: 1, status: "notPaid" },
      { orderId: 42, quantity: 1, status: { kind: "other", raw: "awaitingValidation" } },
    ];
    const withPlaced: Plan = {
      ...richPlan,
      changes: richPlan.changes.map((change) => (change.action === "order" ? { ...change, placed } : change)),
    };
    expect(withPlaced.changes.some((change) => change.action === "order")).toBe(true);
    await writePlanFile(path, withPlaced, { files: localFileSystem });
    const written = JSON.parse(await readFile(path, "utf8")) as { changes: { placed?: unknown }[] };
    expect(written.changes.flatMap((change) => change.placed ?? [])).toEqual([
      { orderId: 41, quantity: 1, status: "notPaid" },
      { orderId: 42, quantity: 1, status: "awaitingValidation" },
    ]);
    expect(await readPlanFile(path, { files: localFileSystem })).toEqual(withPlaced);
  });

  it("leaves no temporary file behind", async () => {
    const dir = join(folder, `clean-${(counter += 1)}`);
    await mkdir(dir);
    await writePlanFile(join(dir, "plan.json"), richPlan, { files: localFileSystem });
    expect(await readdir(dir)).toEqual(["plan.json"]);
  });

  it("names the file when it cannot write, and leaves nothing behind", async () => {
    const path = join(folder, "no-such-folder", "plan.json");
    const error = await writePlanFile(path, richPlan, { files: localFileSystem }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PlanFileError);
    expect((error as PlanFileError).code).toBe("EXREC_PLAN_FILE");
    expect((error as PlanFileError).message).toContain(path);
  });

  it("refuses to write a plan that does not match the schema", async () => {
    const broken = { ...richPlan, totals: { ...richPlan.totals, unknownCosts: -1 } };
    await expect(writePlanFile(fresh(), broken, { files: localFileSystem })).rejects.toThrow(
      /does not match the plan schema: \/totals\/unknownCosts/,
    );
  });
});

describe("readPlanFile refuses what it cannot trust", () => {
  it("a file modified after it was written (one amount changed)", async () => {
    const path = fresh();
    await writePlanFile(path, richPlan, { files: localFileSystem });
    const text = await readFile(path, "utf8");
    const tampered = text.replace('"ucents": 21576000000', '"ucents": 2157600000');
    expect(tampered).not.toBe(text);
    await writeFile(path, tampered);
    const error = await refusal(path);
    expect(error.message).toContain("the plan file was modified after it was written");
    expect(error.message).toContain(path);
    expect(error.code).toBe("EXREC_PLAN_FILE");
    expect(error.hint).toMatch(/exrec plan --out/);
  });

  it("a file without a digest", async () => {
    const path = fresh();
    await writeFile(path, renderPlanJson(richPlan));
    expect((await refusal(path)).message).toContain("has no digest");
  });

  it("a file of another format version, as written by a newer exrec", async () => {
    const path = fresh();
    await writeWithDigest(path, { ...richPlan, format_version: "2" });
    const error = await refusal(path);
    expect(error.message).toContain('format_version "2"');
    expect(error.message).toContain("written by a newer exrec?");
  });

  it("a file without a format version", async () => {
    const path = fresh();
    const { format_version: _drop, ...rest } = richPlan;
    await writeWithDigest(path, rest);
    expect((await refusal(path)).message).toContain("has no format_version");
  });

  it("a file that is not JSON, without quoting its content", async () => {
    const path = fresh();
    await writeFile(path, "OVH_APPLICATION_SECRET=s3cr3t-value\n");
    const error = await refusal(path);
    expect(error.message).toContain("is not JSON");
    expect(error.message).not.toContain("s3cr3t");
  });

  it("a file that is not UTF-8", async () => {
    const path = fresh();
    await writeFile(path, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect((await refusal(path)).message).toContain("not UTF-8");
  });

  it("JSON that is not an object", async () => {
    for (const text of ["[]", "null", "42", '"plan"']) {
      const path = fresh();
      await writeFile(path, text);
      expect((await refusal(path)).message).toContain("not a plan object");
    }
  });

  it("a file whose digest matches but which is not a plan, naming the first problems with their JSON path", async () => {
    const path = fresh();
    const broken = {
      ...richPlan,
      changes: [{ ...richPlan.changes[0]!, effective: "tomorrow" }, ...richPlan.changes.slice(1)],
      totals: { ...richPlan.totals, unknownCosts: "one" },
    };
    await writeWithDigest(path, broken);
    const error = await refusal(path);
    expect(error.message).toContain("is not a valid plan");
    expect(error.message).toContain("/changes/0/effective");
    expect(error.message).toContain("/totals/unknownCosts");
  });

  it("a file with an unknown field, even a `__proto__` one", async () => {
    const path = fresh();
    const text = renderPlanJson(emptyPlan).replace(
      '"format_version": "1",',
      '"format_version": "1", "__proto__": {"polluted": true},',
    );
    const object = JSON.parse(text) as Record<string, unknown>;
    await writeFile(path, JSON.stringify({ ...object, digest: planDigest(object as unknown as Plan) }));
    const error = await refusal(path);
    expect(error.message).toContain('unknown property "__proto__"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("a file whose change carries before/after fields its action does not have, naming them", async () => {
    const path = fresh();
    await writePlanFile(path, richPlan, { files: localFileSystem });
    const object = JSON.parse(await readFile(path, "utf8")) as {
      changes: { action: string; before: unknown; after: unknown }[];
    };
    const renewal = object.changes.find((c) => c.action === "renew");
    const reset = object.changes.find((c) => c.action === "reset");
    if (!renewal || !reset) throw new Error("the rich plan has a renewal change and a reset");
    // A renewal change without the renewal it sets; a reset that says the account stays configured.
    renewal.after = {};
    reset.after = { configured: true };
    await writeWithDigest(path, object);
    const error = await refusal(path);
    expect(error.message).toMatch(/is not a valid plan: .*\/changes\/\d+\/after/);
    expect(error.message).toContain("renewal");
  });

  it("a file naming an address that is not in lower case, as exrec never writes one", async () => {
    const path = fresh();
    await writePlanFile(path, richPlan, { files: localFileSystem });
    const object = JSON.parse(await readFile(path, "utf8")) as {
      changes: { id: string; action: string; address?: string; accounts?: { email: string }[] }[];
    };
    const order = object.changes.find((c) => c.action === "order");
    const delivered = order?.accounts?.[0];
    if (!order || !delivered) throw new Error("the rich plan has an order");
    delivered.email = "Frank@ACME.example";
    await writeWithDigest(path, object);
    const error = await refusal(path);
    expect(error.message).toContain(
      `change ${order.id} names the address "Frank@ACME.example", which is not in lower case`,
    );
  });

  it("a missing file, and a folder", async () => {
    expect((await refusal(join(folder, "missing.json"))).message).toContain("no such file");
    expect((await refusal(folder)).message).toContain("not a regular file");
  });

  it("a file over 256 MiB, without reading it", async () => {
    const path = fresh();
    await writeFile(path, "");
    await truncate(path, MAX_PLAN_FILE_BYTES + 1); // sparse: takes no space
    const error = await refusal(path);
    expect(error.message).toContain("over the 256 MiB");
  });

  it("a file nested deeper than any plan", async () => {
    const path = fresh();
    const deep = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
    await writeFile(path, `{"format_version":"1","digest":"sha256:${"0".repeat(64)}","x":${deep}}`);
    await refusal(path);
  });
});

describe("a change's destructiveness comes from its action, never from the file", () => {
  /** The rich plan's file, each change's stored `destructive` replaced, its digest recomputed. */
  async function forged(flag: (action: string) => boolean): Promise<Plan> {
    const path = fresh();
    await writePlanFile(path, richPlan, { files: localFileSystem });
    const object = JSON.parse(await readFile(path, "utf8")) as {
      changes: { action: string; destructive: boolean }[];
    };
    for (const change of object.changes) change.destructive = flag(change.action);
    await writeWithDigest(path, object);
    return await readPlanFile(path, { files: localFileSystem });
  }

  it("a file whose reset and delete say `destructive: false` is still refused by apply without --allow-destroy", async () => {
    expect(richPlan.changes.filter(isDestructive).map((c) => c.action)).toEqual(["reset", "delete"]);
    const read = await forged(() => false);
    expect(destructiveChanges(read).map((c) => c.action)).toEqual(["reset", "delete"]);
    const options = { ...DEFAULT_APPLY_OPTIONS, maxDestroy: 100, allowRemoveAll: true, secretsOut: "s.json" };
    let refused: unknown = null;
    try {
      checkApplyAllowed(read, options);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ApplyRefusedError);
    expect((refused as Error).message).toMatch(
      /holds 2 destructive change\(s\) and --allow-destroy was not given/,
    );
    // The same plan passes once destruction is allowed: the refusal was about destructiveness alone.
    expect(() => checkApplyAllowed(read, { ...options, allowDestroy: true })).not.toThrow();
  });

  it("a file that calls every change destructive makes none of the others so", async () => {
    const read = await forged(() => true);
    expect(destructiveChanges(read).map((c) => c.action)).toEqual(["reset", "delete"]);
    expect(renderPlanJson(read)).toBe(renderPlanJson(richPlan));
  });
});

describe("readPlanFile never crashes on hostile input", () => {
  it("random bytes always end in a PlanFileError", async () => {
    const path = fresh("fuzz-bytes.json");
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
        await writeFile(path, bytes);
        await refusal(path);
      }),
      { numRuns: 150 },
    );
  });

  it("random JSON always ends in a PlanFileError", async () => {
    const path = fresh("fuzz-json.json");
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
        await writeFile(path, JSON.stringify(value));
        await refusal(path);
      }),
      { numRuns: 150 },
    );
  });

  it("random objects with a valid version and digest always end in a PlanFileError", async () => {
    const path = fresh("fuzz-digest.json");
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), async (object) => {
        await writeWithDigest(path, { ...object, format_version: "1" });
        await refusal(path);
      }),
      { numRuns: 150 },
    );
  });

  it("random mutations of a real plan file are either the same plan or a PlanFileError", async () => {
    const path = fresh("fuzz-mutation.json");
    await writePlanFile(path, richPlan, { files: localFileSystem });
    const original = await readFile(path);
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: original.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        async (at, byte) => {
          const mutated = Buffer.from(original);
          mutated[at] = byte;
          await writeFile(path, mutated);
          try {
            // Only a change that leaves the JSON value as it was (whitespace, a digit of the same value) may pass.
            expect(await readPlanFile(path, { files: localFileSystem })).toEqual(richPlan);
          } catch (error) {
            expect(error).toBeInstanceOf(PlanFileError);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
