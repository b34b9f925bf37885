/**
 * The baseline the benchmark compares exrec with: a reader that works the way Terraform refreshes
 * a state of one resource per account. It lists each platform's account ids and then GETs every
 * account on its own, at most 10 requests in flight (Terraform's default `-parallelism`), and
 * never asks for pages or batches. It goes through exrec's own HTTP client (signing, keep-alive),
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

/** Reads every platform as described above; the client's concurrency must be TERRAFORM_PARALLELISM. */
export async function readLikeTerraform(api: ExchangeApi, targets: readonly PlatformRef[]): Promise<TerraformLikePlatform[]> {
  return Promise.all(
    targets.map(async (ref) => {
      const [service, ids] = await Promise.all([
        api.getService(ref.organization, ref.service),
        api.listAccounts(ref.organization, ref.service),
      ]);
      const accounts = await Promise.all(ids.map((id) => api.getAccount(ref.organization, ref.service, id)));
      return { ref, service, accounts };
    }),
  );
}
