/**
 * Text from outside (addresses, display names, platform names, API messages) made safe to print
 * on a terminal or in an error message: shared by the renderers and by every layer whose errors
 * quote such values.
 */

/**
 * Control characters that would act on a terminal instead of being shown: C0 (newlines
 * included: one value stays on one line), DEL, C1, and the bidirectional overrides and
 * isolates that reorder what follows them.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The text with every unprintable character shown as a JSON-style escape, `\u001b`. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
