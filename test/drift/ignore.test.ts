import { describe, expect, it } from "vitest";
import { detectDrift, driftItems, hasDrift } from "../../reconciler/drift.js";
import { IgnoreFileError } from "../../reconciler/errors.js";
import { baselineIgnore, globMatches, parseIgnore } from "../../reconciler/drift/ignore.js";
import {
  PLATFORM,
  absent,
  actual,
  blank,
  context,
  desired,
  hosted,
  live,
  livePlatform,
  present,
  renewed,
} from "./builders.js";

describe("parseIgnore: good lines", () => {
  const cases: {
    name: string;
    line: string;
    rule: { platform: string | null; pattern: string; target: string | null };
  }[] = [
    {
      name: "a bare address glob",
      line: "*@legacy.example",
      rule: { platform: null, pattern: "*@legacy.example", target: null },
    },
    {
      name: "a glob and a field",
      line: "ceo@acme.example   displayName",
      rule: { platform: null, pattern: "ceo@acme.example", target: "displayName" },
    },
    {
      name: "a field named in any case",
      line: "ceo@acme.example DELETEATEXPIRATION",
      rule: { platform: null, pattern: "ceo@acme.example", target: "deleteAtExpiration" },
    },
    {
      name: "a kind instead of a field",
      line: "*@configureme.me unmanaged",
      rule: { platform: null, pattern: "*@configureme.me", target: "unmanaged" },
    },
    {
      name: "a platform scope",
      line: "org-1/svc-1:a?c@acme.example missing",
      rule: { platform: "org-1/svc-1", pattern: "a?c@acme.example", target: "missing" },
    },
    {
      name: "a trailing comment after white space",
      line: "x@acme.example renewal  # accepted until the migration",
      rule: { platform: null, pattern: "x@acme.example", target: "renewal" },
    },
    {
      name: "a # inside an address, which is not a comment",
      line: "a#b@acme.example",
      rule: { platform: null, pattern: "a#b@acme.example", target: null },
    },
  ];
  it.each(cases)("reads $name", ({ line, rule }) => {
    expect(parseIgnore(line, ".exrecignore")).toEqual([
      { ...rule, source: { file: ".exrecignore", line: 1 } },
    ]);
  });

  it("skips comments and blank lines, and numbers rules by their line in the file", () => {
    const rules = parseIgnore(
      "# legacy domain\n\n   \n*@legacy.example\r\n  # indented comment\nx@acme.example license\n",
      "ops/.exrecignore",
    );
    expect(rules.map((r) => [r.pattern, r.source.line, r.source.file])).toEqual([
      ["*@legacy.example", 4, "ops/.exrecignore"],
      ["x@acme.example", 6, "ops/.exrecignore"],
    ]);
  });
});

describe("parseIgnore: bad lines", () => {
  const cases: { name: string; text: string; message: RegExp }[] = [
    {
      name: "an unknown field",
      text: "ok@acme.example\nx@acme.example quota",
      message: /^\.exrecignore:2: unknown field "quota": expected one of license, renewal/,
    },
    {
      name: "too many words",
      text: "x@acme.example license renewal",
      message: /^\.exrecignore:1: expected an address glob and at most one field, found 3 words/,
    },
    {
      name: "a scope that is not organization/service",
      text: "\n\nacme:x@acme.example",
      message: /^\.exrecignore:3: bad platform scope in "acme:x@acme\.example"/,
    },
    {
      name: "a scope with no glob",
      text: "org/svc: license",
      message: /^\.exrecignore:1: no address glob after the platform scope "org\/svc:"/,
    },
  ];
  it.each(cases)("rejects $name with file:line", ({ text, message }) => {
    let caught: unknown;
    try {
      parseIgnore(text, ".exrecignore");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(IgnoreFileError);
    const error = caught as IgnoreFileError;
    expect(error.code).toBe("EXREC_IGNORE_FILE");
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(/docs\/DRIFT\.md/);
  });

  it("lists every bad line at once, not only the first", () => {
    expect(() => parseIgnore("a@x license\nb@x colour\nc@x\nd@x size\n", "team/.exrecignore")).toThrow(
      /^team\/\.exrecignore:2: unknown field "colour".*\nteam\/\.exrecignore:4: unknown field "size"/,
    );
  });
});

describe("globMatches", () => {
  const cases: [string, string, boolean][] = [
    ["*@legacy.example", "anne@legacy.example", true],
    ["*@legacy.example", "anne@legacy.example.org", false],
    ["*@LEGACY.example", "Anne@legacy.EXAMPLE", true],
    ["a?c@x.example", "abc@x.example", true],
    ["a?c@x.example", "ac@x.example", false],
    ["a.c@x.example", "abc@x.example", false],
    ["*", "anything@at.all", true],
    ["user+(tag)@x.example", "user+(tag)@x.example", true],
  ];
  it.each(cases)("%s against %s is %s", (pattern, address, expected) => {
    expect(globMatches(pattern, address)).toBe(expected);
  });
});

describe("ignore rules applied by detectDrift", () => {
  const scene = () => ({
    desired: desired(
      hosted([
        present("a@legacy.example", { license: "basic" }),
        present("b@legacy.example"),
        present("ceo@acme.example", { displayName: "CEO", license: "enterprise" }),
      ]),
      hosted([present("x@acme.example", { license: "basic" })], { organization: "org-2", service: "svc-2" }),
    ),
    actual: actual(
      livePlatform([
        live("a@legacy.example"),
        live("ceo@acme.example", { displayName: "Boss", license: "standard" }),
      ]),
      livePlatform([live("x@acme.example")], { organization: "org-2", service: "svc-2" }),
    ),
  });

  it("an address glob silences every item about the matching addresses and counts them", () => {
    const { desired: d, actual: a } = scene();
    const report = detectDrift(d, a, context({ ignore: parseIgnore("*@legacy.example", "f") }));
    expect(report.items.map((i) => i.address)).not.toContain("a@legacy.example");
    expect(report.items.map((i) => i.address)).not.toContain("b@legacy.example");
    expect(report.ignored).toBe(2);
  });

  it("a field rule silences that field only", () => {
    const { desired: d, actual: a } = scene();
    const report = detectDrift(d, a, context({ ignore: parseIgnore("ceo@acme.example displayName", "f") }));
    const ceo = report.items.filter((i) => i.address === "ceo@acme.example");
    expect(ceo).toMatchObject([{ kind: "changed", field: "license" }]);
    expect(report.ignored).toBe(1);
  });

  it("a kind rule silences that kind only", () => {
    const { desired: d, actual: a } = scene();
    const report = detectDrift(d, a, context({ ignore: parseIgnore("*@legacy.example missing", "f") }));
    expect(report.items.filter((i) => i.address.endsWith("@legacy.example"))).toMatchObject([
      { kind: "changed", address: "a@legacy.example", field: "license" },
    ]);
  });

  it("a platform scope limits the rule to that platform", () => {
    const { desired: d, actual: a } = scene();
    const report = detectDrift(d, a, context({ ignore: parseIgnore("org-2/svc-2:* license", "f") }));
    expect(report.items.some((i) => i.platform === "org-2/svc-2")).toBe(false);
    expect(
      report.items.some((i) => i.platform === PLATFORM && i.kind === "changed" && i.field === "license"),
    ).toBe(true);
    expect(report.platforms.find((p) => p.organization === "org-2")!.counts.changed).toBe(0);
  });

  it("an unmanaged rule on a prune platform turns the exit answer to no drift", () => {
    const d = desired(hosted([], { prune: true }));
    const a = actual(livePlatform([blank(1), blank(2)]));
    expect(hasDrift(detectDrift(d, a, context()))).toBe(true);
    const report = detectDrift(d, a, context({ ignore: parseIgnore("*@configureme.me unmanaged", "f") }));
    expect(hasDrift(report)).toBe(false);
    expect(report.ignored).toBe(2);
  });
});

describe("baselineIgnore", () => {
  const scene = () => ({
    desired: desired(
      hosted(
        [
          present("a@acme.example", { license: "enterprise", renewal: "yearly" }),
          present("b@acme.example"),
          absent("c@acme.example"),
          present("d@acme.example", { renewal: "yearly" }),
        ],
        { prune: true },
      ),
    ),
    actual: actual(
      livePlatform([
        live("a@acme.example", { license: "basic", renewal: "monthly" }),
        live("c@acme.example"),
        live("d@acme.example"),
        live("stranger@acme.example"),
        blank(7),
      ]),
    ),
  });

  it("round trip: report → baselineIgnore → parseIgnore → detect again gives no drift, and pending items stay", () => {
    const { desired: d, actual: a } = scene();
    const history = [renewed("d@acme.example")];
    const first = detectDrift(d, a, context({ history }));
    expect(hasDrift(first)).toBe(true);
    const text = baselineIgnore(first);
    const second = detectDrift(d, a, context({ history, ignore: parseIgnore(text, ".exrecignore") }));
    expect(hasDrift(second)).toBe(false);
    expect(second.ignored).toBe(driftItems(first).length);
    expect(second.items).toMatchObject([{ kind: "pending", address: "d@acme.example", cause: "renewal" }]);
  });

  it("writes exact rules: scoped to the platform, one field or kind each, under a dated header", () => {
    const { desired: d, actual: a } = scene();
    const text = baselineIgnore(detectDrift(d, a, context()));
    expect(text.split("\n")).toEqual([
      "# exrec drift --write-ignore on 2026-05-10: 6 rules",
      "# silencing the drift found then (manifest sha256:0f3c9a).",
      `${PLATFORM}:a@acme.example license`,
      `${PLATFORM}:a@acme.example renewal`,
      `${PLATFORM}:b@acme.example missing`,
      `${PLATFORM}:blank7@configureme.me unmanaged`,
      `${PLATFORM}:c@acme.example deleteAtExpiration`,
      `${PLATFORM}:stranger@acme.example unmanaged`,
      "",
    ]);
  });

  it("a baseline silences nothing new: a later, different drift on the same account is reported", () => {
    const { desired: d, actual: a } = scene();
    const rules = parseIgnore(baselineIgnore(detectDrift(d, a, context())), "f");
    const later = actual(
      livePlatform([
        live("a@acme.example", { license: "basic", renewal: "monthly", deleteAtExpiration: true }),
      ]),
    );
    const report = detectDrift(d, later, context({ ignore: rules }));
    // c was removed and the stranger and the blank account are gone: silent. What is new is reported.
    expect(report.items).toMatchObject([
      { kind: "changed", address: "a@acme.example", field: "deleteAtExpiration" },
      { kind: "missing", address: "d@acme.example" },
    ]);
  });

  it("merges with the existing file: keeps it as written and adds no duplicate", () => {
    const { desired: d, actual: a } = scene();
    const report = detectDrift(d, a, context());
    const existing = `# ours\n${PLATFORM}:A@ACME.example LICENSE\n*@legacy.example\n`;
    const text = baselineIgnore(report, { text: existing, file: ".exrecignore" });
    expect(text.startsWith(existing)).toBe(true);
    expect(text).toMatch(/# exrec drift --write-ignore on 2026-05-10: 5 rules/);
    expect(text).not.toMatch(/a@acme\.example license/);
    // Running it again on its own output adds nothing.
    expect(baselineIgnore(report, { text, file: ".exrecignore" })).toBe(text);
  });

  it("leaves the file unchanged when there is no drift to baseline", () => {
    const report = detectDrift(
      desired(hosted([present("a@acme.example")])),
      actual(livePlatform([live("a@acme.example")])),
      context(),
    );
    expect(baselineIgnore(report, { text: "*@legacy.example\n", file: "f" })).toBe("*@legacy.example\n");
    expect(baselineIgnore(report)).toBe("");
  });

  it("refuses to merge into an existing file it cannot read, naming the line", () => {
    const report = detectDrift(
      desired(hosted([present("a@acme.example")])),
      actual(livePlatform([])),
      context(),
    );
    expect(() => baselineIgnore(report, { text: "ok@x\nbad@x what", file: ".exrecignore" })).toThrow(
      /\.exrecignore:2: unknown field "what"/,
    );
  });
});
