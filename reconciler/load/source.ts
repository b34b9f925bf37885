/**
 * A parsed manifest, whatever it was written in: the plain document (what JSON Schema validates)
 * and a way back from any place in it to a line and column of the file it came from.
 */
import type { Position } from "./problem.js";

/** A place in a document: keys of maps and indexes of lists, from the root. */
export type DocPath = readonly (string | number)[];

/** Whether a position should point at a map entry's key (`licence:`) or at its value. */
export type LocateTarget = "key" | "value";

export interface ManifestSource {
  /** The file as it is named in problems. */
  file: string;
  document: unknown;
  /**
   * The position of the node at `path`; where the path goes further than the document does, the
   * position of the deepest node that exists (a missing field is reported at its map).
   */
  locate(path: DocPath, target?: LocateTarget): Position;
  /**
   * The positions of the items of the list at `path`, each what `locate` gives for its own path,
   * where the source has a faster way to them than one `locate` each (a manifest may list 100,000
   * accounts); otherwise null.
   */
  locateItems?(path: DocPath): Position[] | null;
}
