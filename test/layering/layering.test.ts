/**
 * The layering check (`npm run check:deps`: dependency-cruiser with .dependency-cruiser.mjs) fails
 * on an import that runs back up a layer and on a cycle. Shown on small trees laid out like this
 * repository, checked by the project's own rules, so the real tree is never edited by a test
 * (`npm run check:deps` itself checks the real tree).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { cruise, type ICruiseOptions, type IForbiddenRuleType } from "dependency-cruiser";
import { afterAll, describe, expect, it } from "vitest";

const REPO = resolve(import.meta.dirname, "..", "..");
/** The project's own configuration, the one `npm run check:deps` uses. */
const CONFIG = (
  (await import(pathToFileURL(join(REPO, ".dependency-cruiser.mjs")).href)) as {
    default: { forbidden: IForbiddenRuleType[]; options: ICruiseOptions & { tsConfig?: unknown } };
  }
).default;

/** A tree every rule accepts: each row below adds one file to it. */
const CLEAN: Record<string, string> = {
  "tsconfig.json": JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext" } }),
  "reconciler/model.ts": "export type Plan = { changes: string[] };\n",
  "reconciler/ports.ts":
    'import type { Plan } from "./model.js";\nexport type Store = { save(p: Plan): void };\n',
  "reconciler/plan.ts":
    'import type { Plan } from "./model.js";\nexport const plan = (): Plan => ({ changes: [] });\n',
  "reconciler/drift/types.ts": "export type Report = { items: string[] };\n",
  "reconciler/render/plan-text.ts":
    'import type { Plan } from "../model.js";\nexport const renderPlanText = (p: Plan) => p.changes.join("\\n");\n',
  "reconciler/commands/plan.ts":
    'import { plan } from "../plan.js";\nimport { renderPlanText } from "../render/plan-text.js";\nexport const run = () => renderPlanText(plan());\n',
  "provider/ovh/http.ts":
    'import type { Store } from "../../reconciler/ports.js";\nexport const store: Store = { save() {} };\n',
  "provider/sandbox/server.ts": "export const serve = () => 0;\n",
  // The commands, the bin and the build scripts own the process: they may reach files themselves.
  "reconciler/commands/output.ts":
    'import { writeFile } from "node:fs/promises";\nexport const write = writeFile;\n',
  "reconciler/cli.ts": 'import { homedir } from "node:os";\nexport const home = homedir;\n',
  "reconciler/load/generate-validator.ts":
    'import { writeFileSync } from "node:fs";\nexport const generate = writeFileSync;\n',
  // A type-only import reaches nothing.
  "reconciler/load/read.ts": 'import type { Stats } from "node:fs";\nexport type Seen = Stats;\n',
};

interface Row {
  name: string;
  /** Files added to the clean tree. */
  add: Record<string, string>;
  /** The rule dependency-cruiser must name. */
  rule: string;
}

const rows: Row[] = [
  {
    name: "the planner importing a renderer (an arrow back up)",
    add: {
      "reconciler/plan/describe.ts":
        'import { renderPlanText } from "../render/plan-text.js";\nexport const describe = renderPlanText;\n',
    },
    rule: "engine-not-up-to-render-or-edge",
  },
  {
    name: "the model importing the planner",
    add: { "reconciler/format.ts": 'import { plan } from "./plan.js";\nexport const f = plan;\n' },
    rule: "foundation-imports-only-foundation",
  },
  {
    name: "two drift modules importing each other (a cycle)",
    add: {
      "reconciler/drift/a.ts": 'import { b } from "./b.js";\nexport const a = () => b;\n',
      "reconciler/drift/b.ts": 'import { a } from "./a.js";\nexport const b = () => a;\n',
    },
    rule: "no-cycles",
  },
  {
    name: "the planner reading a file",
    add: {
      "reconciler/plan/read.ts":
        'import { readFileSync } from "node:fs";\nexport const read = readFileSync;\n',
    },
    rule: "planner-and-drift-pure",
  },
  {
    name: "apply writing a file itself instead of through its port",
    add: {
      "reconciler/apply/secrets.ts":
        'import { writeFile } from "node:fs/promises";\nexport const save = writeFile;\n',
    },
    rule: "engine-reaches-outside-through-ports",
  },
  {
    name: "the manifest loader reading a file with node:fs instead of the file port",
    add: {
      "reconciler/load/inputs.ts":
        'import { readdir } from "node:fs/promises";\nexport const list = readdir;\n',
    },
    rule: "engine-reaches-outside-through-ports",
  },
  {
    name: "saved plans written with fs (no node: prefix) instead of the file port",
    add: {
      "reconciler/planfile.ts": 'import { writeFileSync } from "fs";\nexport const save = writeFileSync;\n',
    },
    rule: "engine-reaches-outside-through-ports",
  },
  {
    name: "the CLI as a function reading the host with node:os",
    add: {
      "reconciler/exrec.ts": 'import { hostname } from "node:os";\nexport const host = hostname;\n',
    },
    rule: "engine-reaches-outside-through-ports",
  },
  {
    name: "the engine starting a process",
    add: {
      "reconciler/import.ts": 'import { spawn } from "child_process";\nexport const run = spawn;\n',
    },
    rule: "engine-reaches-outside-through-ports",
  },
  {
    name: "the engine importing the API client instead of its port",
    add: {
      "reconciler/refresh.ts":
        'import { store } from "../provider/ovh/http.js";\nexport const refresh = store;\n',
    },
    rule: "engine-not-to-provider",
  },
  {
    name: "the sandbox importing the API client",
    add: {
      "provider/sandbox/client.ts": 'import { store } from "../ovh/http.js";\nexport const s = store;\n',
    },
    rule: "sandbox-independent-of-the-client",
  },
  {
    name: "a renderer importing the planner",
    add: {
      "reconciler/render/again.ts": 'import { plan } from "../plan.js";\nexport const again = plan;\n',
    },
    rule: "render-reads-only-results",
  },
];

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "exrec-layering-"));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

/** The violations dependency-cruiser finds in the tree at `root`, as `rule: from → to`. */
async function violations(root: string): Promise<string[]> {
  // The command line reads tsconfig.json for module resolution; here the same resolution is given directly.
  const { tsConfig: _readByTheCommandLine, ...options } = CONFIG.options;
  const result = await cruise(
    ["reconciler", "provider"],
    { ...options, baseDir: root, ruleSet: { forbidden: CONFIG.forbidden }, validate: true },
    { extensionAlias: { ".js": [".ts", ".js"] } },
  );
  if (typeof result.output === "string") throw new Error("dependency-cruiser gave text, not a result");
  return result.output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

describe("the layering check", () => {
  it("accepts a tree whose arrows all run down", async () => {
    expect(await violations(await tree(CLEAN))).toEqual([]);
  });

  it.each(rows)("fails on $name, naming the rule", async (row) => {
    const found = await violations(await tree({ ...CLEAN, ...row.add }));
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((v) => v.startsWith(`${row.rule}:`))).toBe(true);
    // Only the added files break a rule: the rest of the tree stays clean.
    for (const violation of found) {
      expect(Object.keys(row.add).some((path) => violation.includes(path))).toBe(true);
    }
  });
});
