import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDesired, validateFiles } from "../../reconciler/load/index.js";
import type { Desired, DesiredPlatform } from "../../reconciler/model.js";
import { localFileSystem } from "../../provider/system/files.js";

const fixtures = "test/fixtures/manifests";
const HOSTED_AND_PRIVATE = `${fixtures}/hosted-and-private.yaml`;
const SPLIT = [`${fixtures}/split/hosted.yaml`, `${fixtures}/split/private.yml`];
const CDKTF_OUT = `${fixtures}/cdktf.out`;

/** The model without source locations, platforms and accounts in a fixed order. */
function withoutSources(desired: Desired): unknown {
  return [...desired.platforms]
    .sort((a, b) => a.organization.localeCompare(b.organization))
    .map(({ source: _source, accounts, ...platform }: DesiredPlatform) => ({
      ...platform,
      accounts: accounts
        .map(({ source: _s, ...account }) => account)
        .sort((a, b) => a.email.localeCompare(b.email)),
    }));
}

describe("loading good manifests", () => {
  it("applies defaults, lower-cases addresses, leaves unset fields unmanaged and locates everything", async () => {
    const desired = await loadDesired([HOSTED_AND_PRIVATE], { files: localFileSystem });
    const at = (line: number, col: number) => ({ file: HOSTED_AND_PRIVATE, line, col });
    expect(desired.files).toEqual([HOSTED_AND_PRIVATE]);
    expect(desired.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(desired.platforms).toEqual([
      {
        organization: "hosted-ab12345-1",
        service: "hosted-ab12345-1",
        offer: "hosted",
        removal: "expire",
        prune: false,
        source: at(4, 5),
        accounts: [
          {
            email: "alice@acme.example",
            state: "present",
            license: "standard",
            renewal: "yearly",
            displayName: "Alice Martin",
            protect: false,
            source: at(9, 9),
          },
          {
            email: "bob@acme.example",
            state: "present",
            license: "basic",
            renewal: "monthly",
            protect: false,
            source: at(11, 9),
          },
          { email: "old@acme.example", state: "absent", source: at(14, 9) },
          {
            email: "ceo@acme.example",
            state: "present",
            license: "enterprise",
            renewal: "yearly",
            protect: true,
            source: at(16, 9),
          },
        ],
      },
      {
        organization: "private-cd67890-1",
        service: "exchange.acme.example",
        offer: "private",
        prune: true,
        source: at(19, 5),
        accounts: [
          // `renewal: monthly` on Private matches P1: accepted, and not carried into the model.
          {
            email: "carol@acme.example",
            state: "present",
            license: "basic",
            protect: false,
            source: at(25, 9),
          },
          {
            email: "dave@acme.example",
            state: "present",
            license: "basic",
            protect: false,
            source: at(27, 9),
          },
        ],
      },
    ]);
  });

  it("leaves a field unmanaged (absent from the model) when neither the account nor the defaults set it", async () => {
    const desired = await loadDesired([`${fixtures}/minimal.yaml`, `${fixtures}/unmanaged-fields.yaml`], {
      files: localFileSystem,
    });
    const account = desired.platforms
      .flatMap((p) => p.accounts)
      .find((a) => a.email === "frank@acme.example")!;
    expect(account).toEqual({
      email: "frank@acme.example",
      state: "present",
      protect: false,
      source: expect.any(Object),
    });
    expect("license" in account || "renewal" in account || "displayName" in account).toBe(false);
    const minimal = desired.platforms.find((p) => p.source.file.endsWith("minimal.yaml"))!;
    expect(minimal).toMatchObject({ offer: "hosted", removal: "expire", prune: false, accounts: [] });
  });

  it("gives the same model and digest for one YAML file, the same state split in two files, and a cdktf.out folder", async () => {
    const single = await loadDesired([HOSTED_AND_PRIVATE], { files: localFileSystem });
    const split = await loadDesired(SPLIT, { files: localFileSystem });
    const cdktf = await loadDesired([CDKTF_OUT], { files: localFileSystem });
    expect(withoutSources(split)).toEqual(withoutSources(single));
    expect(withoutSources(cdktf)).toEqual(withoutSources(single));
    expect(split.digest).toBe(single.digest);
    expect(cdktf.digest).toBe(single.digest);
    expect(cdktf.files).toEqual([CDKTF_OUT]);
    // Accounts from the cdk.tf.json are located in it.
    const alice = cdktf.platforms.flatMap((p) => p.accounts).find((a) => a.email === "alice@acme.example")!;
    expect(alice.source).toEqual({ file: `${CDKTF_OUT}/stacks/acme/cdk.tf.json`, line: 14, col: 16 });
  });

  it("loads a folder of YAML manifests as the files in it, in name order", async () => {
    const folder = await loadDesired([`${fixtures}/split`], { files: localFileSystem });
    const files = await loadDesired(SPLIT, { files: localFileSystem });
    expect(withoutSources(folder)).toEqual(withoutSources(files));
    expect(folder.digest).toBe(files.digest);
    expect(folder.platforms.map((p) => p.source.file)).toEqual(files.platforms.map((p) => p.source.file));
  });

  it("reads a manifest linked into a folder, and names a dangling link instead of leaving it out", async () => {
    const folder = await mkdtemp(join(tmpdir(), "exrec-linked-"));
    try {
      for (const file of SPLIT) await symlink(resolve(file), join(folder, basename(file)));
      const linked = await loadDesired([folder], { files: localFileSystem });
      const direct = await loadDesired(SPLIT, { files: localFileSystem });
      expect(withoutSources(linked)).toEqual(withoutSources(direct));
      await symlink(join(folder, "gone.yaml"), join(folder, "zz-gone.yaml"));
      await expect(loadDesired([folder], { files: localFileSystem })).rejects.toThrow(/zz-gone\.yaml/);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it("changes the digest when anything declared changes", async () => {
    const base = await loadDesired([`${fixtures}/minimal.yaml`], { files: localFileSystem });
    const other = await loadDesired([`${fixtures}/unmanaged-fields.yaml`], { files: localFileSystem });
    expect(other.digest).not.toBe(base.digest);
  });

  it("validates good manifests without problems", async () => {
    expect(await validateFiles([HOSTED_AND_PRIVATE], { files: localFileSystem })).toEqual([]);
    expect(await validateFiles(SPLIT, { files: localFileSystem })).toEqual([]);
    expect(await validateFiles([CDKTF_OUT], { files: localFileSystem })).toEqual([]);
  });
});
