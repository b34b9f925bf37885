/**
 * @peculiar/x509 resolves its services through tsyringe, which refuses to load unless the
 * `Reflect` metadata API exists (the `reflect-metadata` package, not a dependency here). This is
 * the small part of that API tsyringe calls, kept in a WeakMap; it is installed only where absent.
 */
type Store = Map<unknown, unknown>;
const metadata = new WeakMap<object, Map<string | symbol | undefined, Store>>();

function storeOf(target: object, property: string | symbol | undefined, create: boolean): Store | undefined {
  let byProperty = metadata.get(target);
  if (!byProperty) {
    if (!create) return undefined;
    byProperty = new Map();
    metadata.set(target, byProperty);
  }
  let store = byProperty.get(property);
  if (!store && create) {
    store = new Map();
    byProperty.set(property, store);
  }
  return store;
}

const api = {
  defineMetadata(key: unknown, value: unknown, target: object, property?: string | symbol) {
    storeOf(target, property, true)!.set(key, value);
  },
  getOwnMetadata(key: unknown, target: object, property?: string | symbol) {
    return storeOf(target, property, false)?.get(key);
  },
  getMetadata(key: unknown, target: object, property?: string | symbol): unknown {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t) as object | null) {
      const store = storeOf(t, property, false);
      if (store?.has(key)) return store.get(key);
    }
    return undefined;
  },
  hasMetadata(key: unknown, target: object, property?: string | symbol): boolean {
    return api.getMetadata(key, target, property) !== undefined;
  },
  metadata(key: unknown, value: unknown) {
    return (target: object, property?: string | symbol) => api.defineMetadata(key, value, target, property);
  },
};

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect.getMetadata !== "function") {
  for (const [name, fn] of Object.entries(api)) reflect[name] = fn;
}
