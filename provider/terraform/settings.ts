/**
 * The settings of each exrec_platform (offer, removal mode, defaults), which its accounts need:
 * an account that does not set its licence takes the platform's default, an account removed from
 * a `removal = "reset"` platform is also reset (H5). Terraform sends a resource's own attributes
 * only, and starts a new provider process for each walk (validate, plan, apply), so the settings
 * seen in one walk are kept in a small file in the working directory's `.exrec` folder, beside the
 * local lock and journal: the validate walk, which reads every exrec_platform before anything is
 * planned, writes them there; the plan and apply walks read them.
 */
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomically } from "../system/atomic-file.js";
import {
  platformKey,
  type License,
  type Offer,
  type PlatformRef,
  type RemovalMode,
  type Renewal,
  type StorageQuota,
} from "../../reconciler/model.js";

export interface PlatformSettings extends PlatformRef {
  offer: Offer;
  removal: RemovalMode;
  defaultLicense: License | null;
  defaultRenewal: Renewal | null;
  /** Hosted only: the storage of the accounts ordered there; null: OVHcloud's default. */
  storageQuota?: StorageQuota | null;
}

/** The file, inside the local state folder (`.exrec`). */
export const SETTINGS_FILE = "terraform-platforms.json";

export class PlatformSettingsStore {
  private readonly known = new Map<string, PlatformSettings>();
  private loaded: Promise<void> | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly dir: string) {}

  private get file(): string {
    return join(this.dir, SETTINGS_FILE);
  }

  private async load(): Promise<void> {
    this.loaded ??= (async () => {
      try {
        const text = await readFile(this.file, "utf8");
        const entries = (JSON.parse(text) as { platforms?: PlatformSettings[] }).platforms ?? [];
        for (const entry of entries) {
          // What this process saw itself is newer than the file.
          if (!this.known.has(platformKey(entry))) this.known.set(platformKey(entry), entry);
        }
      } catch {
        // No file yet (or an unreadable one): nothing is known from earlier walks.
      }
    })();
    return this.loaded;
  }

  async get(ref: PlatformRef): Promise<PlatformSettings | null> {
    await this.load();
    return this.known.get(platformKey(ref)) ?? null;
  }

  /** Records what the configuration declares now; written through to the file. */
  async put(settings: PlatformSettings): Promise<void> {
    await this.load();
    const key = platformKey(settings);
    const before = this.known.get(key);
    this.known.set(key, settings);
    if (before && JSON.stringify(before) === JSON.stringify(settings)) return;
    const write = this.writing.then(async () => {
      await mkdir(this.dir, { recursive: true });
      // Merge with what another process may have written meanwhile, then replace atomically.
      let onDisk: PlatformSettings[] = [];
      try {
        onDisk =
          (JSON.parse(await readFile(this.file, "utf8")) as { platforms?: PlatformSettings[] }).platforms ??
          [];
      } catch {
        onDisk = [];
      }
      const merged = new Map(onDisk.map((p) => [platformKey(p), p]));
      merged.set(key, settings);
      const body = {
        note: "Written by terraform-provider-exrec: the exrec_platform settings its accounts use. Safe to delete; the next terraform plan writes it again.",
        platforms: [...merged.values()].sort((a, b) => platformKey(a).localeCompare(platformKey(b))),
      };
      await writeFileAtomically(this.file, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o644 });
    });
    this.writing = write.catch(() => undefined);
    await write;
  }
}
