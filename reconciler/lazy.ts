/**
 * A property computed on its first read, then kept as a plain value. Digests of a 100,000-account
 * estate cost hundreds of milliseconds, and most commands never read them: a plain `plan` prints no
 * digest, only plan files, apply and JSON output do.
 */
export function defineLazy<T extends object, K extends keyof T>(target: T, key: K, compute: () => T[K]): T {
  const settle = (value: T[K]) =>
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = compute();
      settle(value);
      return value;
    },
    set(value: T[K]) {
      settle(value);
    },
  });
  return target;
}
