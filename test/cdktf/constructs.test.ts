/**
 * The friendly constructs synthesize the exrec resources a manifest describes, and the types
 * refuse what the manifest forbids.
 */
import { describe, expect, it } from "vitest";

// No telemetry from cdktf tooling: set before anything of cdktf is loaded.
process.env.CHECKPOINT_DISABLE = "1";
const { App, DuplicateAccountError, ExchangePlatform, ExrecProvider, TerraformStack, Testing } =
  await import("../../provider/cdktf/index.js");

interface Synthesized {
  provider?: Record<string, unknown[]>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
}

function newStack() {
  return new TerraformStack(Testing.app(), "test");
}

function synth(stack: InstanceType<typeof TerraformStack>): Synthesized {
  return JSON.parse(Testing.synth(stack)) as Synthesized;
}

/** The resources of one type, without cdktf's metadata and the provider reference. */
function attributesOf(json: Synthesized, type: string): Record<string, unknown>[] {
  return Object.values(json.resource?.[type] ?? {}).map(
    ({ "//": _metadata, provider: _provider, ...attributes }) => attributes,
  );
}

describe("ExchangePlatform", () => {
  it("synthesizes one exrec_platform with the manifest's fields in Terraform's snake_case", () => {
    const stack = newStack();
    new ExchangePlatform(stack, "hosted", {
      organization: "hosted-ab12345-1",
      service: "hosted-ab12345-1",
      offer: "hosted",
      prune: true,
      removal: "reset",
      defaults: { license: "standard", renewal: "yearly" },
    });
    expect(attributesOf(synth(stack), "exrec_platform")).toEqual([
      {
        organization: "hosted-ab12345-1",
        service: "hosted-ab12345-1",
        offer: "hosted",
        prune: true,
        removal: "reset",
        default_license: "standard",
        default_renewal: "yearly",
      },
    ]);
  });

  it("leaves out what is not declared, so that exrec leaves it unmanaged", () => {
    const stack = newStack();
    new ExchangePlatform(stack, "private", {
      organization: "private-org",
      service: "exchange-1",
      offer: "private",
    });
    expect(attributesOf(synth(stack), "exrec_platform")).toEqual([
      { organization: "private-org", service: "exchange-1", offer: "private" },
    ]);
  });

  it("writes the platform's organization and service literally into each account", () => {
    const stack = newStack();
    const hosted = new ExchangePlatform(stack, "hosted", {
      organization: "org-1",
      service: "svc-1",
      offer: "hosted",
    });
    hosted.account("alice@acme.example", {
      license: "enterprise",
      renewal: "monthly",
      displayName: "Alice",
      protect: true,
    });
    hosted.addAccount("bob@acme.example", { state: "absent" });
    hosted.account("carol@acme.example");
    expect(attributesOf(synth(stack), "exrec_account")).toEqual([
      {
        organization: "org-1",
        service: "svc-1",
        email: "alice@acme.example",
        license: "enterprise",
        renewal: "monthly",
        display_name: "Alice",
        protect: true,
      },
      { organization: "org-1", service: "svc-1", email: "bob@acme.example", state: "absent" },
      { organization: "org-1", service: "svc-1", email: "carol@acme.example" },
    ]);
    expect(hosted.accounts.map((a) => a.email)).toEqual([
      "alice@acme.example",
      "bob@acme.example",
      "carol@acme.example",
    ]);
  });

  it("declares the exrec provider once per stack, which cdktf requires to synthesize", () => {
    const stack = newStack();
    new ExchangePlatform(stack, "a", { organization: "org-a", service: "svc-a", offer: "hosted" }).account(
      "x@acme.example",
    );
    new ExchangePlatform(stack, "b", { organization: "org-b", service: "svc-b", offer: "private" }).account(
      "y@acme.example",
    );
    const json = synth(stack);
    expect(json.provider?.exrec).toHaveLength(1);
    for (const type of ["exrec_platform", "exrec_account"]) {
      for (const resource of Object.values(json.resource?.[type] ?? {}))
        expect(resource.provider).toBe("exrec");
    }
  });

  it("uses the provider the user declared instead of adding one", () => {
    const stack = newStack();
    new ExrecProvider(stack, "mine", { alias: "eu" });
    new ExchangePlatform(stack, "a", { organization: "org-a", service: "svc-a", offer: "hosted" }).account(
      "x@acme.example",
    );
    const json = synth(stack);
    expect(json.provider?.exrec).toEqual([{ alias: "eu" }]);
    expect(Object.values(json.resource?.exrec_account ?? {})[0]?.provider).toBe("exrec.eu");
  });

  it("refuses one address declared twice on a platform, whatever its letter case", () => {
    const stack = newStack();
    const hosted = new ExchangePlatform(stack, "hosted", {
      organization: "org-1",
      service: "svc-1",
      offer: "hosted",
    });
    hosted.account("alice@acme.example");
    expect(() => hosted.account("Alice@ACME.example")).toThrow(DuplicateAccountError);
    expect(() => hosted.account("Alice@ACME.example")).toThrow(
      "the account Alice@ACME.example is declared twice on the platform org-1/svc-1",
    );
  });

  it("synthesizes with app.synth() into the outdir, without a terraform binary", async () => {
    const { mkdtemp, readFile, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const outdir = await mkdtemp(join(tmpdir(), "exrec-cdktf-synth-"));
    try {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, "mail");
      new ExchangePlatform(stack, "hosted", { organization: "org-1", service: "svc-1", offer: "hosted" });
      app.synth();
      const json = JSON.parse(
        await readFile(join(outdir, "stacks", "mail", "cdk.tf.json"), "utf8"),
      ) as Synthesized;
      expect(attributesOf(json, "exrec_platform")).toEqual([
        { organization: "org-1", service: "svc-1", offer: "hosted" },
      ]);
    } finally {
      await rm(outdir, { recursive: true, force: true });
    }
  });
});

/**
 * Never run: `tsc --noEmit -p .` checks these lines, and fails if a forbidden declaration compiles
 * (an unused @ts-expect-error is itself an error).
 */
export function declarationsTheTypesRefuse(stack: InstanceType<typeof TerraformStack>): void {
  const hosted = new ExchangePlatform(stack, "h", { organization: "o", service: "s", offer: "hosted" });
  const privatePlatform = new ExchangePlatform(stack, "p", {
    organization: "o",
    service: "s",
    offer: "private",
  });

  // @ts-expect-error Private accounts renew monthly; there is no period to declare (P1).
  privatePlatform.account("a@acme.example", { renewal: "monthly" });
  // @ts-expect-error `removal` is Hosted only: a Private account is always deleted at once (P3).
  new ExchangePlatform(stack, "p2", { organization: "o", service: "s", offer: "private", removal: "reset" });
  new ExchangePlatform(stack, "p3", {
    organization: "o",
    service: "s",
    offer: "private",
    // @ts-expect-error A Private platform has no default renewal (P1).
    defaults: { renewal: "yearly" },
  });
  // @ts-expect-error An offer is hosted or private.
  new ExchangePlatform(stack, "x", { organization: "o", service: "s", offer: "dedicated" });
  // @ts-expect-error A licence is basic, standard or enterprise.
  hosted.account("b@acme.example", { license: "premium" });
  // @ts-expect-error An absent account takes no other field.
  hosted.account("c@acme.example", { state: "absent", license: "basic" });

  // What the manifest allows compiles.
  hosted.account("d@acme.example", { renewal: "monthly", license: "basic", displayName: "D", protect: true });
  privatePlatform.account("e@acme.example", { license: "enterprise", state: "present" });
}
