/**
 * The few `Reflect` metadata functions that @peculiar/x509's dependency injector (tsyringe) calls
 * when it loads, installed only where no metadata polyfill is present. They keep metadata per
 * object and key, as the decorators proposal describes; nothing else in exrec uses them.
 */
type Key = unknown;
const store = new WeakMap<object, Map<Key, unknown>>();

function own(target: object, create: boolean): Map<Key, unknown> | undefined {
  let map = store.get(target);
  if (!map && create) {
    map = new Map();
    store.set(target, map);
  }
  return map;
}

interface MetadataReflect {
  getMetadata?: (key: Key, target: object) => unknown;
  getOwnMetadata?: (key: Key, target: object) => unknown;
  defineMetadata?: (key: Key, value: unknown, target: object) => void;
  metadata?: (key: Key, value: unknown) => (target: object) => void;
}

export function installReflectMetadata(): void {
  const reflect = Reflect as unknown as MetadataReflect;
  if (typeof reflect.getMetadata === "function") return;
  reflect.getOwnMetadata = (key, target) => own(target, false)?.get(key);
  reflect.getMetadata = (key, target) => {
    for (let at: object | null = target; at !== null; at = Object.getPrototypeOf(at) as object | null) {
      const map = own(at, false);
      if (map?.has(key)) return map.get(key);
    }
    return undefined;
  };
  reflect.defineMetadata = (key, value, target) => {
    own(target, true)!.set(key, value);
  };
  reflect.metadata = (key, value) => (target) => reflect.defineMetadata!(key, value, target);
}
