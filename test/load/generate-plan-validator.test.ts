import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ErrorObject } from "ajv/dist/2020.js";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordedDigest } from "../../reconciler/load/generated-file.js";
import {
  DEFAULT_OUT_DIR,
  DEFAULT_SCHEMA_FILE,
  PLAN_VALIDATOR_FILES,
  generatePlanValidators,
  planValidatorInputsDigest,
} from "../../reconciler/load/generate-plan-validator.js";
import { planAjv } from "../../reconciler/plan-format/plan-ajv.js";
import { PLAN_SCHEMA } from "../../reconciler/plan-format/schema.js";
import { checkPlanSchema } from "../../reconciler/plan-format/validate.js";
import { renderPlanJson } from "../../reconciler/render/plan-json.js";
import {
  destructiveOnlyPlan,
  emptyPlan,
  hostilePlan,
  richPlan,
  summaryExamplePlan,
} from "../render/fixtures.js";

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

describe("the build step that writes the plan validators", () => {
  let dir: string;
  let schemaFile: string;
  let outDir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "exrec-plan-validator-"));
    schemaFile = join(dir, "plan.schema.json");
    outDir = join(dir, "gen");
    await writeFile(schemaFile, await readFile(DEFAULT_SCHEMA_FILE));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const files = () => Object.values(PLAN_VALIDATOR_FILES).map((name) => join(outDir, name));

  it("writes both validators once, then leaves them alone while their inputs are unchanged", async () => {
    const first = await generatePlanValidators({ schemaFile, outDir });
    expect(first.written).toBe(true);
    const texts = await Promise.all(files().map((file) => readFile(file, "utf8")));
    for (const text of texts) {
      expect(text).toContain(`inputs sha256: ${first.digest}`);
      expect(text).toContain("export const validate");
    }
    // One stops at the first error, the other goes on: they are not the same code.
    expect(texts[0]).not.toBe(texts[1]);
    const before = await Promise.all(files().map((file) => stat(file)));

    const second = await generatePlanValidators({ schemaFile, outDir });
    expect(second).toMatchObject({ written: false, digest: first.digest });
    const after = await Promise.all(files().map((file) => stat(file)));
    expect(after.map((s) => s.mtimeMs)).toEqual(before.map((s) => s.mtimeMs));
  });

  it("writes them again when the schema changes, with the change in the code", async () => {
    const first = await generatePlanValidators({ schemaFile, outDir });
    const schema = await readFile(schemaFile, "utf8");
    expect(schema).toContain('"format_version"');
    await writeFile(schemaFile, schema.replace('"const": "1"', '"const": "7"'));

    const second = await generatePlanValidators({ schemaFile, outDir });
    expect(second.written).toBe(true);
    expect(second.digest).not.toBe(first.digest);
    for (const file of files()) {
      const text = await readFile(file, "utf8");
      expect(text).toContain(`inputs sha256: ${second.digest}`);
      expect(text).toContain('"7"');
    }
  });

  it("writes one again when it was damaged or holds no digest", async () => {
    await generatePlanValidators({ schemaFile, outDir });
    const [damaged] = files();
    await writeFile(damaged!, "// half a file");
    expect((await generatePlanValidators({ schemaFile, outDir })).written).toBe(true);
    expect(await readFile(damaged!, "utf8")).toContain(planValidatorInputsDigest(schemaFile));
  });
});

describe("the plan validators the build wrote", () => {
  it("are current: made from the schema, generator and configuration as they are now", async () => {
    const digest = planValidatorInputsDigest();
    for (const name of Object.values(PLAN_VALIDATOR_FILES)) {
      expect(await recordedDigest(join(DEFAULT_OUT_DIR, name))).toBe(digest);
    }
  });

  const load = async (name: string) =>
    (
      (await import(/* @vite-ignore */ join(DEFAULT_OUT_DIR, name.replace(/\.ts$/, ".js")))) as {
        validate: Validator;
      }
    ).validate;
  /** Everything of an error but the schema objects, which only `verbose` adds (and it is off). */
  const errorsOf = (validate: Validator, value: unknown) => {
    const valid = validate(value);
    return { valid, errors: valid ? [] : (validate.errors ?? []).map((e) => ({ ...e })) };
  };

  const valid = [richPlan, emptyPlan, destructiveOnlyPlan, summaryExamplePlan, hostilePlan].map(
    (plan) => JSON.parse(renderPlanJson(plan)) as unknown,
  );
  /** A valid plan with one place changed: a value replaced, a key removed, or a key added. */
  const broken = fc
    .tuple(
      fc.constantFrom(...valid),
      fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
      fc.oneof(
        fc.constant<"delete">("delete"),
        fc.record({ add: fc.constantFrom("extra", "action", "kind", "before", "__proto__") }),
        fc.record({
          set: fc.oneof(
            fc.constantFrom("now", "2026-02-30", "2026-12-01", "2026-12-01T10:00:00Z", "yesterday", ""),
            fc.constantFrom("order", "reset", "renew", "terminate", "one-off", "monthly", "EUR", "12.50"),
            fc.jsonValue({ maxDepth: 1 }),
          ),
        }),
      ),
    )
    .map(([plan, steps, edit]) => mutate(plan, steps, edit));

  it("give the same errors as ajv compiling the schema at run time, first error and all errors", async () => {
    for (const [name, allErrors] of [
      [PLAN_VALIDATOR_FILES.firstError, false],
      [PLAN_VALIDATOR_FILES.allErrors, true],
    ] as const) {
      const generated = await load(name);
      const compiled = planAjv(allErrors).compile(PLAN_SCHEMA) as Validator;
      for (const plan of valid) expect(errorsOf(generated, plan)).toEqual({ valid: true, errors: [] });
      let invalid = 0;
      fc.assert(
        fc.property(broken, (plan) => {
          const seen = errorsOf(generated, plan);
          expect(seen).toEqual(errorsOf(compiled, plan));
          if (!seen.valid) invalid += 1;
        }),
        { numRuns: 600 },
      );
      // The comparison is of errors, not of two trues.
      expect(invalid).toBeGreaterThan(200);
    }
  });

  it("are what checkPlanSchema reads, problems worded as before", () => {
    const plan = JSON.parse(renderPlanJson(richPlan)) as { changes: Record<string, unknown>[] };
    plan.changes[0] = { ...plan.changes[0], effective: "tomorrow" };
    const check = checkPlanSchema(plan, { allErrors: true });
    expect(check.valid).toBe(false);
    expect(check.valid ? [] : check.problems).toEqual([
      {
        path: "/changes/0/effective",
        message: 'must be "now" or must match format "date" or must be "unknown"',
      },
    ]);
  });
});

/** `value` with the place `steps` leads to (each step picks a key or an item) edited. */
function mutate(
  value: unknown,
  steps: readonly number[],
  edit: "delete" | { add: string } | { set: unknown },
): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  let parent: Record<string, unknown> | unknown[] = copy;
  let key: string | number | undefined;
  for (const step of steps) {
    const node: unknown = key === undefined ? parent : parent[key];
    if (node === null || typeof node !== "object") break;
    const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0) break;
    if (key !== undefined) parent = node as Record<string, unknown>;
    key = keys[step % keys.length];
  }
  if (key === undefined) return copy;
  const target = parent as Record<string | number, unknown>;
  if (edit === "delete") {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete target[key];
  } else if ("add" in edit) {
    const node = target[key];
    if (node !== null && typeof node === "object" && !Array.isArray(node)) {
      Object.defineProperty(node, edit.add, {
        value: "x",
        enumerable: true,
        configurable: true,
        writable: true,
      });
    } else target[key] = { [edit.add]: "x" };
  } else target[key] = edit.set;
  return copy;
}
