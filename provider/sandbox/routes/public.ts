/**
 * The two routes that need no authentication: the server clock and the public price catalog.
 */
import { ApiFailure } from "../errors.js";
import { publicCatalog } from "../prices.js";
import type { Route } from "../router.js";

export const publicRoutes: Route[] = [
  // The REAL clock, not the business clock: clients use it to correct their request timestamps.
  {
    method: "GET",
    pattern: "/auth/time",
    public: true,
    handle: () => ({ body: Math.floor(Date.now() / 1000) }),
  },
  {
    method: "GET",
    pattern: "/order/catalog/public/exchange",
    public: true,
    handle: (call) => {
      const subsidiary = call.query.get("ovhSubsidiary");
      if (subsidiary === null) throw ApiFailure.badRequest("Missing parameter ovhSubsidiary");
      if (subsidiary !== "FR")
        throw ApiFailure.badRequest(`The sandbox catalog is for ovhSubsidiary FR only, not ${subsidiary}`);
      return { body: publicCatalog() };
    },
  },
];
