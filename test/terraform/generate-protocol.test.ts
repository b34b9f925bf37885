import { cp, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DEFAULT_PROTOCOL_DIR,
  generateProtocolDescriptor,
  protocolInputsDigest,
} from "../../provider/terraform/generate-protocol.js";

describe("the build step that writes the plugin protocol descriptor", () => {
  let dir: string;
  let protocolDir: string;
  let outFile: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "exrec-protocol-"));
    protocolDir = join(dir, "protocol");
    outFile = join(dir, "gen", "protocol-descriptor.ts");
    await cp(DEFAULT_PROTOCOL_DIR, protocolDir, { recursive: true });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes the descriptor once, then leaves it alone while its inputs are unchanged", async () => {
    const first = await generateProtocolDescriptor({ protocolDir, outFile });
    expect(first.written).toBe(true);
    const text = await readFile(outFile, "utf8");
    expect(text).toContain(`inputs sha256: ${first.digest}`);
    expect(text).toContain("export const PROTOCOL_DESCRIPTOR");
    expect(text).toContain("PlanResourceChange");
    const before = await stat(outFile);

    const second = await generateProtocolDescriptor({ protocolDir, outFile });
    expect(second).toMatchObject({ written: false, digest: first.digest });
    expect(await readFile(outFile, "utf8")).toBe(text);
    // Untouched, not rewritten alike: the compiler's incremental build looks at modification times.
    expect((await stat(outFile)).mtimeMs).toBe(before.mtimeMs);
  });

  it("writes it again when a .proto file changes, with the change in the descriptor", async () => {
    const first = await generateProtocolDescriptor({ protocolDir, outFile });
    const proto = join(protocolDir, "health.proto");
    const text = await readFile(proto, "utf8");
    expect(text).toContain("SERVING");
    expect(await readFile(outFile, "utf8")).not.toContain("SERVING_SOMEWHERE_ELSE");
    await writeFile(proto, text.replace("SERVING", "SERVING_SOMEWHERE_ELSE"));

    const second = await generateProtocolDescriptor({ protocolDir, outFile });
    expect(second.written).toBe(true);
    expect(second.digest).not.toBe(first.digest);
    const descriptor = await readFile(outFile, "utf8");
    expect(descriptor).toContain(`inputs sha256: ${second.digest}`);
    expect(descriptor).toContain("SERVING_SOMEWHERE_ELSE");
  });

  it("writes it again when the file was damaged, cut short or holds no digest", async () => {
    const first = await generateProtocolDescriptor({ protocolDir, outFile });
    const whole = await readFile(outFile, "utf8");
    await writeFile(outFile, whole.slice(0, whole.length / 2));
    expect((await generateProtocolDescriptor({ protocolDir, outFile })).written).toBe(true);
    expect(await readFile(outFile, "utf8")).toBe(whole);

    await writeFile(outFile, "// half a file");
    expect((await generateProtocolDescriptor({ protocolDir, outFile })).written).toBe(true);
    expect(await readFile(outFile, "utf8")).toContain(protocolInputsDigest(protocolDir));
    expect(first.digest).toBe(protocolInputsDigest(protocolDir));
  });
});
