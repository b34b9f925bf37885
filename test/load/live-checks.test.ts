import { describe, expect, it } from "vitest";
import { checkAgainstLive, formatProblem, loadDesired } from "../../reconciler/load/index.js";
import type { Actual } from "../../reconciler/model.js";
import { liveAccount, livePlatform } from "./builders.js";
import { localFileSystem } from "../../provider/system/files.js";

const MANIFEST = "test/fixtures/manifests/hosted-and-private.yaml";

function actual(...platforms: Actual["platforms"]): Actual {
  return { platforms, fingerprint: {} };
}

const hostedLive = (apiOffer: "hosted" | "provider" | "dedicated" = "hosted", domains = ["acme.example"]) =>
  livePlatform("hosted-ab12345-1", apiOffer, domains, [liveAccount("alice@acme.example")]);
const privateLive = (
  apiOffer: "dedicated" | "dedicatedCluster" | "hosted" = "dedicated",
  domains = ["ACME.example"],
) => livePlatform("private-cd67890-1", apiOffer, domains, [], "exchange.acme.example");

describe("checks against the live platforms", () => {
  it("finds nothing when offers match (provider counts as hosted, dedicatedCluster as private) and domains are attached", async () => {
    const desired = await loadDesired([MANIFEST], { files: localFileSystem });
    expect(checkAgainstLive(desired, actual(hostedLive(), privateLive()))).toEqual([]);
    expect(
      checkAgainstLive(desired, actual(hostedLive("provider"), privateLive("dedicatedCluster"))),
    ).toEqual([]);
  });

  it("refuses a declared offer that differs from the live one, naming both, at the platform", async () => {
    const desired = await loadDesired([MANIFEST], { files: localFileSystem });
    const problems = checkAgainstLive(desired, actual(hostedLive("dedicated"), privateLive("hosted")));
    expect(problems.map(formatProblem)).toEqual([
      `${MANIFEST}:4:5: platform hosted-ab12345-1/hosted-ab12345-1: declared offer hosted, but the live platform is private (API offer dedicated): the same DELETE resets on Hosted and destroys on Private; fix the manifest`,
      `${MANIFEST}:19:5: platform private-cd67890-1/exchange.acme.example: declared offer private, but the live platform is hosted (API offer hosted): the same DELETE resets on Hosted and destroys on Private; fix the manifest`,
    ]);
  });

  it("reports every declared address whose domain is not attached to its platform, at the account", async () => {
    const desired = await loadDesired([MANIFEST], { files: localFileSystem });
    const problems = checkAgainstLive(
      desired,
      actual(hostedLive("hosted", ["other.example", "acme.example.org"]), privateLive()),
    );
    // alice, bob, old (absent) and ceo are all on acme.example.
    expect(problems.map((p) => `${p.line}:${p.col}`)).toEqual(["9:9", "11:9", "14:9", "16:9"]);
    expect(problems[0]!.message).toBe(
      "alice@acme.example: the domain acme.example is not attached to platform hosted-ab12345-1/hosted-ab12345-1 (attached: acme.example.org, other.example); attach it to the platform first, or fix the address",
    );
  });

  it("says so when the platform has no domain at all", async () => {
    const desired = await loadDesired([MANIFEST], { files: localFileSystem });
    const problems = checkAgainstLive(desired, actual(hostedLive(), privateLive("dedicated", [])));
    expect(problems).toHaveLength(2);
    expect(problems[0]!.message).toMatch(/\(attached: none\)/);
  });

  it("leaves declared platforms that were not read to refresh", async () => {
    const desired = await loadDesired([MANIFEST], { files: localFileSystem });
    expect(checkAgainstLive(desired, actual(hostedLive()))).toEqual([]);
  });
});
