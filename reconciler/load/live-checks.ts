/**
 * Checks of the manifest against the live platforms, pure, run at plan time before anything is
 * planned. They stop exrec from acting on a wrong premise: the same `DELETE` is a reset on Hosted
 * and a destruction on Private, so a declared offer that differs from the live one is refused.
 *
 * A declared platform missing from `actual` is not a problem here: refresh reports platforms that
 * do not exist, and `actual` may hold a selection (--platform).
 */
import { platformKey, type Actual, type Desired } from "../model.js";
import { problemAt, sortProblems, type Problem } from "./problem.js";
import { domainOf } from "./semantics.js";

export function checkAgainstLive(desired: Desired, actual: Actual): Problem[] {
  const live = new Map(actual.platforms.map((platform) => [platformKey(platform), platform]));
  const problems: Problem[] = [];
  for (const platform of desired.platforms) {
    const key = platformKey(platform);
    const actualPlatform = live.get(key);
    if (actualPlatform === undefined) continue;

    if (actualPlatform.offer !== platform.offer) {
      problems.push(
        problemAt(
          platform.source.file,
          platform.source,
          `platform ${key}: declared offer ${platform.offer}, but the live platform is ${actualPlatform.offer} (API offer ${actualPlatform.apiOffer}): the same DELETE resets on Hosted and destroys on Private; fix the manifest`,
        ),
      );
    }

    const attached = new Set(actualPlatform.domains.map((domain) => domain.toLowerCase()));
    for (const account of platform.accounts) {
      const domain = domainOf(account.email);
      if (attached.has(domain)) continue;
      const list =
        actualPlatform.domains.length === 0 ? "none" : [...actualPlatform.domains].sort().join(", ");
      problems.push(
        problemAt(
          account.source.file,
          account.source,
          `${account.email}: the domain ${domain} is not attached to platform ${key} (attached: ${list}); attach it to the platform first, or fix the address`,
        ),
      );
    }
  }
  return sortProblems(problems);
}
