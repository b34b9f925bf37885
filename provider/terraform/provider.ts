/**
 * The tfplugin6.Provider service: each RPC decodes its values, hands them to the resource it names
 * and encodes the answer. Every error becomes an error diagnostic, so that Terraform reports it
 * at the resource and the plugin never dies of one.
 */
import type { AccountResource } from "./account.js";
import { ACCOUNT_TYPE, validateAccount, type ResourceResult } from "./account-config.js";
import { decodeObject, encodeObject, type DynamicValue, type ObjectValue } from "./cty.js";
import { fromError } from "./diagnostics.js";
import type { Engine, ProviderConfig } from "./engine.js";
import { PlatformResource, settingsOf } from "./platform.js";
import type { Message } from "./protocol.js";
import { attributeNames, providerSchemas, toProtoSchema } from "./schema.js";
import { PlatformSettingsStore } from "./settings.js";
import { bool, str, writePrivate } from "./values.js";
import { ExrecError } from "../../reconciler/errors.js";

/** exrec's local state folder (STATE_DIR of reconciler/commands/session.ts), named here so that validation loads no engine. */
const STATE_DIR = ".exrec";

type Request = Record<string, unknown>;
type Handler = (request: Request) => Promise<Record<string, unknown>> | Record<string, unknown>;

const CAPABILITIES = { plan_destroy: true, get_provider_schema_optional: true, move_resource_state: false };

function attributesOf(type: string): string[] {
  const schema = providerSchemas().resources[type];
  if (!schema) throw new Error(`unknown resource type ${type}`);
  return attributeNames(schema);
}

function bytes(value: unknown): Buffer | undefined {
  return value instanceof Uint8Array && value.length > 0 ? Buffer.from(value) : undefined;
}

function pathsOf(names: string[] | undefined) {
  return (names ?? []).map((name) => ({ steps: [{ attribute_name: name }] }));
}

interface Resources {
  engine: Engine;
  account: AccountResource;
  platform: PlatformResource;
}

export class ExrecProvider {
  private config: ProviderConfig = { allowDestroy: false, secretsOut: null, backend: null };
  private loaded: Promise<Resources> | null = null;
  private readonly settings = new PlatformSettingsStore(STATE_DIR);

  constructor(private readonly onStop: () => void = () => undefined) {}

  /**
   * The engine and the resources, loaded on first use: the processes Terraform starts only for the
   * schema or for validation never load the engine, the API client or the backends.
   */
  private resources(): Promise<Resources> {
    this.loaded ??= (async () => {
      const [{ Engine }, { AccountResource }] = await Promise.all([
        import("./engine.js"),
        import("./account.js"),
      ]);
      const engine = new Engine(this.config);
      return {
        engine,
        account: new AccountResource(engine, this.settings),
        platform: new PlatformResource(engine, this.settings),
      };
    })();
    return this.loaded;
  }

  readonly handlers: Record<string, Handler> = {
    GetMetadata: () => ({
      server_capabilities: CAPABILITIES,
      diagnostics: [],
      data_sources: [],
      resources: Object.keys(providerSchemas().resources).map((type_name) => ({ type_name })),
    }),

    GetProviderSchema: () => {
      const schemas = providerSchemas();
      return {
        provider: toProtoSchema(schemas.provider),
        resource_schemas: Object.fromEntries(
          Object.entries(schemas.resources).map(([name, schema]) => [name, toProtoSchema(schema)]),
        ),
        data_source_schemas: {},
        diagnostics: [],
        server_capabilities: CAPABILITIES,
      };
    },

    ValidateProviderConfig: async (request) =>
      this.guard(() => {
        const config = decodeObject(
          request.config as DynamicValue,
          attributeNames(providerSchemas().provider),
        );
        bool(config, "allow_destroy");
        str(config, "secrets_out");
        str(config, "backend");
        return {};
      }, "diagnostics"),

    ValidateResourceConfig: async (request) =>
      this.guard(async () => {
        const type = String(request.type_name);
        const config = decodeObject(request.config as DynamicValue, attributesOf(type));
        if (!config) return {};
        if (type === ACCOUNT_TYPE) validateAccount(config);
        else {
          // The validate walk sees every platform before anything is planned: record their settings.
          const settings = settingsOf(config);
          if (settings) await this.settings.put(settings);
        }
        return { diagnostics: [] };
      }),

    UpgradeResourceState: async (request) =>
      this.guard(() => {
        const type = String(request.type_name);
        const raw = (request.raw_state as { json?: Uint8Array } | undefined)?.json;
        const parsed =
          raw && raw.length > 0 ? (JSON.parse(Buffer.from(raw).toString("utf8")) as ObjectValue) : null;
        // Version 0 is the only one so far: the stored JSON is the state, re-encoded as msgpack.
        return { upgraded_state: encodeObject(parsed, attributesOf(type)) };
      }),

    ConfigureProvider: async (request) =>
      this.guard(() => {
        const config = decodeObject(
          request.config as DynamicValue,
          attributeNames(providerSchemas().provider),
        );
        // Unset attributes fall back to exrec's environment variables, as OVHcloud's provider does for its own.
        const env = process.env;
        this.config = {
          allowDestroy: bool(config, "allow_destroy") ?? /^(1|true)$/i.test(env.EXREC_ALLOW_DESTROY ?? ""),
          secretsOut: str(config, "secrets_out") ?? (env.EXREC_SECRETS_OUT || null),
          backend: str(config, "backend") ?? (env.EXREC_BACKEND || null),
        };
        return {};
      }),

    ReadResource: async (request) =>
      this.guard(async () => {
        const type = String(request.type_name);
        const names = attributesOf(type);
        const current = decodeObject(request.current_state as DynamicValue, names);
        if (!current) return { new_state: encodeObject(null, names) };
        const { account, platform } = await this.resources();
        const result =
          type === ACCOUNT_TYPE
            ? await account.read(current, bytes(request.private))
            : await platform.read(current, bytes(request.private));
        return this.answer(result, names, "new_state", bytes(request.private));
      }),

    PlanResourceChange: async (request) =>
      this.guard(async () => {
        const type = String(request.type_name);
        const names = attributesOf(type);
        const prior = decodeObject(request.prior_state as DynamicValue, names);
        const proposed = decodeObject(request.proposed_new_state as DynamicValue, names);
        const config = decodeObject(request.config as DynamicValue, names);
        const { account, platform } = await this.resources();
        const result =
          type === ACCOUNT_TYPE
            ? await account.plan(prior, proposed, config, bytes(request.prior_private))
            : await platform.plan(prior, proposed);
        return {
          ...this.answer(result, names, "planned_state", undefined, "planned_private"),
          requires_replace: pathsOf(result.requiresReplace),
        };
      }),

    ApplyResourceChange: async (request) =>
      this.guard(async () => {
        const type = String(request.type_name);
        const names = attributesOf(type);
        const prior = decodeObject(request.prior_state as DynamicValue, names);
        const planned = decodeObject(request.planned_state as DynamicValue, names);
        const config = decodeObject(request.config as DynamicValue, names);
        const { account, platform } = await this.resources();
        const result =
          type === ACCOUNT_TYPE
            ? await account.apply(prior, planned, config, bytes(request.planned_private))
            : await platform.apply(planned);
        return this.answer(result, names, "new_state", undefined, "private");
      }),

    ImportResourceState: async (request) =>
      this.guard(async () => {
        const type = String(request.type_name);
        const names = attributesOf(type);
        const id = typeof request.id === "string" ? request.id : "";
        const { account, platform } = await this.resources();
        const state =
          type === ACCOUNT_TYPE ? account.importState(id, names) : platform.importState(id, names);
        return {
          imported_resources: [
            // Marked, so that the first read after an import knows the state holds only what the id said.
            { type_name: type, state: encodeObject(state, names), private: writePrivate({ imported: true }) },
          ],
        };
      }),

    StopProvider: async () => {
      // An apply in flight finishes its current step; what it started is in the journal either way.
      if (this.loaded) (await this.loaded).engine.stopping = true;
      this.onStop();
      return { Error: "" };
    },
  };

  private answer(
    result: ResourceResult,
    names: string[],
    stateField: string,
    keepPrivate?: Buffer,
    privateField = "private",
  ): Record<string, unknown> {
    return {
      [stateField]: encodeObject(result.state, names),
      [privateField]: result.private ?? keepPrivate ?? Buffer.alloc(0),
      diagnostics: result.diagnostics,
    };
  }

  /** Runs an RPC; any error becomes diagnostics in the field the response has for them. */
  private async guard(
    run: () => Promise<Record<string, unknown>> | Record<string, unknown>,
    field = "diagnostics",
  ): Promise<Record<string, unknown>> {
    try {
      const response = await run();
      return { ...response, [field]: response.diagnostics ?? [] };
    } catch (thrown) {
      // Expected refusals reach the user as diagnostics; only a bug's stack goes to the log (TF_LOG).
      if (!(thrown instanceof ExrecError))
        process.stderr.write(
          `exrec: ${thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown)}\n`,
        );
      return { [field]: fromError(thrown) };
    }
  }

  async close(): Promise<void> {
    if (this.loaded) await (await this.loaded).engine.close();
  }
}

/** The handlers by method name, as the gRPC server calls them: an error becomes a diagnostic, never a failed call. */
export function rpcHandlers(provider: ExrecProvider): Record<string, (request: Message) => Promise<Message>> {
  const out: Record<string, (request: Message) => Promise<Message>> = {};
  for (const [name, handler] of Object.entries(provider.handlers)) {
    out[name] = (request) =>
      Promise.resolve()
        .then(() => handler(request))
        .catch((thrown: unknown) => ({ diagnostics: fromError(thrown) }));
  }
  return out;
}
