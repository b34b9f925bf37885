/**
 * The tfplugin6.Provider service: each RPC decodes its values, hands them to the resource it names
 * and encodes the answer. Every error becomes an error diagnostic, so that Terraform reports it
 * at the resource and the plugin never dies of one.
 */
import type * as grpc from "@grpc/grpc-js";
import { AccountResource, ACCOUNT_TYPE, type ResourceResult } from "./account.js";
import { decodeObject, encodeObject, type DynamicValue, type ObjectValue } from "./cty.js";
import { fromError, type Diagnostic } from "./diagnostics.js";
import { Engine, type ProviderConfig } from "./engine.js";
import { PlatformResource, PLATFORM_TYPE } from "./platform.js";
import { attributeNames, providerSchemas, toProtoSchema } from "./schema.js";
import { PlatformSettingsStore } from "./settings.js";
import { bool, str, writePrivate } from "./values.js";
import { ExrecError } from "../../reconciler/errors.js";
import { STATE_DIR } from "../../reconciler/commands/session.js";

type Request = Record<string, unknown>;
type Handler = (request: Request) => Promise<Record<string, unknown>>;

const CAPABILITIES = { plan_destroy: true, get_provider_schema_optional: false, move_resource_state: false };

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

export class ExrecProvider {
  private engine: Engine | null = null;
  private readonly settings = new PlatformSettingsStore(STATE_DIR);

  constructor(private readonly onStop: () => void = () => undefined) {}

  /** Before ConfigureProvider (the validate walk) an unconfigured engine is enough: it reads nothing. */
  private configured(): Engine {
    this.engine ??= new Engine({ allowDestroy: false, secretsOut: null, backend: null });
    return this.engine;
  }

  private account(): AccountResource {
    return new AccountResource(this.configured(), this.settings);
  }

  private platform(): PlatformResource {
    return new PlatformResource(this.configured(), this.settings);
  }

  readonly handlers: Record<string, Handler> = {
    GetMetadata: async () => ({
      server_capabilities: CAPABILITIES,
      diagnostics: [],
      data_sources: [],
      resources: Object.keys(providerSchemas().resources).map((type_name) => ({ type_name })),
    }),

    GetProviderSchema: async () => {
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
      this.guard(async () => {
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
        const diagnostics =
          type === ACCOUNT_TYPE ? this.account().validate(config) : await this.platform().validate(config);
        return { diagnostics };
      }),

    UpgradeResourceState: async (request) =>
      this.guard(async () => {
        const type = String(request.type_name);
        const raw = (request.raw_state as { json?: Uint8Array } | undefined)?.json;
        const parsed =
          raw && raw.length > 0 ? (JSON.parse(Buffer.from(raw).toString("utf8")) as ObjectValue) : null;
        // Version 0 is the only one so far: the stored JSON is the state, re-encoded as msgpack.
        return { upgraded_state: encodeObject(parsed, attributesOf(type)) };
      }),

    ConfigureProvider: async (request) =>
      this.guard(async () => {
        const config = decodeObject(
          request.config as DynamicValue,
          attributeNames(providerSchemas().provider),
        );
        // Unset attributes fall back to exrec's environment variables, as OVHcloud's provider does for its own.
        const env = process.env;
        const settings: ProviderConfig = {
          allowDestroy: bool(config, "allow_destroy") ?? /^(1|true)$/i.test(env.EXREC_ALLOW_DESTROY ?? ""),
          secretsOut: str(config, "secrets_out") ?? (env.EXREC_SECRETS_OUT || null),
          backend: str(config, "backend") ?? (env.EXREC_BACKEND || null),
        };
        this.engine = new Engine(settings);
        return {};
      }),

    ReadResource: async (request) =>
      this.guard(async () => {
        const type = String(request.type_name);
        const names = attributesOf(type);
        const current = decodeObject(request.current_state as DynamicValue, names);
        if (!current) return { new_state: encodeObject(null, names) };
        const result =
          type === ACCOUNT_TYPE
            ? await this.account().read(current, bytes(request.private))
            : await this.platform().read(current, bytes(request.private));
        return this.answer(result, names, "new_state", bytes(request.private));
      }),

    PlanResourceChange: async (request) =>
      this.guard(async () => {
        const type = String(request.type_name);
        const names = attributesOf(type);
        const prior = decodeObject(request.prior_state as DynamicValue, names);
        const proposed = decodeObject(request.proposed_new_state as DynamicValue, names);
        const config = decodeObject(request.config as DynamicValue, names);
        const result =
          type === ACCOUNT_TYPE
            ? await this.account().plan(prior, proposed, config, bytes(request.prior_private))
            : await this.platform().plan(prior, proposed);
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
        const result =
          type === ACCOUNT_TYPE
            ? await this.account().apply(prior, planned, config, bytes(request.planned_private))
            : await this.platform().apply(planned);
        return this.answer(result, names, "new_state", undefined, "private");
      }),

    ImportResourceState: async (request) =>
      this.guard(async () => {
        const type = String(request.type_name);
        const names = attributesOf(type);
        const id = String(request.id ?? "");
        const state =
          type === ACCOUNT_TYPE
            ? this.account().importState(id, names)
            : this.platform().importState(id, names);
        return {
          imported_resources: [
            // Marked, so that the first read after an import knows the state holds only what the id said.
            { type_name: type, state: encodeObject(state, names), private: writePrivate({ imported: true }) },
          ],
        };
      }),

    StopProvider: async () => {
      // An apply in flight finishes its current step; what it started is in the journal either way.
      if (this.engine) this.engine.stopping = true;
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
    run: () => Promise<Record<string, unknown>>,
    field = "diagnostics",
  ): Promise<Record<string, unknown>> {
    try {
      const response = await run();
      return { ...response, [field]: (response.diagnostics as Diagnostic[] | undefined) ?? [] };
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
    await this.engine?.close();
  }
}

/** The handlers in the shape grpc-js serves. */
export function grpcImplementation(provider: ExrecProvider): grpc.UntypedServiceImplementation {
  const out: grpc.UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(provider.handlers)) {
    out[name] = (call: grpc.ServerUnaryCall<Request, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      handler(call.request).then(
        (response) => callback(null, response),
        (thrown: unknown) => callback(null, { diagnostics: fromError(thrown) }),
      );
    };
  }
  return out;
}
