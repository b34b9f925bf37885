/**
 * The baseline the benchmark compares exrec with: a reader that works the way Terraform refreshes
 * a state of one resource per account. It lists each platform's account ids and then GETs every
 * account on its own, never asking for pages or batches, with 10 reads at a time (Terraform's
 * default `-parallelism`: a semaphore over the resources of the graph, so 10 workers here, not a
 * hundred thousand waiting calls). It goes through exrec's own HTTP client (signing, keep-alive),
 * so that the difference measured is the reading strategy, not the HTTP stack.
 */
import type { PlatformRef } from "../../reconciler/model.js";
import type { ApiAccount, ApiService, ExchangeApi } from "../../reconciler/ports.js";

/** Terraform's default `-parallelism`. */
export const TERRAFORM_PARALLELISM = 10;

export interface TerraformLikePlatform {
  ref: PlatformRef;
  service: ApiService;
  accounts: ApiAccount[];
}

/** Runs `work` on every item, `workers` at a time, in order of the items. */
async function eachWithWorkers<T>(
  items: readonly T[],
  workers: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(workers, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/** Reads every platform as described above. */
export async function readLikeTerraform(
  api: ExchangeApi,
  targets: readonly PlatformRef[],
): Promise<TerraformLikePlatform[]> {
  const services = new Map<PlatformRef, ApiService>();
  const ids: { ref: PlatformRef; id: string }[] = [];
  // The platform resources and their id lists first, then one resource per account.
  const platformReads = targets.flatMap((ref) => [
    async () => void services.set(ref, await api.getService(ref.organization, ref.service)),
    async () => {
      for (const id of await api.listAccounts(ref.organization, ref.service)) ids.push({ ref, id });
    },
  ]);
  await eachWithWorkers(platformReads, TERRAFORM_PARALLELISM, (read) => read());
  const accounts = new Map<PlatformRef, ApiAccount[]>(targets.map((ref) => [ref, []]));
  await eachWithWorkers(ids, TERRAFORM_PARALLELISM, async ({ ref, id }) => {
    accounts.get(ref)?.push(await api.getAccount(ref.organization, ref.service, id));
  });
  return targets.map((ref) => ({
    ref,
    service: services.get(ref) as ApiService,
    accounts: accounts.get(ref) ?? [],
  }));
}
