/**
 * `X-Ovh-QueryID`: OVHcloud puts one on every answer, and its support asks for it. Its form is
 * OVHcloud's own; the sandbox's (`EU.sandbox.<random>.<counter>`) only needs to be unique.
 */
import { randomBytes } from "node:crypto";

export class QueryIds {
  private readonly prefix = `EU.sandbox.${randomBytes(4).toString("hex")}`;
  private counter = 0;

  next(): string {
    this.counter += 1;
    return `${this.prefix}.${this.counter}`;
  }
}
