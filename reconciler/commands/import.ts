import { renderImportedManifest } from "../import.js";
import { refresh } from "../refresh.js";
import type { PlatformRef } from "../model.js";
import { UsageError } from "../errors.js";
import { note, pathIn, print, type CliIo } from "./io.js";
import { writeOutputFile } from "./output.js";
import { wantsProgress } from "./plan.js";
import { Progress } from "./progress.js";
import { openSession, resolveConfig, type GlobalOptions } from "./session.js";
import { mayHoldSelected, selects, validateSelection, type Selection } from "./select.js";

export interface ImportOptions extends GlobalOptions, Selection {
  out?: string;
}

/** `exrec import`: a manifest of the live state, whose plan is empty. */
export async function importCommand(io: CliIo, options: ImportOptions): Promise<number> {
  validateSelection(options);
  const connection = resolveConfig(io, options);
  const session = await openSession(io, connection, options);
  try {
    const targets: PlatformRef[] = [];
    for (const organization of (await session.api.listOrganizations()).sort()) {
      if (!mayHoldSelected(options, organization)) continue;
      for (const service of (await session.api.listServices(organization)).sort()) {
        if (selects(options, { organization, service })) targets.push({ organization, service });
      }
    }
    if (targets.length === 0) throw new UsageError("no live platform matches --platform/--exclude");
    const progress = new Progress(wantsProgress(io, options) ? io.stderr : undefined, "import");
    const { actual } = await refresh(session.api, targets, {
      onProgress: (e) => progress.update(e.platform, e.done, e.total),
    });
    progress.done();
    const yaml = renderImportedManifest(actual, { now: new Date(), source: session.target });
    if (options.out) {
      await writeOutputFile(pathIn(io, options.out), yaml);
      note(io, `Imported ${targets.length} platform(s) into ${options.out}.`);
    } else {
      print(io, yaml);
    }
    return 0;
  } finally {
    await session.close();
  }
}
