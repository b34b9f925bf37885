/**
 * OVHcloud's API endpoints by the names its clients use (`OVH_ENDPOINT`), with the OAuth2 token URL
 * of each region. Any other endpoint is given as a full base URL (a sandbox, a proxy).
 */
export const ENDPOINTS = {
  "ovh-eu": { baseUrl: "https://eu.api.ovh.com/1.0", tokenUrl: "https://www.ovh.com/auth/oauth2/token" },
  "ovh-ca": { baseUrl: "https://ca.api.ovh.com/1.0", tokenUrl: "https://ca.ovh.com/auth/oauth2/token" },
  // Its schema had no Exchange sections in 2024; kept so that the name is understood and the API says so.
  "ovh-us": {
    baseUrl: "https://api.us.ovhcloud.com/1.0",
    tokenUrl: "https://us.ovhcloud.com/auth/oauth2/token",
  },
} as const;

export type EndpointName = keyof typeof ENDPOINTS;

export const ENDPOINT_NAMES = Object.keys(ENDPOINTS) as EndpointName[];

export function isEndpointName(text: string): text is EndpointName {
  return Object.prototype.hasOwnProperty.call(ENDPOINTS, text);
}

/** Where a base URL that is not one of OVHcloud's serves OAuth2 tokens (the sandbox does it there). */
export function defaultTokenUrlFor(baseUrl: string): string {
  return `${new URL(baseUrl).origin}/auth/oauth2/token`;
}

/** A usable http(s) URL, or null. */
export function parseHttpUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url : null;
  } catch {
    return null;
  }
}
