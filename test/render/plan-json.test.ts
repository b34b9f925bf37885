import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { APPLY_ORDER, type Plan } from "../../reconciler/model.js";
import { canonicalJson } from "../../reconciler/plan-format/canonical-json.js";
import { documentOf } from "../../reconciler/plan-format/document.js";
import { renderPlanJson } from "../../reconciler/render/plan-json.js";
import { expectGolden } from "../support/golden.js";
import {
  destructiveOnlyPlan,
  emptyPlan,
  hostilePlan,
  manyChangesPlan,
  richPlan,
  summaryExamplePlan,
} from "./fixtures.js";

const schemaFile = new URL("../../schemas/plan.schema.json", import.meta.url);
const schema = JSON.parse(readFileSync(schemaFile, "utf8")) as Record<string, unknown>;

/** A validator built here from the file, independent of the one exrec uses. */
function validator() {
  const ajv = new Ajv2020({ allErrors: true, discriminator: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

const fixtures: [string, Plan][] = [
  ["rich", richPlan],
  ["empty", emptyPlan],
  ["destructive-only", destructiveOnlyPlan],
  ["summary-example", summaryExamplePlan],
  ["hostile", hostilePlan],
  ["many-changes", manyChangesPlan(12)],
];

/** The same data with every object's keys in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, inner]) => [key, reversedKeys(inner)]),
  );
}

describe("renderPlanJson", () => {
  for (const [name, plan] of fixtures.slice(0, 5)) {
    it(`renders the ${name} plan as golden JSON`, () => {
      expectGolden(`render/golden/plan-${name}.json`, renderPlanJson(plan));
    });
  }

  const validate = validator();
  for (const [name, plan] of fixtures) {
    it(`writes the ${name} plan as JSON that validates against plan.schema.json`, () => {
      const parsed: unknown = JSON.parse(renderPlanJson(plan));
      const valid = validate(parsed);
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    });
  }

  it("loses nothing when asked for the fingerprints: the JSON reads back as the same plan", () => {
    for (const [, plan] of fixtures) {
      expect(JSON.parse(renderPlanJson(plan, { fingerprints: true }))).toEqual(documentOf(plan));
    }
  });

  it("leaves the fingerprints out unless asked, and then never reads them", () => {
    let reads = 0;
    const plan = { ...richPlan };
    Object.defineProperty(plan, "fingerprint", {
      enumerable: true,
      get: () => {
        reads++;
        return richPlan.fingerprint;
      },
    });
    const { fingerprint: _left, ...rest } = richPlan;
    expect(JSON.parse(renderPlanJson(plan))).toEqual(documentOf(rest));
    expect(reads).toBe(0);
    expect(JSON.parse(renderPlanJson(plan, { fingerprints: true })).fingerprint).toEqual(
      richPlan.fingerprint,
    );
    expect(reads).toBe(1);
  });

  it("is byte-stable whatever order the planner built its objects in", () => {
    for (const [, plan] of fixtures) {
      expect(renderPlanJson(reversedKeys(plan) as Plan)).toBe(renderPlanJson(plan));
    }
  });

  it("writes keys in the order the schema lists them", () => {
    const json = JSON.parse(renderPlanJson(reversedKeys(richPlan) as Plan)) as Record<string, unknown>;
    const listed = Object.keys(schema.properties as object).filter((key) => key in json);
    expect(Object.keys(json)).toEqual(listed);
    const change = (json.changes as Record<string, unknown>[])[0]!;
    expect(Object.keys(change).slice(0, 3)).toEqual(["id", "action", "platform"]);
  });

  it("is pretty-printed with two spaces and ends with a newline", () => {
    const json = renderPlanJson(emptyPlan);
    expect(json.endsWith("}\n")).toBe(true);
    expect(json.split("\n")[1]).toBe('  "format_version": "1",');
  });
});

describe("plan.schema.json", () => {
  it("documents every property (on the property or on the definition it refers to)", () => {
    const defs = schema.$defs as Record<string, Record<string, unknown>>;
    const undocumented: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (node === null || typeof node !== "object") return;
      const record = node as Record<string, unknown>;
      const properties = record.properties as Record<string, Record<string, unknown>> | undefined;
      for (const [name, property] of Object.entries(properties ?? {})) {
        const ref =
          typeof property.$ref === "string" ? defs[property.$ref.replace("#/$defs/", "")] : undefined;
        if (typeof property.description !== "string" && typeof ref?.description !== "string") {
          undocumented.push(`${path}/${name}`);
        }
      }
      for (const [key, child] of Object.entries(record)) visit(child, `${path}/${key}`);
    };
    visit(schema, "#");
    expect(undocumented).toEqual([]);
  });

  it("has a branch for every action of the model", () => {
    const defs = schema.$defs as Record<string, { properties?: { action?: { const?: string } } }>;
    const actions = Object.values(defs)
      .map((def) => def.properties?.action?.const)
      .filter((action): action is string => action !== undefined);
    expect([...actions].sort()).toEqual([...APPLY_ORDER].sort());
  });

  it('pins format_version to "1"', () => {
    expect((schema.properties as Record<string, { const?: string }>).format_version!.const).toBe("1");
  });

  it("refuses a plan with an unknown field, a wrong action or a cost without its kind", () => {
    const validate = validator();
    expect(validate({ ...emptyPlan, extra: 1 })).toBe(false);
    expect(validate({ ...richPlan, changes: [{ ...richPlan.changes[0]!, action: "explode" }] })).toBe(false);
    expect(validate({ ...richPlan, changes: [{ ...richPlan.changes[0]!, cost: { amount: 1 } }] })).toBe(
      false,
    );
    expect(validate({ ...richPlan, changes: [{ ...richPlan.changes[7]!, destructive: false }] })).toBe(false);
  });
});

describe("canonicalJson", () => {
  it("sorts keys by code unit and drops undefined properties, as RFC 8785 and JSON.stringify do", () => {
    expect(canonicalJson({ b: 1, a: [true, null, "x"], é: 2, Z: undefined, c: { y: 1.5, x: -0 } })).toBe(
      '{"a":[true,null,"x"],"b":1,"c":{"x":0,"y":1.5},"é":2}',
    );
  });
});
