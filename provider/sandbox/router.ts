/**
 * Routes of the API below `/1.0`, written as OVHcloud's schema writes them
 * (`/email/exchange/{org}/service/{svc}`), matched segment by segment. The pattern is also the
 * key under which the stats count requests.
 */
import type { IncomingHttpHeaders } from "node:http";
import { ApiFailure } from "./errors.js";
import type { PasswordBook } from "./passwords.js";
import type { AnswerModes, ReadModes } from "./types.js";
import type { World } from "./world.js";

export type Method = "GET" | "POST" | "PUT" | "DELETE";

/** A fault that changes what the handler does rather than whether it runs. */
export type EffectFault = "effect-then-500" | "task-error" | "never-deliver";

export interface ApiCall {
  method: Method;
  /** Path parameters, URL-decoded. */
  params: Record<string, string>;
  /** Path parameters as received (a batch splits the raw segment before decoding). */
  rawParams: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The JSON body, or undefined when there was none. */
  body: unknown;
  effect: EffectFault | null;
}

/**
 * A path parameter the route's pattern declares (`{org}` in `/email/exchange/{org}/service`). Its
 * absence is a mistake in the route table, not in the request: answered as a server error.
 */
export function param(values: Readonly<Record<string, string>>, name: string): string {
  const value = values[name];
  if (value === undefined)
    throw ApiFailure.of(500, "Server::InternalServerError", `the route has no path parameter {${name}}`);
  return value;
}

export interface RouteContext {
  world: World;
  readModes: ReadModes;
  answers: AnswerModes;
  passwords: PasswordBook;
}

export interface Answer {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: Method;
  pattern: string;
  /** Answered without authentication (`/auth/time`, the public catalog). */
  public?: boolean;
  handle(call: ApiCall, context: RouteContext): Answer;
}

export type RouteMatch =
  | { kind: "found"; route: Route; params: Record<string, string>; rawParams: Record<string, string> }
  | { kind: "wrong-method"; pattern: string }
  | { kind: "none" };

export class Router {
  private readonly compiled: { route: Route; segments: string[] }[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => ({ route, segments: route.pattern.split("/").slice(1) }));
  }

  /** `rawPath` is the path below `/1.0`, still URL-encoded. */
  match(method: string, rawPath: string): RouteMatch {
    const segments = rawPath.split("/").slice(1);
    let wrongMethod: string | null = null;
    for (const { route, segments: pattern } of this.compiled) {
      const rawParams = bind(pattern, segments);
      if (!rawParams) continue;
      if (route.method !== method) {
        wrongMethod ??= route.pattern;
        continue;
      }
      const params: Record<string, string> = {};
      for (const [name, raw] of Object.entries(rawParams)) params[name] = decodeSegment(raw);
      return { kind: "found", route, params, rawParams };
    }
    return wrongMethod === null ? { kind: "none" } : { kind: "wrong-method", pattern: wrongMethod };
  }
}

function bind(pattern: string[], segments: string[]): Record<string, string> | null {
  if (pattern.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [i, expected] of pattern.entries()) {
    const actual = segments[i] ?? "";
    if (expected.startsWith("{")) {
      if (actual === "") return null;
      params[expected.slice(1, -1)] = actual;
    } else if (expected !== actual) {
      return null;
    }
  }
  return params;
}

export function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw ApiFailure.badRequest(`Invalid URL encoding in path segment ${JSON.stringify(raw)}`);
  }
}

/** The path below `/1.0` with each segment decoded, as faults and the write log see it. */
export function decodedPath(rawPath: string): string {
  return rawPath
    .split("/")
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join("/");
}
