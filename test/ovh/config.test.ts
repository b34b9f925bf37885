import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveConnection, sandboxConnection, type Connection } from "../../provider/ovh/config.js";
import { ConfigError } from "../../provider/ovh/errors.js";

let home: string;
let cwd: string;

beforeEach(() => {
  const root = mkdtempSync(join(tmpdir(), "exrec-config-"));
  home = join(root, "home");
  cwd = join(root, "project");
  mkdirSync(home);
  mkdirSync(cwd);
});

afterEach(() => {
  rmSync(join(home, ".."), { recursive: true, force: true });
});

const APP_KEY_ENV = {
  OVH_ENDPOINT: "ovh-eu",
  OVH_APPLICATION_KEY: "ak-from-env",
  OVH_APPLICATION_SECRET: "as-secret-from-env",
  OVH_CONSUMER_KEY: "ck-secret-from-env",
};

function resolve(env: NodeJS.ProcessEnv, flags?: Parameters<typeof resolveConnection>[2]): Connection {
  return resolveConnection(env, home, flags, cwd);
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError, nothing was thrown");
}

describe("resolveConnection: where the settings come from", () => {
  it("answers none, with the default limits, when no credentials are set anywhere", () => {
    expect(resolve({})).toEqual({
      kind: "none",
      limits: { concurrency: 32, ratePerSecond: 50, timeoutMs: 30_000 },
    });
  });

  it("reads an application key from the environment with a named endpoint", () => {
    expect(resolve(APP_KEY_ENV)).toEqual({
      kind: "ovh",
      endpointName: "ovh-eu",
      baseUrl: "https://eu.api.ovh.com/1.0",
      auth: {
        method: "application-key",
        applicationKey: "ak-from-env",
        applicationSecret: "as-secret-from-env",
        consumerKey: "ck-secret-from-env",
      },
      limits: { concurrency: 32, ratePerSecond: 50, timeoutMs: 30_000 },
      source: "environment",
    });
  });

  it("takes OAuth2 client credentials with the token URL of the named region", () => {
    const connection = resolve({
      OVH_ENDPOINT: "ovh-ca",
      OVH_CLIENT_ID: "cid",
      OVH_CLIENT_SECRET: "csecret-123",
    });
    expect(connection).toMatchObject({
      kind: "ovh",
      endpointName: "ovh-ca",
      baseUrl: "https://ca.api.ovh.com/1.0",
      auth: {
        method: "oauth2",
        clientId: "cid",
        clientSecret: "csecret-123",
        tokenUrl: "https://ca.ovh.com/auth/oauth2/token",
      },
    });
  });

  it("serves OAuth2 tokens from <origin>/auth/oauth2/token for a full-URL endpoint, unless OVH_OAUTH2_TOKEN_URL says otherwise", () => {
    const env = {
      OVH_ENDPOINT: "http://127.0.0.1:8080/1.0/",
      OVH_CLIENT_ID: "cid",
      OVH_CLIENT_SECRET: "csecret-123",
    };
    expect(resolve(env)).toMatchObject({
      endpointName: null,
      baseUrl: "http://127.0.0.1:8080/1.0",
      auth: { tokenUrl: "http://127.0.0.1:8080/auth/oauth2/token" },
    });
    expect(resolve({ ...env, OVH_OAUTH2_TOKEN_URL: "http://127.0.0.1:9090/token" })).toMatchObject({
      auth: { tokenUrl: "http://127.0.0.1:9090/token" },
    });
  });

  it("reads ~/.ovh.conf as OVHcloud's clients do: the endpoint in [default], the keys in the endpoint's section", () => {
    writeFileSync(
      join(home, ".ovh.conf"),
      "; OVHcloud API\n[default]\nendpoint = ovh-eu\n\n[ovh-eu]\napplication_key=ak-file\napplication_secret: as-file-secret\nconsumer_key = ck-file-secret\n",
    );
    expect(resolve({})).toMatchObject({
      kind: "ovh",
      endpointName: "ovh-eu",
      auth: {
        method: "application-key",
        applicationKey: "ak-file",
        applicationSecret: "as-file-secret",
        consumerKey: "ck-file-secret",
      },
      source: "~/.ovh.conf",
    });
  });

  it("ranks the environment over ./ovh.conf over ~/.ovh.conf, key by key", () => {
    writeFileSync(
      join(home, ".ovh.conf"),
      "[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=ak-home\napplication_secret=as-home-secret\nconsumer_key=ck-home-secret\n[ovh-ca]\napplication_key=ak-home-ca\napplication_secret=as-home-ca-secret\nconsumer_key=ck-home-ca-secret\n",
    );
    writeFileSync(join(cwd, "ovh.conf"), "[ovh-ca]\nconsumer_key=ck-project-secret\n");
    const connection = resolve({ OVH_ENDPOINT: "ovh-ca", OVH_APPLICATION_KEY: "ak-env" });
    expect(connection).toMatchObject({
      endpointName: "ovh-ca",
      auth: {
        applicationKey: "ak-env",
        applicationSecret: "as-home-ca-secret",
        consumerKey: "ck-project-secret",
      },
      source: "environment + ./ovh.conf + ~/.ovh.conf",
    });
  });

  it("lets flags override EXREC_* variables, and accepts a rate limit of 0 (no limit)", () => {
    const env = { ...APP_KEY_ENV, EXREC_CONCURRENCY: "3", EXREC_RATE_LIMIT: "0", EXREC_TIMEOUT: "5" };
    expect(resolve(env)).toMatchObject({ limits: { concurrency: 3, ratePerSecond: 0, timeoutMs: 5000 } });
    expect(resolve(env, { concurrency: 12, rateLimit: 7, timeoutMs: 1500 })).toMatchObject({
      limits: { concurrency: 12, ratePerSecond: 7, timeoutMs: 1500 },
    });
  });

  it("reads the first retry's wait from EXREC_RETRY_DELAY_MS, and leaves it to the retry policy when unset", () => {
    expect(resolve({ ...APP_KEY_ENV, EXREC_RETRY_DELAY_MS: "20" })).toMatchObject({
      limits: { retryDelayMs: 20 },
    });
    expect(resolve(APP_KEY_ENV).limits).not.toHaveProperty("retryDelayMs");
  });

  it("builds a connection to a sandbox started in-process", () => {
    const connection = sandboxConnection(
      "http://127.0.0.1:4000/1.0/",
      { applicationKey: "a", applicationSecret: "b", consumerKey: "c" },
      { concurrency: 2, ratePerSecond: 0, timeoutMs: 1000 },
    );
    expect(connection).toMatchObject({
      kind: "ovh",
      baseUrl: "http://127.0.0.1:4000/1.0",
      auth: { method: "application-key" },
    });
  });
});

describe("resolveConnection: bad settings are one clear ConfigError, before any request", () => {
  const cases: { name: string; env: NodeJS.ProcessEnv; subject: RegExp; message: RegExp }[] = [
    {
      name: "an unknown OVH_ENDPOINT name is refused, listing the valid names",
      env: { ...APP_KEY_ENV, OVH_ENDPOINT: "ovh-mars" },
      subject: /^OVH_ENDPOINT$/,
      message: /unknown endpoint "ovh-mars".*ovh-eu, ovh-ca, ovh-us/,
    },
    {
      name: "an unknown OVH_ENDPOINT is refused even without credentials",
      env: { OVH_ENDPOINT: "eu" },
      subject: /^OVH_ENDPOINT$/,
      message: /unknown endpoint "eu"/,
    },
    {
      name: "an endpoint set with no credentials at all names what is missing instead of falling back to the sandbox",
      env: { OVH_ENDPOINT: "ovh-eu" },
      subject:
        /^OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY or OVH_CLIENT_ID, OVH_CLIENT_SECRET$/,
      message: /OVH_ENDPOINT is set to "ovh-eu" but no credentials are: missing OVH_APPLICATION_KEY/,
    },
    {
      name: "an application key without its secret and consumer key names both missing variables",
      env: { OVH_ENDPOINT: "ovh-eu", OVH_APPLICATION_KEY: "ak" },
      subject: /^OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY$/,
      message: /missing OVH_APPLICATION_SECRET and OVH_CONSUMER_KEY \(OVH_APPLICATION_KEY is set/,
    },
    {
      name: "a client secret without its client id names OVH_CLIENT_ID",
      env: { OVH_ENDPOINT: "ovh-eu", OVH_CLIENT_SECRET: "csecret-value-1" },
      subject: /^OVH_CLIENT_ID$/,
      message: /missing OVH_CLIENT_ID/,
    },
    {
      name: "both an application key set and OAuth2 client credentials are refused together",
      env: { ...APP_KEY_ENV, OVH_CLIENT_ID: "cid", OVH_CLIENT_SECRET: "csecret-value-1" },
      subject: /OVH_APPLICATION_KEY.*OVH_CLIENT_ID/,
      message: /both an application key and OAuth2 client credentials are set/,
    },
    {
      name: "credentials without any endpoint name OVH_ENDPOINT",
      env: {
        OVH_APPLICATION_KEY: "ak",
        OVH_APPLICATION_SECRET: "as-secret-1",
        OVH_CONSUMER_KEY: "ck-secret-1",
      },
      subject: /^OVH_ENDPOINT$/,
      message: /no endpoint/,
    },
    {
      name: "a concurrency that is not a positive whole number names EXREC_CONCURRENCY",
      env: { EXREC_CONCURRENCY: "0" },
      subject: /^EXREC_CONCURRENCY$/,
      message: /"0" is not a whole number ≥ 1/,
    },
    {
      name: "a rate limit that is not a number names EXREC_RATE_LIMIT",
      env: { EXREC_RATE_LIMIT: "fast" },
      subject: /^EXREC_RATE_LIMIT$/,
      message: /"fast" is not a whole number ≥ 0/,
    },
    {
      name: "a fractional timeout names EXREC_TIMEOUT",
      env: { EXREC_TIMEOUT: "2.5" },
      subject: /^EXREC_TIMEOUT$/,
      message: /"2.5" is not a whole number ≥ 1/,
    },
    {
      name: "a retry delay of 0 names EXREC_RETRY_DELAY_MS",
      env: { EXREC_RETRY_DELAY_MS: "0" },
      subject: /^EXREC_RETRY_DELAY_MS$/,
      message: /"0" is not a whole number ≥ 1/,
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const error = configError(() => resolve(c.env));
      expect(error.code).toBe("EXREC_CONFIG");
      expect(error.subject).toMatch(c.subject);
      expect(error.message).toMatch(c.message);
      // Never a secret value in what the user sees.
      for (const value of Object.values(c.env)) {
        if (value && /secret/.test(value)) expect(`${error.message} ${error.hint}`).not.toContain(value);
      }
    });
  }

  it("a bad flag names the flag", () => {
    const error = configError(() => resolve({}, { concurrency: -2 }));
    expect(error.subject).toBe("--concurrency");
  });

  it("an unreadable ~/.ovh.conf (a directory) names the file", () => {
    mkdirSync(join(home, ".ovh.conf"));
    const error = configError(() => resolve(APP_KEY_ENV));
    expect(error.subject).toBe(join(home, ".ovh.conf"));
    expect(error.message).toMatch(/~\/\.ovh\.conf cannot be read \(EISDIR\)/);
  });

  it("a malformed ~/.ovh.conf names the file and the line, without quoting the line", () => {
    writeFileSync(join(home, ".ovh.conf"), "[default]\nendpoint=ovh-eu\n[ovh-eu]\nmy-pasted-secret-value\n");
    const error = configError(() => resolve({}));
    expect(error.subject).toBe(`${join(home, ".ovh.conf")}:4`);
    expect(error.message).toMatch(/\.ovh\.conf:4: malformed ~\/\.ovh\.conf: expected "\[section\]"/);
    expect(error.message).not.toContain("my-pasted-secret-value");
  });

  it("a key before any section in ./ovh.conf names that file and line", () => {
    writeFileSync(join(cwd, "ovh.conf"), "# settings\nendpoint=ovh-eu\n");
    const error = configError(() => resolve({}));
    expect(error.subject).toBe(`${join(cwd, "ovh.conf")}:2`);
  });

  it("an unknown endpoint in ~/.ovh.conf names the file and line", () => {
    writeFileSync(join(home, ".ovh.conf"), "[default]\n\nendpoint=ovh-moon\n");
    const error = configError(() => resolve({}));
    expect(error.subject).toBe(`${join(home, ".ovh.conf")}:3`);
    expect(error.message).toMatch(/unknown endpoint "ovh-moon"/);
  });

  it("half a set split between the environment and ~/.ovh.conf names what is set where", () => {
    writeFileSync(join(home, ".ovh.conf"), "[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=ak-file\n");
    const error = configError(() => resolve({ OVH_APPLICATION_SECRET: "as-secret-env" }));
    expect(error.subject).toBe("OVH_CONSUMER_KEY");
    expect(error.message).toContain("application_key in [ovh-eu] of ~/.ovh.conf");
    expect(error.message).toContain("OVH_APPLICATION_SECRET");
    expect(error.message).not.toContain("as-secret-env");
  });

  it("credentials in ~/.ovh.conf without an endpoint are not silently ignored", () => {
    writeFileSync(
      join(home, ".ovh.conf"),
      "[ovh-eu]\napplication_key=ak\napplication_secret=as\nconsumer_key=ck\n",
    );
    const error = configError(() => resolve({}));
    expect(error.subject).toBe("OVH_ENDPOINT");
    expect(error.message).toContain("[ovh-eu] of ~/.ovh.conf");
  });
});
