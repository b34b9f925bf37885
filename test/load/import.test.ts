import { afterAll, describe, expect, it } from "vitest";
import { renderImportedManifest } from "../../reconciler/import.js";
import { loadDesired } from "../../reconciler/load/index.js";
import type { Actual, DesiredAccount } from "../../reconciler/model.js";
import { liveAccount, livePlatform } from "./builders.js";
import { tempDir } from "./helpers.js";
import { localFileSystem } from "../../provider/system/files.js";

const dir = tempDir();
afterAll(() => dir.remove());

const NOW = new Date("2026-11-26T10:00:00Z");

const ACTUAL: Actual = {
  fingerprint: {},
  platforms: [
    livePlatform(
      "private-cd67890-1",
      "dedicatedCluster",
      ["acme.example"],
      [
        liveAccount("zoe@acme.example", {
          license: "enterprise",
          renewal: null,
          deleteAtExpiration: null,
          expirationDate: null,
        }),
        liveAccount("carol@acme.example", {
          license: "basic",
          renewal: "monthly",
          displayName: 'Carol: the "boss" #1',
        }),
      ],
      "exchange.acme.example",
    ),
    livePlatform(
      "hosted-ab12345-1",
      "hosted",
      ["acme.example"],
      [
        liveAccount("ceo@acme.example", { license: "enterprise", displayName: "yes" }),
        // The calendar date in the date's own offset: the 31st, although it is the 30th in UTC.
        liveAccount("alice@acme.example", {
          displayName: "Alice Martin",
          expirationDate: "2027-03-31T00:30:00+02:00",
        }),
        liveAccount("bob@acme.example", {
          license: "basic",
          renewal: "monthly",
          expirationDate: "2026-12-01T23:30:00-05:00",
        }),
        liveAccount("old@acme.example", {
          deleteAtExpiration: true,
          expirationDate: "2027-01-15T00:00:00+01:00",
        }),
        liveAccount("7f3a@configureme.me", {
          configured: false,
          domain: "configureme.me",
          expirationDate: "2027-05-01T00:00:00+02:00",
        }),
        liveAccount("nobody@acme.example", { renewal: null, displayName: "Line one\nline two" }),
      ],
    ),
    livePlatform("hosted-empty-1", "provider", [], []),
  ],
};

function byEmail(accounts: DesiredAccount[]): Record<string, unknown> {
  return Object.fromEntries(accounts.map(({ source: _source, ...account }) => [account.email, account]));
}

describe("exrec import", () => {
  const yaml = renderImportedManifest(ACTUAL, { now: NOW, source: "the embedded sandbox" });

  it("writes a header with the schema for editors, and when and where it was read", () => {
    const lines = yaml.split("\n");
    expect(lines[0]).toBe("# yaml-language-server: $schema=../schemas/manifest.schema.json");
    expect(lines[1]).toBe(
      "# Imported by `exrec import` on 2026-11-26T10:00:00.000Z from the embedded sandbox: 3 platform(s).",
    );
  });

  it("loads without problems into the same platforms, accounts and fields", async () => {
    const desired = await loadDesired([dir.write("imported.yaml", yaml)], { files: localFileSystem });
    expect(desired.platforms.map((p) => [p.organization, p.service, p.offer, p.prune])).toEqual([
      ["hosted-ab12345-1", "hosted-ab12345-1", "hosted", false],
      ["hosted-empty-1", "hosted-empty-1", "hosted", false],
      ["private-cd67890-1", "exchange.acme.example", "private", false],
    ]);
    expect(desired.platforms[0]).toMatchObject({ offer: "hosted", removal: "expire" });
    expect(byEmail(desired.platforms[0]!.accounts)).toEqual({
      "alice@acme.example": {
        email: "alice@acme.example",
        state: "present",
        license: "standard",
        renewal: "yearly",
        displayName: "Alice Martin",
        protect: false,
      },
      "bob@acme.example": {
        email: "bob@acme.example",
        state: "present",
        license: "basic",
        renewal: "monthly",
        protect: false,
      },
      "ceo@acme.example": {
        email: "ceo@acme.example",
        state: "present",
        license: "enterprise",
        renewal: "yearly",
        displayName: "yes",
        protect: false,
      },
      "nobody@acme.example": {
        email: "nobody@acme.example",
        state: "present",
        license: "standard",
        displayName: "Line one\nline two",
        protect: false,
      },
      "old@acme.example": { email: "old@acme.example", state: "absent" },
    });
    expect(desired.platforms[1]!.accounts).toEqual([]);
    // Private: no renewal (P1), even where the API gives one.
    expect(byEmail(desired.platforms[2]!.accounts)).toEqual({
      "carol@acme.example": {
        email: "carol@acme.example",
        state: "present",
        license: "basic",
        displayName: 'Carol: the "boss" #1',
        protect: false,
      },
      "zoe@acme.example": {
        email: "zoe@acme.example",
        state: "present",
        license: "enterprise",
        protect: false,
      },
    });
  });

  it("sorts platforms by key and accounts by address", async () => {
    const emails = [...yaml.matchAll(/- email: (\S+)/g)].map((m) => m[1]);
    expect(emails).toEqual([
      "alice@acme.example",
      "bob@acme.example",
      "ceo@acme.example",
      "nobody@acme.example",
      "old@acme.example",
      "carol@acme.example",
      "zoe@acme.example",
    ]);
  });

  it("declares an account that is already terminating as absent, with its expiry", () => {
    expect(yaml).toContain(
      "      - email: old@acme.example # expires 2027-01-15; terminating at expiry\n        state: absent\n",
    );
  });

  it("writes each expiry as a trailing comment with the calendar date in the date's own offset", () => {
    expect(yaml).toContain("      - email: alice@acme.example # expires 2027-03-31\n");
    expect(yaml).toContain("      - email: bob@acme.example # expires 2026-12-01\n");
    expect(yaml).toContain("      - email: zoe@acme.example\n");
  });

  it("lists blank accounts in comments only: they stay unmanaged", async () => {
    expect(yaml).toContain(
      "    # Blank accounts (paid, not configured), left unmanaged: 1\n    #   7f3a@configureme.me (standard, yearly, expires 2027-05-01)\n",
    );
    expect(yaml).not.toMatch(/^\s*- email: 7f3a@configureme\.me/m);
  });

  it("notes the API offer where the manifest's offer name differs", () => {
    expect(yaml).toContain("    offer: private # API offer: dedicatedCluster\n");
    expect(yaml).toContain("    offer: hosted # API offer: provider\n");
    expect(yaml).toContain("    offer: hosted\n    prune: false\n");
  });

  it("writes an empty manifest when nothing is live", async () => {
    const empty = renderImportedManifest({ platforms: [], fingerprint: {} }, { now: NOW });
    expect(empty).toMatch(/from the live API: 0 platform\(s\)/);
    expect(
      (await loadDesired([dir.write("empty-import.yaml", empty)], { files: localFileSystem })).platforms,
    ).toEqual([]);
  });
});
