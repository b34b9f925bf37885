/**
 * The process of one measured read: `node --expose-gc dist/test/bench/read-child.js exrec|plain
 * SPEC_JSON`. It loads only the reader it runs (exrec's refresh and API client, or the plain undici
 * reader), as a user's process would, not the benchmark program around it: a read measured in
 * that program's process shared its heap, its loaded code and whatever its start-up compiled, and
 * the two readers did not gain or lose from that alike. Its start-up garbage is collected before
 * the read, so that neither pays for it by the chance of where the first collection falls.
 */
const [which, spec] = process.argv.slice(2);
if ((which !== "exrec" && which !== "plain") || spec === undefined) {
  process.stderr.write("usage: read-child.js exrec|plain SPEC_JSON\n");
  process.exit(2);
}
const run =
  which === "exrec"
    ? (await import("./reader.js")).runReader
    : (await import("./plain-reader.js")).runPlainReader;
(globalThis as { gc?: () => void }).gc?.();
process.stdout.write(JSON.stringify(await run(JSON.parse(spec) as never)));
