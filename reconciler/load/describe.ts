/** Words for places and values in problem messages: `license`, `account 2`, `the string "yes"`. */
import type { DocPath } from "./source.js";

const ITEM_NAMES: Record<string, string> = { platforms: "platform", accounts: "account" };

/** How a message names the place at `path`: the field's key, or `account 2` for list items. */
export function placeLabel(path: DocPath): string {
  const last = path[path.length - 1];
  if (last === undefined) return "the manifest";
  if (typeof last === "number") {
    const list = path[path.length - 2];
    const item = typeof list === "string" ? ITEM_NAMES[list] : undefined;
    return item === undefined ? `item ${last + 1}` : `${item} ${last + 1}`;
  }
  return `\`${last}\``;
}

/** How a message names a value that was found: `the string "yes"`, `a list`, `nothing (null)`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing (null)";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return `the string ${quote(value)}`;
    case "number":
      return `the number ${value}`;
    case "boolean":
      return `the boolean ${value}`;
    case "object":
      return "a map";
    default:
      return `a ${typeof value}`;
  }
}

/** A JSON-quoted, shortened copy of user text, safe to put in a one-line message. */
export function quote(text: string): string {
  const short = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return JSON.stringify(short);
}

/** JSON Schema type names, in the words of a YAML user. */
export function describeType(type: string): string {
  switch (type) {
    case "object":
      return "a map (key: value lines)";
    case "array":
      return "a list (`- ` items)";
    case "boolean":
      return "true or false";
    case "integer":
    case "number":
      return "a number";
    default:
      return `a ${type}`;
  }
}
