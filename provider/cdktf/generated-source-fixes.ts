/**
 * The fixes that make @cdktf/provider-generator's output compile under this repository's
 * settings (module NodeNext, strict, noImplicitOverride). The generator targets CommonJS projects
 * with looser settings; we keep its output otherwise untouched.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import ts from "typescript";

/**
 * `from './platform'` → `from './platform/index.js'` (a folder) or `'./platform.js'` (a file):
 * NodeNext resolves relative ESM imports only with their full file name (TS2834 otherwise).
 */
export function withNodeNextImports(source: string, fileDir: string): string {
  return source.replace(
    /(\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*)(['"])(\.{1,2}\/[^'"]*)\2/g,
    (whole, keyword: string, quote: string, specifier: string) => {
      if (/\.(js|mjs|cjs|json)$/.test(specifier)) return whole;
      const target = resolve(fileDir, specifier);
      const isFolder = existsSync(target) && statSync(target).isDirectory();
      const fixed = isFolder ? `${specifier.replace(/\/$/, "")}/index.js` : `${specifier}.js`;
      return `${keyword}${quote}${fixed}${quote}`;
    },
  );
}

/** "This member must have an 'override' modifier because it overrides a member / an abstract method". */
const MISSING_OVERRIDE = new Set([4114, 4116]);

/** What the compiler still reports once the missing `override` modifiers are added. */
export interface OverrideFixResult {
  /** file → its fixed text, only for files that changed. */
  fixed: Map<string, string>;
  /** Every other diagnostic in the given files, formatted: the generated code does not compile. */
  otherProblems: string[];
}

/**
 * Type-checks `files` with the repository's compiler options and adds `override` wherever the
 * compiler says a generated member overrides a cdktf base-class member (`synthesizeAttributes`,
 * a provider's `alias`, ...). Asking the compiler, rather than listing member names, keeps this
 * right when a schema change makes the generator emit other overriding members.
 */
export function addMissingOverrides(files: string[], tsconfigFile: string): OverrideFixResult {
  const options = compilerOptions(tsconfigFile);
  const program = ts.createProgram(files, { ...options, noEmit: true });
  const wanted = new Set(files.map((f) => resolve(f)));
  const insertions = new Map<string, number[]>();
  const otherProblems: string[] = [];

  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file;
    if (!file || !wanted.has(resolve(file.fileName))) continue;
    const position =
      MISSING_OVERRIDE.has(diagnostic.code) && diagnostic.start !== undefined
        ? overrideInsertionPoint(file, diagnostic.start)
        : undefined;
    if (position === undefined) {
      otherProblems.push(ts.formatDiagnostic(diagnostic, formatHost));
      continue;
    }
    const list = insertions.get(file.fileName) ?? [];
    list.push(position);
    insertions.set(file.fileName, list);
  }

  const fixed = new Map<string, string>();
  for (const [fileName, positions] of insertions) {
    const sourceFile = program.getSourceFile(fileName);
    if (!sourceFile) continue;
    let text = sourceFile.text;
    // From the end backwards, so that earlier positions stay valid.
    for (const position of [...new Set(positions)].sort((a, b) => b - a)) {
      text = `${text.slice(0, position)}override ${text.slice(position)}`;
    }
    fixed.set(resolve(fileName), text);
  }
  return { fixed, otherProblems };
}

const LEADING_MODIFIERS = new Set([
  ts.SyntaxKind.PublicKeyword,
  ts.SyntaxKind.ProtectedKeyword,
  ts.SyntaxKind.PrivateKeyword,
  ts.SyntaxKind.StaticKeyword,
]);

/**
 * Where `override ` goes in the class member whose name starts at `nameStart`: after
 * `public`/`protected`/`private`/`static`, before `readonly`, `async`, `get` or `set`.
 */
function overrideInsertionPoint(sourceFile: ts.SourceFile, nameStart: number): number | undefined {
  let found: ts.ClassElement | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isClassElement(node) && node.name && node.name.getStart(sourceFile) === nameStart) {
      found = node;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  if (!found) return undefined;
  const modifiers = (ts.canHaveModifiers(found) ? ts.getModifiers(found) : undefined) ?? [];
  const leading = modifiers.filter((m) => LEADING_MODIFIERS.has(m.kind));
  const lastLeading = leading[leading.length - 1];
  if (lastLeading) {
    // At the next token, so that it reads "protected override synthesizeAttributes".
    let position = lastLeading.end;
    while (/\s/.test(sourceFile.text.charAt(position))) position++;
    return position;
  }
  return (modifiers[0] ?? found).getStart(sourceFile);
}

function compilerOptions(tsconfigFile: string): ts.CompilerOptions {
  const read = ts.readConfigFile(tsconfigFile, (path) => ts.sys.readFile(path));
  if (read.error) throw new Error(ts.formatDiagnostic(read.error, formatHost));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(tsconfigFile));
  return parsed.options;
}

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => process.cwd(),
  getNewLine: () => "\n",
};
