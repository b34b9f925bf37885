/**
 * The fixes that make @cdktf/provider-generator's output compile under this repository's
 * settings (module NodeNext, strict, noImplicitOverride). The generator targets CommonJS projects
 * with looser settings; we keep its output otherwise untouched.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createRequire } from "node:module";
import type * as TS from "typescript";

// Required rather than imported: importing a CommonJS module from ESM makes Node.js scan all of its
// source for export names first, and the compiler's is nine megabytes (about half a second of CPU).
const ts = createRequire(import.meta.url)("typescript") as typeof TS;

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
  const options = { ...compilerOptions(tsconfigFile), noEmit: true };
  const program = ts.createProgram(files, options, compilerHostReusingParsedFiles(options, files));
  const insertions = new Map<string, number[]>();
  const otherProblems: string[] = [];

  for (const diagnostic of diagnosticsOf(program, files)) {
    const file = diagnostic.file;
    const position =
      file && MISSING_OVERRIDE.has(diagnostic.code) && diagnostic.start !== undefined
        ? overrideInsertionPoint(file, diagnostic.start)
        : undefined;
    if (!file || position === undefined) {
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

/**
 * What `tsc` would report about `files` before emitting, and nothing about the other files of the
 * program (the compiler's and the dependencies' declarations): the problems of the program as a
 * whole (options, globals) once, then each file's syntax, types and declaration output. Asking per
 * file spares type-checking everything else the program holds, which the result never looked at.
 */
function diagnosticsOf(program: TS.Program, files: string[]): TS.Diagnostic[] {
  const diagnostics: TS.Diagnostic[] = [
    ...program.getConfigFileParsingDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
  ];
  for (const fileName of files) {
    const sourceFile = program.getSourceFile(fileName);
    if (!sourceFile) throw new Error(`${fileName}: the compiler did not load it`);
    diagnostics.push(...program.getSyntacticDiagnostics(sourceFile));
    diagnostics.push(...program.getSemanticDiagnostics(sourceFile));
    const options = program.getCompilerOptions();
    if (options.declaration || options.composite) {
      diagnostics.push(...program.getDeclarationDiagnostics(sourceFile));
    }
  }
  return ts.sortAndDeduplicateDiagnostics(diagnostics).slice();
}

/** A parsed file, with the text it was parsed from. */
interface ParsedFile {
  text: string;
  sourceFile: TS.SourceFile;
}

/** compiler options (as JSON) → file name → parse options → its parsed file. */
const parsedFiles = new Map<string, Map<string, Map<string, ParsedFile>>>();

/**
 * A compiler host that hands a later program the files an earlier one in this process parsed,
 * as long as their text has not changed: most of a program is the same declarations (TypeScript's
 * lib, @types/node, cdktf), and parsing them costs about as much as checking the generated files.
 * The compiler's own watch mode reuses parsed files across programs the same way. The checked
 * files themselves are not kept: they are generated anew each time, in a folder then removed.
 */
function compilerHostReusingParsedFiles(options: TS.CompilerOptions, checked: string[]): TS.CompilerHost {
  const host = ts.createCompilerHost(options);
  // As `tsc` itself does: documentation comments are parsed only where they can change a diagnostic.
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
  const notKept = new Set(checked.map((f) => resolve(f)));
  const optionsKey = JSON.stringify(options);
  const byFile = parsedFiles.get(optionsKey) ?? new Map<string, Map<string, ParsedFile>>();
  parsedFiles.set(optionsKey, byFile);
  const parseFresh = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile) => {
    if (notKept.has(resolve(fileName))) {
      return parseFresh(fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile);
    }
    const parseKey = JSON.stringify(
      typeof languageVersionOrOptions === "object"
        ? [
            languageVersionOrOptions.languageVersion,
            languageVersionOrOptions.impliedNodeFormat,
            languageVersionOrOptions.jsDocParsingMode,
          ]
        : languageVersionOrOptions,
    );
    const byParse = byFile.get(fileName) ?? new Map<string, ParsedFile>();
    byFile.set(fileName, byParse);
    const earlier = byParse.get(parseKey);
    if (earlier && !shouldCreateNewSourceFile && host.readFile(fileName) === earlier.text) {
      return earlier.sourceFile;
    }
    const sourceFile = parseFresh(fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile);
    if (sourceFile) byParse.set(parseKey, { text: sourceFile.text, sourceFile });
    else byParse.delete(parseKey);
    return sourceFile;
  };
  return host;
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
function overrideInsertionPoint(sourceFile: TS.SourceFile, nameStart: number): number | undefined {
  let found: TS.ClassElement | undefined;
  const visit = (node: TS.Node): void => {
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

function compilerOptions(tsconfigFile: string): TS.CompilerOptions {
  const read = ts.readConfigFile(tsconfigFile, (path) => ts.sys.readFile(path));
  if (read.error) throw new Error(ts.formatDiagnostic(read.error, formatHost));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(tsconfigFile));
  return parsed.options;
}

const formatHost: TS.FormatDiagnosticsHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => process.cwd(),
  getNewLine: () => "\n",
};
