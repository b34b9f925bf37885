/**
 * The length of a string as JSON Schema's minLength and maxLength count it: in code points, a
 * surrogate pair once (ajv's runtime `ucs2length`, which the generated validator used to require).
 * The same count, but a string with no high surrogate (every address and name of a real manifest)
 * is answered with one search in the engine's regular expression code, where ajv's loop looks at
 * every character: the validator measures every account's address.
 */
const HIGH_SURROGATE = /[\uD800-\uDBFF]/;

export function codePointLength(text: string): number {
  if (!HIGH_SURROGATE.test(text)) return text.length;
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    length++;
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point; a lone surrogate counts alone.
    if (code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return length;
}
