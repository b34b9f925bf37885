/**
 * Making values that come from outside (addresses, display names, platform names, reasons that
 * quote them) safe to print. A display name is whatever someone typed in OVHcloud's control
 * panel: it must not be able to move the cursor of a terminal, reorder text, or break a table.
 */
import { printable } from "../printable.js";

/**
 * Characters that mean something to GitHub-flavoured Markdown or to HTML in running text or in a
 * table cell, written as numeric character references: they read the same once rendered, and
 * cannot open a tag, a link, emphasis, code or math, or end a table cell. (Values never go into
 * HTML attributes, so quotes need nothing.)
 */
const MARKDOWN_SPECIAL = /[&<>|`*_[\]\\~#$]/g;
/** At the start of a list item, these would open a nested list. */
const LEADING_LIST_MARKER = /^[-+]/;

/** `&#38;` for `&`: the characters escaped are all ASCII, one UTF-16 unit each. */
function characterReference(char: string): string {
  return `&#${char.charCodeAt(0)};`;
}

/**
 * A value for running text or a table cell of a Markdown document, on one line. `listItem`: the
 * value starts a list item, where a leading `-` or `+` would open a nested list.
 */
export function markdownText(text: string, options: { listItem?: boolean } = {}): string {
  const escaped = printable(text)
    .replace(MARKDOWN_SPECIAL, characterReference)
    // GitHub turns `scheme://…` and `www.…` in running text into links; a value is shown, never linked.
    .replace(/:\/\//g, ":&#47;&#47;")
    .replace(/\b(www)\./gi, "$1&#46;");
  return options.listItem === true ? escaped.replace(LEADING_LIST_MARKER, characterReference) : escaped;
}
