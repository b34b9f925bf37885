/**
 * Where exrec finds OVHcloud: the endpoint, one set of credentials and the request limits, from the
 * environment (the names OVHcloud's Terraform provider uses), `./ovh.conf` and `~/.ovh.conf`, in
 * that order of precedence, key by key. Synchronous and side-effect free apart from reading those
 * two files: a bad setting is refused here, before any request could be sent.
 */
import {
  ENDPOINT_NAMES,
  ENDPOINTS,
  defaultTokenUrlFor,
  isEndpointName,
  parseHttpUrl,
  type EndpointName,
} from "./endpoints.js";
import { ConfigError } from "./errors.js";
import { resolveLimits, type LimitFlags, type Limits } from "./limits.js";
import { lookupConf, readConfFiles, sectionsWithCredentials, type ConfValue } from "./ovh-conf.js";

export type { Limits, LimitFlags } from "./limits.js";

export interface ApplicationKeyAuth {
  method: "application-key";
  applicationKey: string;
  applicationSecret: string;
  consumerKey: string;
}

export interface OAuth2Auth {
  method: "oauth2";
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
}

export type Auth = ApplicationKeyAuth | OAuth2Auth;

export interface OvhConnection {
  kind: "ovh";
  /** `ovh-eu`, `ovh-ca`, `ovh-us`, or null when OVH_ENDPOINT is a full base URL. */
  endpointName: EndpointName | null;
  /** Base URL including `/1.0`, without a trailing slash. */
  baseUrl: string;
  auth: Auth;
  limits: Limits;
  /** Where the settings came from, for display: `environment`, `~/.ovh.conf`, `environment + ./ovh.conf`. */
  source: string;
}

/** No credentials anywhere: the CLI runs against the embedded sandbox (the limits still apply). */
export interface NoConnection {
  kind: "none";
  limits: Limits;
}

export type Connection = NoConnection | OvhConnection;

/** One setting, by its environment variable and its key in an `ovh.conf` endpoint section. */
const CREDENTIAL_SETTINGS = {
  applicationKey: { env: "OVH_APPLICATION_KEY", key: "application_key" },
  applicationSecret: { env: "OVH_APPLICATION_SECRET", key: "application_secret" },
  consumerKey: { env: "OVH_CONSUMER_KEY", key: "consumer_key" },
  clientId: { env: "OVH_CLIENT_ID", key: "client_id" },
  clientSecret: { env: "OVH_CLIENT_SECRET", key: "client_secret" },
} as const;

type CredentialName = keyof typeof CREDENTIAL_SETTINGS;
const APPLICATION_KEY_SET: readonly CredentialName[] = ["applicationKey", "applicationSecret", "consumerKey"];
const OAUTH2_SET: readonly CredentialName[] = ["clientId", "clientSecret"];

/** A setting's value and where it was found. */
type Found = { value: string; origin: "environment"; variable: string } | ({ origin: "file" } & ConfValue);

export function resolveConnection(
  env: NodeJS.ProcessEnv,
  homeDir: string,
  flags: LimitFlags = {},
  cwd: string,
): Connection {
  const limits = resolveLimits(env, flags);
  const files = readConfFiles(homeDir, cwd);

  const endpointSetting = fromEnv(env, "OVH_ENDPOINT") ?? fromFile(lookupConf(files, "default", "endpoint"));
  const endpoint = endpointSetting === undefined ? null : parseEndpoint(endpointSetting);

  // Credentials live in the conf section named after the endpoint, as OVHcloud's clients expect.
  const section = endpointSetting?.value ?? null;
  const credentials = Object.fromEntries(
    (Object.keys(CREDENTIAL_SETTINGS) as CredentialName[]).map((name) => {
      const { env: variable, key } = CREDENTIAL_SETTINGS[name];
      const found =
        fromEnv(env, variable) ?? (section === null ? undefined : fromFile(lookupConf(files, section, key)));
      return [name, found];
    }),
  ) as Record<CredentialName, Found | undefined>;

  /** The settings found among these names. */
  const present = (names: readonly CredentialName[]): Found[] => names.flatMap((n) => credentials[n] ?? []);
  const appKeyGiven = APPLICATION_KEY_SET.filter((n) => credentials[n] !== undefined);
  const oauthGiven = OAUTH2_SET.filter((n) => credentials[n] !== undefined);

  if (appKeyGiven.length > 0 && oauthGiven.length > 0) {
    const names = present([...appKeyGiven, ...oauthGiven]).map(describe);
    throw new ConfigError(
      [...appKeyGiven, ...oauthGiven].map((n) => CREDENTIAL_SETTINGS[n].env).join(", "),
      `both an application key and OAuth2 client credentials are set (${names.join(", ")}); exrec uses one method at a time`,
      {
        hint: "keep either OVH_APPLICATION_KEY/OVH_APPLICATION_SECRET/OVH_CONSUMER_KEY or OVH_CLIENT_ID/OVH_CLIENT_SECRET (in the environment or ovh.conf), not both",
      },
    );
  }
  const method = appKeyGiven.length > 0 ? APPLICATION_KEY_SET : oauthGiven.length > 0 ? OAUTH2_SET : null;

  if (method === null) {
    const stray = endpointSetting === undefined ? sectionsWithCredentials(files, credentialKeys()) : [];
    if (stray.length > 0) {
      throw new ConfigError(
        "OVH_ENDPOINT",
        `credentials are set in ${stray.join(", ")} but no endpoint says which to use`,
        {
          hint: `set OVH_ENDPOINT, or "endpoint=" in the [default] section, to ${ENDPOINT_NAMES.join(", ")} or a base URL`,
        },
      );
    }
    if (endpointSetting !== undefined) {
      // An endpoint says "talk to OVHcloud": running on the sandbox instead would be a silent fallback.
      const where = endpointSetting.origin === "environment" ? "OVH_ENDPOINT" : endpointSetting.file.display;
      throw new ConfigError(
        `${APPLICATION_KEY_SET.map((n) => CREDENTIAL_SETTINGS[n].env).join(", ")} or ${OAUTH2_SET.map((n) => CREDENTIAL_SETTINGS[n].env).join(", ")}`,
        `${where} is set to ${JSON.stringify(endpointSetting.value)} but no credentials are: missing ${APPLICATION_KEY_SET.map((n) => CREDENTIAL_SETTINGS[n].env).join(", ")} (or ${OAUTH2_SET.map((n) => CREDENTIAL_SETTINGS[n].env).join(", ")}); exrec does not fall back to the local sandbox when an endpoint is set`,
        {
          hint: `set the credentials${section === null ? "" : ` (or their keys in the [${section}] section of ~/.ovh.conf)`}, or unset OVH_ENDPOINT to use the local sandbox on purpose`,
        },
      );
    }
    return { kind: "none", limits };
  }

  const missing = method.filter((n) => credentials[n] === undefined);
  if (missing.length > 0) {
    const given = present(method).map(describe);
    throw new ConfigError(
      missing.map((n) => CREDENTIAL_SETTINGS[n].env).join(", "),
      `missing ${missing.map((n) => CREDENTIAL_SETTINGS[n].env).join(" and ")} (${given.join(", ")} ${given.length > 1 ? "are" : "is"} set without ${missing.length > 1 ? "them" : "it"})`,
      {
        hint: `set ${missing.map((n) => CREDENTIAL_SETTINGS[n].env).join(", ")}${section === null ? "" : `, or ${missing.map((n) => CREDENTIAL_SETTINGS[n].key).join(", ")} in the [${section}] section of ~/.ovh.conf`}`,
      },
    );
  }

  if (endpoint === null) {
    const given = present(method).map(describe);
    throw new ConfigError("OVH_ENDPOINT", `credentials are set (${given.join(", ")}) but no endpoint`, {
      hint: `set OVH_ENDPOINT to ${ENDPOINT_NAMES.join(", ")} or a base URL such as http://127.0.0.1:8080/1.0`,
    });
  }

  const value = (n: CredentialName): string => {
    const found = credentials[n];
    // Every name of the method was found, or the missing ones were refused above.
    if (found === undefined) throw new Error(`the setting ${CREDENTIAL_SETTINGS[n].env} was checked as set`);
    return found.value;
  };
  let auth: Auth;
  if (method === APPLICATION_KEY_SET) {
    auth = {
      method: "application-key",
      applicationKey: value("applicationKey"),
      applicationSecret: value("applicationSecret"),
      consumerKey: value("consumerKey"),
    };
  } else {
    auth = {
      method: "oauth2",
      clientId: value("clientId"),
      clientSecret: value("clientSecret"),
      tokenUrl: tokenUrlFor(env, endpoint),
    };
  }

  const used = [...(endpointSetting === undefined ? [] : [endpointSetting]), ...present(method)].map(
    (found) => (found.origin === "environment" ? "environment" : found.file.display),
  );
  // Listed by precedence, highest first.
  const origins = ["environment", "./ovh.conf", "~/.ovh.conf"].filter((origin) => used.includes(origin));
  return {
    kind: "ovh",
    endpointName: endpoint.name,
    baseUrl: endpoint.baseUrl,
    auth,
    limits,
    source: origins.join(" + "),
  };
}

/** A connection to a sandbox started in-process (the CLI's default, and tests). */
export function sandboxConnection(
  baseUrl: string,
  credentials: { applicationKey: string; applicationSecret: string; consumerKey: string },
  limits: Limits,
): OvhConnection {
  return {
    kind: "ovh",
    endpointName: null,
    baseUrl: baseUrl.replace(/\/+$/, ""),
    auth: { method: "application-key", ...pick(credentials) },
    limits,
    source: "embedded sandbox",
  };
}

function pick(c: { applicationKey: string; applicationSecret: string; consumerKey: string }) {
  return {
    applicationKey: c.applicationKey,
    applicationSecret: c.applicationSecret,
    consumerKey: c.consumerKey,
  };
}

interface Endpoint {
  name: EndpointName | null;
  baseUrl: string;
}

function parseEndpoint(setting: Found): Endpoint {
  const text = setting.value;
  if (isEndpointName(text)) return { name: text, baseUrl: ENDPOINTS[text].baseUrl };
  const url = parseHttpUrl(text);
  if (url !== null && url.search === "" && url.hash === "") {
    return { name: null, baseUrl: `${url.origin}${url.pathname}`.replace(/\/+$/, "") };
  }
  throw new ConfigError(
    setting.origin === "environment" ? setting.variable : `${setting.file.path}:${setting.line}`,
    `unknown endpoint ${JSON.stringify(text)}; valid names are ${ENDPOINT_NAMES.join(", ")}, or give a full base URL such as http://127.0.0.1:8080/1.0`,
    {
      hint: `set ${setting.origin === "environment" ? "OVH_ENDPOINT" : "endpoint in [default]"} to one of ${ENDPOINT_NAMES.join(", ")}`,
    },
  );
}

function tokenUrlFor(env: NodeJS.ProcessEnv, endpoint: Endpoint): string {
  const override = fromEnv(env, "OVH_OAUTH2_TOKEN_URL");
  if (override !== undefined) {
    const url = parseHttpUrl(override.value);
    if (url === null) {
      throw new ConfigError(
        "OVH_OAUTH2_TOKEN_URL",
        `${JSON.stringify(override.value)} is not an http(s) URL`,
      );
    }
    return url.href;
  }
  return endpoint.name === null ? defaultTokenUrlFor(endpoint.baseUrl) : ENDPOINTS[endpoint.name].tokenUrl;
}

function fromEnv(env: NodeJS.ProcessEnv, variable: string): Found | undefined {
  const value = env[variable]?.trim();
  return value === undefined || value === "" ? undefined : { value, origin: "environment", variable };
}

function fromFile(found: ConfValue | undefined): Found | undefined {
  return found === undefined ? undefined : { origin: "file", ...found };
}

/** Names a setting without its value: `OVH_APPLICATION_KEY` or `application_key in [ovh-eu] of ~/.ovh.conf`. */
function describe(found: Found): string {
  return found.origin === "environment"
    ? found.variable
    : `${found.key} in [${found.section}] of ${found.file.display}`;
}

function credentialKeys(): string[] {
  return Object.values(CREDENTIAL_SETTINGS).map((s) => s.key);
}
