import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { closestWord, editDistance } from "../../reconciler/load/did-you-mean.js";
import { manifestSchema } from "../../reconciler/load/schema.js";
import { LICENSES, RENEWALS } from "../../reconciler/model.js";

type Schema = Record<string, unknown>;

/** Every `properties` entry of the schema, with its path. */
function propertiesOf(schema: unknown, path = "#"): [string, Schema][] {
  if (schema === null || typeof schema !== "object") return [];
  const found: [string, Schema][] = [];
  for (const [key, value] of Object.entries(schema as Schema)) {
    if (key === "properties") {
      for (const [name, property] of Object.entries(value as Record<string, Schema>))
        found.push([`${path}/properties/${name}`, property]);
    }
    found.push(...propertiesOf(value, `${path}/${key}`));
  }
  return found;
}

describe("schemas/manifest.schema.json", () => {
  it("is a valid JSON Schema 2020-12 that ajv compiles in strict mode", () => {
    const ajv = new Ajv2020({ strict: true, validateFormats: false });
    expect(ajv.validateSchema(manifestSchema)).toBe(true);
    expect(() => ajv.compile(manifestSchema)).not.toThrow();
  });

  it("describes every property, for editors' help", () => {
    const properties = propertiesOf(manifestSchema);
    expect(properties.length).toBeGreaterThan(10);
    for (const [path, property] of properties) {
      expect(typeof property.description, path).toBe("string");
    }
  });

  it("closes every object to unknown keys", () => {
    const objects: Schema[] = [];
    const walk = (node: unknown): void => {
      if (node === null || typeof node !== "object") return;
      if ((node as Schema).type === "object") objects.push(node as Schema);
      Object.values(node as Schema).forEach(walk);
    };
    walk(manifestSchema);
    expect(objects.length).toBe(4);
    for (const object of objects) expect(object.additionalProperties).toBe(false);
  });

  it("lists the licences and renewals of the model", () => {
    const defs = (manifestSchema as unknown as { $defs: Record<string, { enum: string[] }> }).$defs;
    expect(defs.license!.enum).toEqual([...LICENSES]);
    expect(defs.renewal!.enum).toEqual([...RENEWALS]);
  });
});

describe("did you mean", () => {
  it.each([
    ["licence", "license"],
    ["emial", "email"],
    ["displayname", "displayName"],
    ["display_name", "displayName"],
    ["protected", "protect"],
    ["platfroms", "platforms"],
  ])("suggests %s → %s", (typo, expected) => {
    expect(
      closestWord(typo, ["email", "state", "license", "renewal", "displayName", "protect", "platforms"]),
    ).toBe(expected);
  });

  it("suggests nothing for a word that is no typo", () => {
    expect(
      closestWord("mailboxQuota", ["email", "state", "license", "renewal", "displayName", "protect"]),
    ).toBeNull();
    expect(closestWord("x", ["email"])).toBeNull();
  });

  it("counts insertions, deletions, substitutions and swaps as one edit each", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("ab", "ba")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
  });
});
