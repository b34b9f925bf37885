/** In-memory builders of live state for the load tests. */
import {
  offerOf,
  toAddress,
  type ActualAccount,
  type ActualPlatform,
  type ApiOffer,
} from "../../reconciler/model.js";

export function liveAccount(email: string, fields: Partial<ActualAccount> = {}): ActualAccount {
  return {
    email: toAddress(email),
    domain: email.slice(email.indexOf("@") + 1),
    license: "standard",
    renewal: "yearly",
    deleteAtExpiration: false,
    expirationDate: "2027-03-31T00:00:00+02:00",
    displayName: null,
    configured: true,
    state: "ok",
    taskPendingId: null,
    ...fields,
  };
}

export function livePlatform(
  organization: string,
  apiOffer: ApiOffer,
  domains: string[],
  accounts: ActualAccount[],
  service = organization,
): ActualPlatform {
  return { organization, service, apiOffer, offer: offerOf(apiOffer), state: "ok", domains, accounts };
}
