/**
 * The environment of a child process that a test starts and that talks only to its own folders and
 * to servers on loopback (a lock holder, a journal writer, a Postgres on 127.0.0.1): this process's
 * environment without NODE_EXTRA_CA_CERTS. Node.js reads and parses that bundle of certificate
 * authorities at every start-up (about 90 ms of CPU for a system bundle), and such a child never
 * opens a TLS connection to anything a CA vouches for. A test about the environment itself, or a
 * child that does reach a public TLS server, keeps the variable.
 */
export function loopbackChildEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _unused, ...env } = process.env;
  return { ...env, ...extra };
}
