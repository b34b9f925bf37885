/**
 * The files of a run, as the engine reaches them: this machine's file system (the engine's file
 * port), with the run's working folder for relative paths.
 */
import { localFileSystem } from "../../provider/system/files.js";
import type { FileSystem } from "../ports.js";
import type { CliIo } from "./io.js";

export interface RunFiles {
  files: FileSystem;
  cwd: string;
}

export function runFiles(io: Pick<CliIo, "cwd">): RunFiles {
  return { files: localFileSystem, cwd: io.cwd };
}
