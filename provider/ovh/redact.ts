/**
 * Keeps credentials out of everything the client reports. The client registers every secret it
 * handles (application secret, consumer key, client secret, each bearer token, each signature,
 * passwords it sends) and passes all reported text through here, so that even a server that echoes
 * a credential back cannot make one appear in an error, a log line or a dump.
 */
const MASK = "[redacted]";

/** Header names that may carry credentials; dropped from reported headers whatever their value. */
const CREDENTIAL_HEADER = /authorization|cookie|signature|consumer|secret|token/i;

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a secret. Very short strings are ignored: masking them would garble every message. */
  add(secret: string | null | undefined): void {
    if (secret && secret.length >= 6) this.secrets.add(secret);
  }

  /** A copy of this redactor with extra, request-scoped secrets. */
  with(extra: readonly (string | null | undefined)[]): Redactor {
    const copy = new Redactor();
    for (const s of this.secrets) copy.add(s);
    for (const s of extra) copy.add(s);
    return copy;
  }

  text(input: string): string {
    let out = input;
    // Longest first, so that a secret containing another one is masked whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
    }
    return out;
  }

  /** A deep copy of a JSON-like value with every string redacted. */
  value(input: unknown): unknown {
    if (typeof input === "string") return this.text(input);
    if (Array.isArray(input)) return input.map((v) => this.value(v));
    if (input !== null && typeof input === "object") {
      return Object.fromEntries(Object.entries(input).map(([k, v]) => [this.text(k), this.value(v)]));
    }
    return input;
  }

  headers(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (!CREDENTIAL_HEADER.test(name)) out[name] = this.text(value);
    }
    return out;
  }

  /**
   * A plain stand-in for a low-level error (undici's, node's): name, code and redacted message only,
   * so that no socket, request options or headers hang off the error chain.
   */
  cause(error: unknown): Error {
    const source = error instanceof Error ? error : new Error(String(error));
    const plain = new Error(this.text(source.message));
    plain.name = source.name;
    const code = (source as { code?: unknown }).code;
    if (typeof code === "string") Object.assign(plain, { code });
    // The stand-in's own stack points here, which is where the failure is handled.
    return plain;
  }
}
