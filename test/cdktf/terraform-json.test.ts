/**
 * Reading a cdk.tf.json into the manifest v1 document: grouping, renaming, locating every path
 * back in the JSON, interpolations, and hostile input.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  manifestFromTerraformJson,
  TerraformJsonError,
  type DocumentPath,
} from "../../reconciler/load/terraform-json.js";

const FILE = "stacks/mail/cdk.tf.json";

/** Terraform JSON as cdktf writes it: two-space indentation, metadata, provider references. */
function terraformJson(resource: Record<string, Record<string, Record<string, unknown>>>): string {
  const withMetadata = Object.fromEntries(
    Object.entries(resource).map(([type, byName]) => [
      type,
      Object.fromEntries(
        Object.entries(byName).map(([name, attributes]) => [
          name,
          { "//": { metadata: { path: `mail/${name}`, uniqueId: name } }, ...attributes, provider: "exrec" },
        ]),
      ),
    ]),
  );
  return JSON.stringify(
    {
      "//": { metadata: { backend: "local", stackName: "mail", version: "0.21.0" }, outputs: {} },
      provider: { exrec: [{}] },
      resource: withMetadata,
      terraform: { required_providers: { exrec: { source: "registry.terraform.io/exrec/exrec" } } },
    },
    null,
    2,
  );
}

const HOSTED = { organization: "hosted-ab12345-1", service: "hosted-ab12345-1" };
const PRIVATE = { organization: "private-org", service: "exchange-1" };

const TWO_PLATFORMS = terraformJson({
  exrec_account: {
    alice: {
      ...HOSTED,
      email: "alice@acme.example",
      license: "enterprise",
      renewal: "monthly",
      display_name: "Alice Martin",
      protect: true,
    },
    bob: { ...HOSTED, email: "bob@acme.example", state: "absent" },
    carol: { ...PRIVATE, email: "carol@acme.example", license: "basic" },
  },
  exrec_platform: {
    hosted: {
      ...HOSTED,
      offer: "hosted",
      prune: false,
      removal: "expire",
      default_license: "standard",
      default_renewal: "yearly",
    },
    private: { ...PRIVATE, offer: "private", prune: true },
  },
  null_resource: { other: { triggers: { a: "b" } } },
});

/** The 1-based line of the first line of `text` that contains `needle` after line `after`. */
function lineOf(text: string, needle: string, after = 0): number {
  const lines = text.split("\n");
  const index = lines.findIndex((line, i) => i >= after && line.includes(needle));
  if (index === -1) throw new Error(`no line contains ${needle}`);
  return index + 1;
}

function thrown(run: () => unknown): TerraformJsonError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TerraformJsonError);
    return error as TerraformJsonError;
  }
  throw new Error("expected a TerraformJsonError, nothing was thrown");
}

describe("manifestFromTerraformJson: the document", () => {
  it("groups accounts under their platform and maps snake_case attributes to the manifest's fields", () => {
    const { document } = manifestFromTerraformJson(TWO_PLATFORMS, FILE);
    expect(document).toEqual({
      version: 1,
      platforms: [
        {
          ...HOSTED,
          offer: "hosted",
          prune: false,
          removal: "expire",
          defaults: { license: "standard", renewal: "yearly" },
          accounts: [
            {
              email: "alice@acme.example",
              license: "enterprise",
              renewal: "monthly",
              displayName: "Alice Martin",
              protect: true,
            },
            { email: "bob@acme.example", state: "absent" },
          ],
        },
        {
          ...PRIVATE,
          offer: "private",
          prune: true,
          accounts: [{ email: "carol@acme.example", license: "basic" }],
        },
      ],
    });
  });

  it("gives an empty manifest for Terraform JSON without exrec resources", () => {
    const text = JSON.stringify({ terraform: {}, resource: { null_resource: { x: {} } } });
    expect(manifestFromTerraformJson(text, FILE).document).toEqual({ version: 1, platforms: [] });
    expect(manifestFromTerraformJson(JSON.stringify({ terraform: {} }), FILE).document).toEqual({
      version: 1,
      platforms: [],
    });
  });

  it("refuses JSON that is not a synthesized stack at all (no terraform block, no resources)", () => {
    expect(() => manifestFromTerraformJson("{}", FILE)).toThrow(
      /neither a manifest nor a synthesized CDKTF stack/,
    );
    expect(() =>
      manifestFromTerraformJson(JSON.stringify({ format_version: "1", digest: "sha256:00" }), FILE),
    ).toThrow(/it is a saved plan \(show it with `exrec show FILE`/);
  });

  it("keeps attributes the manifest does not know, camelCased, for the schema to report where they are", () => {
    const text = terraformJson({
      exrec_platform: { p: { ...HOSTED, offer: "hosted" } },
      exrec_account: { a: { ...HOSTED, email: "a@acme.example", licence_type: "basic" } },
    });
    const { document, locate } = manifestFromTerraformJson(text, FILE);
    expect((document as { platforms: { accounts: object[] }[] }).platforms[0]!.accounts[0]).toEqual({
      email: "a@acme.example",
      licenceType: "basic",
    });
    expect(locate(["platforms", 0, "accounts", 0, "licenceType"], "key").line).toBe(
      lineOf(text, '"licence_type"'),
    );
  });

  it("reads Terraform JSON's array form of resource blocks, in file order", () => {
    const text = JSON.stringify({
      resource: [
        { exrec_platform: [{ p: { ...HOSTED, offer: "hosted" } }] },
        { exrec_account: { a: { ...HOSTED, email: "a@acme.example" } } },
        { exrec_account: { b: { ...HOSTED, email: "b@acme.example" } } },
      ],
    });
    expect(manifestFromTerraformJson(text, FILE).document).toEqual({
      version: 1,
      platforms: [
        { ...HOSTED, offer: "hosted", accounts: [{ email: "a@acme.example" }, { email: "b@acme.example" }] },
      ],
    });
  });

  it('converts the strings "true" and "false" of boolean attributes, as Terraform does', () => {
    const text = terraformJson({
      exrec_platform: { p: { ...HOSTED, offer: "hosted", prune: "true" } },
      exrec_account: { a: { ...HOSTED, email: "a@acme.example", protect: "false", display_name: "true" } },
    });
    const { document } = manifestFromTerraformJson(text, FILE);
    expect(document).toMatchObject({
      platforms: [{ prune: true, accounts: [{ protect: false, displayName: "true" }] }],
    });
  });
});

describe("manifestFromTerraformJson: locate", () => {
  const { locate } = manifestFromTerraformJson(TWO_PLATFORMS, FILE);
  const text = TWO_PLATFORMS;
  const aliceLine = lineOf(text, '"alice": {');
  const carolLine = lineOf(text, '"carol": {');
  const hostedLine = lineOf(text, '"hosted": {');

  const cases: [string, DocumentPath, number][] = [
    [
      "an account's licence: its license attribute",
      ["platforms", 0, "accounts", 0, "license"],
      lineOf(text, '"license": "enterprise"'),
    ],
    [
      "an account's display name: its display_name attribute",
      ["platforms", 0, "accounts", 0, "displayName"],
      lineOf(text, '"display_name"'),
    ],
    ["an account: its resource", ["platforms", 0, "accounts", 1], lineOf(text, '"bob": {')],
    [
      "a field an account lacks: the account's resource",
      ["platforms", 1, "accounts", 0, "renewal"],
      carolLine,
    ],
    [
      "the second platform's account: its own resource",
      ["platforms", 1, "accounts", 0, "email"],
      lineOf(text, '"email": "carol@'),
    ],
    [
      "a platform's default licence: default_license",
      ["platforms", 0, "defaults", "license"],
      lineOf(text, '"default_license"'),
    ],
    [
      "a platform's defaults: their first attribute",
      ["platforms", 0, "defaults"],
      lineOf(text, '"default_license"'),
    ],
    [
      "a platform's offer: its offer attribute",
      ["platforms", 1, "offer"],
      lineOf(text, '"offer": "private"'),
    ],
    ["a platform's accounts: the platform's resource", ["platforms", 0, "accounts"], hostedLine],
    [
      "an account index past the end: the platform's resource",
      ["platforms", 0, "accounts", 9, "email"],
      hostedLine,
    ],
    ["a platform: its resource", ["platforms", 0], hostedLine],
    ["the platforms: the resource block", ["platforms"], lineOf(text, '"resource": {')],
    ["the version: the start of the file", ["version"], 1],
  ];
  it.each(cases)("locates %s", (_name, path, line) => {
    expect(locate(path).line).toBe(line);
    expect(locate(path, "key").line).toBe(line);
  });

  it("points at the value by default and at the attribute's name on request", () => {
    const line = text.split("\n")[lineOf(text, '"license": "enterprise"') - 1]!;
    const path = ["platforms", 0, "accounts", 0, "license"];
    expect(locate(path, "key").col).toBe(line.indexOf('"license"') + 1);
    expect(locate(path).col).toBe(line.indexOf('"enterprise"') + 1);
    expect(locate(["platforms", 0, "accounts", 0], "key")).toEqual({
      line: aliceLine,
      col: text.split("\n")[aliceLine - 1]!.indexOf('"alice"') + 1,
    });
  });
});

describe("manifestFromTerraformJson: interpolations", () => {
  it("resolves ${exrec_platform.NAME.ATTRIBUTE} from the platform resource in the same file", () => {
    const text = terraformJson({
      exrec_platform: { hosted: { ...HOSTED, offer: "hosted" } },
      exrec_account: {
        a: {
          organization: "${exrec_platform.hosted.organization}",
          service: "${ exrec_platform.hosted.service }",
          email: "a@acme.example",
          display_name: "Mail of ${exrec_platform.hosted.organization} $${literal}",
        },
      },
    });
    expect(manifestFromTerraformJson(text, FILE).document).toEqual({
      version: 1,
      platforms: [
        {
          ...HOSTED,
          offer: "hosted",
          accounts: [{ email: "a@acme.example", displayName: "Mail of hosted-ab12345-1 ${literal}" }],
        },
      ],
    });
  });

  const unresolvable: [string, string, RegExp][] = [
    [
      "a reference to a platform that is not in the file",
      "${exrec_platform.elsewhere.organization}",
      /there is no exrec_platform\.elsewhere in this file/,
    ],
    [
      "a reference to an attribute the platform does not set",
      "${exrec_platform.hosted.removal}",
      /exrec_platform\.hosted sets no removal/,
    ],
    ["a Terraform variable", "${var.organization}", /only references to attributes of an exrec_platform/],
    [
      "a function call",
      "${lower(exrec_platform.hosted.organization)}",
      /only references to attributes of an exrec_platform/,
    ],
    ["a template directive", "%{ if true }x%{ endif }", /template directives need Terraform/],
    ["an interpolation left open", "${exrec_platform.hosted.organization", /the interpolation is not closed/],
  ];
  it.each(unresolvable)(
    "reports %s at the attribute's value, naming the resource",
    (_name, value, pattern) => {
      const text = terraformJson({
        exrec_platform: { hosted: { ...HOSTED, offer: "hosted" } },
        exrec_account: { a: { ...HOSTED, email: "a@acme.example", display_name: value } },
      });
      const error = thrown(() => manifestFromTerraformJson(text, FILE));
      expect(error.message).toMatch(pattern);
      expect(error.address).toBe("exrec_account.a");
      expect(error.at.line).toBe(lineOf(text, '"display_name"'));
      expect(error.message).toMatch(
        new RegExp(`^${FILE}:${error.at.line}:${error.at.col}: exrec_account\\.a: cannot resolve `),
      );
      expect(error.message).toContain("write the value literally");
    },
  );

  it("cannot find an account's platform through an unresolvable organization, and says why", () => {
    const text = terraformJson({
      exrec_platform: { hosted: { ...HOSTED, offer: "hosted" } },
      exrec_account: {
        a: { organization: "${data.ovh_me.me.nichandle}", service: HOSTED.service, email: "a@acme.example" },
      },
    });
    const error = thrown(() => manifestFromTerraformJson(text, FILE));
    expect(error.message).toContain("cannot resolve ${data.ovh_me.me.nichandle}");
    expect(error.at.line).toBe(lineOf(text, '"organization": "${data'));
  });
});

describe("manifestFromTerraformJson: what it refuses", () => {
  const refused: [string, string, RegExp, number?][] = [
    ["an empty file", "", /:1:1: not valid JSON: expected a value, found the end of the file/],
    ["YAML instead of JSON", "version: 1\nplatforms: []\n", /:1:1: not valid JSON: expected a value/],
    ["a trailing comma", '{\n  "resource": {},\n}', /:3:1: not valid JSON: expected a quoted key, found "}"/],
    ["a comment", "{ // cdktf\n}", /:1:3: not valid JSON/],
    ["a string left open", '{"resource": "abc', /:1:14: not valid JSON: a string is not closed/],
    ["an invalid escape", '{"resource": "\\x41"}', /:1:15: not valid JSON: invalid escape/],
    ["a number with a leading zero", '{"a": 012}', /:1:8: not valid JSON: expected "," or "}"/],
    ["text after the JSON value", "{} {}", /:1:4: not valid JSON: unexpected "{" after the end/],
    [
      "a key twice in one object",
      '{"resource": {"exrec_platform": {"p": {}, "p": {}}}}',
      /:1:43: not valid JSON: the key "p" appears twice/,
    ],
    ["absurd nesting", `${"[".repeat(100_000)}${"]".repeat(100_000)}`, /nested deeper than 256 levels/],
    ["an array at the top", "[]", /:1:1: expected a Terraform JSON object at the top, found an array/],
    [
      "a string as the resource block",
      '{"resource": "exrec"}',
      /:1:14: resource must be an object \(or an array of objects\), not the string "exrec"/,
    ],
    [
      "a number as a resource's attributes",
      '{"resource": {"exrec_account": {"a": 7}}}',
      /:1:38: exrec_account\.a must be an object/,
    ],
    [
      "null as a resource type's block",
      '{"resource": {"exrec_platform": null}}',
      /resource\.exrec_platform must be an object \(or an array of objects\), not null/,
    ],
    [
      "an account whose platform is not in the file",
      '{"resource": {"exrec_account": {"a": {"organization": "o", "service": "s", "email": "a@acme.example"}}}}',
      /:1:33: exrec_account\.a: names the platform o\/s, but no exrec_platform in this file declares it/,
    ],
    [
      "an account without an organization",
      '{"resource": {"exrec_account": {"a": {"service": "s", "email": "a@acme.example"}}}}',
      /exrec_account\.a: has no organization/,
    ],
    [
      "an account whose organization is a number",
      '{"resource": {"exrec_account": {"a": {"organization": 5, "service": "s"}}}}',
      /:1:55: exrec_account\.a: organization must be a string naming the account's platform, not the number 5/,
    ],
    [
      "two platform resources for one platform",
      '{"resource": {"exrec_platform": {"a": {"organization": "o", "service": "s", "offer": "hosted"}, "b": {"organization": "o", "service": "s", "offer": "hosted"}}}}',
      /exrec_platform\.b: declares the platform o\/s, which exrec_platform\.a declares already/,
    ],
    [
      "count, which only Terraform can expand",
      '{"resource": {"exrec_platform": {"a": {"organization": "o", "service": "s", "offer": "hosted", "count": 2}}}}',
      /exrec_platform\.a: uses count, which only Terraform can expand/,
    ],
  ];
  it.each(refused)("refuses %s with an Error naming the file and the position", (_name, text, pattern) => {
    const error = thrown(() => manifestFromTerraformJson(text, FILE));
    expect(error.message.startsWith(`${FILE}:`)).toBe(true);
    expect(error.message).toMatch(pattern);
  });

  it("reads a file that starts with a byte-order mark", () => {
    expect(manifestFromTerraformJson('\ufeff{"terraform":{}}', FILE).document).toEqual({
      version: 1,
      platforms: [],
    });
  });

  it("reads every JSON text without a syntax error, and anything else only with a TerraformJsonError", () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        try {
          manifestFromTerraformJson(text, FILE);
        } catch (error) {
          expect(error).toBeInstanceOf(TerraformJsonError);
          expect((error as Error).message).not.toContain("not valid JSON");
        }
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        try {
          manifestFromTerraformJson(text, FILE);
        } catch (error) {
          expect(error).toBeInstanceOf(TerraformJsonError);
          expect((error as Error).message.startsWith(`${FILE}:`)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("decodes strings exactly as JSON.parse does", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (value) => {
        const text = JSON.stringify({
          resource: { exrec_platform: { p: { organization: value, service: "s", offer: "hosted" } } },
        });
        const { document } = manifestFromTerraformJson(text, FILE);
        const organization = (document as { platforms: { organization: unknown }[] }).platforms[0]!
          .organization;
        // Strings without "${" or "%{" are not templates; the others are covered above.
        if (!value.includes("${") && !value.includes("%{")) expect(organization).toBe(value);
      }),
      { numRuns: 200 },
    );
  });
});
