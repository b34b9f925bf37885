/**
 * The conformance checker: holds requests and answers against OVHcloud's published schema
 * (test/conformance/schema.ts), on both sides of the wire. The sandbox loads it when
 * EXREC_SANDBOX_CONFORMANCE names this file (vitest.config.ts sets it for the whole suite, and
 * child processes inherit it), so every request the client sends in a test and every answer the
 * sandbox gives is checked.
 *
 * A request: its route and method exist; its path, query and body parameters are declared, of
 * their type, and the required ones present; a body of a model names only writable properties.
 * An answer: of the route's response type; an object has only the model's properties, each of
 * its type, null only where `canBeNull`, enums within the enum. Error answers have OVHcloud's
 * error shape. What the schema lacks fails unless the sandbox lists it in its known gaps.
 */
import type {
  CheckedAnswer,
  CheckedRequest,
  ConformanceChecker,
  KnownGap,
} from "../../provider/sandbox/conformance.js";
import { loadSchema, Schema, type SchemaOperation } from "./schema.js";

const INTEGER_TYPES = new Set(["long", "int", "integer"]);
const NUMBER_TYPES = new Set(["double", "float", "number"]);
const STRING_TYPES = new Set([
  "string",
  "password",
  "text",
  "phoneNumber",
  "uuid",
  "ip",
  "ipv4",
  "ipBlock",
  "ipv4Block",
  "time",
  "coreTypes.AccountId:string",
]);
const DATE_TYPES = new Set(["datetime", "date"]);

function header(headers: CheckedRequest["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

class Gaps {
  constructor(private readonly gaps: readonly KnownGap[]) {}

  /** Whether `route` (`METHOD /template`) and `field` are a listed gap. */
  covers(route: string, field: string | undefined): boolean {
    return this.gaps.some(
      (gap) =>
        (gap.route === route || gap.route === "*") &&
        (gap.field === undefined ||
          (field !== undefined &&
            (field === gap.field || field.startsWith(`${gap.field}.`) || field.startsWith(`${gap.field}[`)))),
    );
  }
}

export class SchemaChecker implements ConformanceChecker {
  private readonly gaps: Gaps;

  constructor(
    private readonly schema: Schema,
    knownGaps: readonly KnownGap[],
  ) {
    this.gaps = new Gaps(knownGaps);
  }

  checkRequest(request: CheckedRequest): string[] {
    // A test that sends a request off the schema on purpose, to see the sandbox refuse it, says so.
    if (header(request.headers, "x-exrec-conformance") === "off-schema") return [];
    const matched = this.schema.match(request.method, request.rawPath);
    const routeName = matched
      ? `${request.method} ${matched.template}`
      : `${request.method} ${request.rawPath}`;
    if (!matched) {
      return this.gaps.covers(routeName, undefined) ||
        this.gaps.covers(`${request.method} ${request.rawPath}`, undefined)
        ? []
        : [`request ${routeName}: no such route in the schema`];
    }
    if (matched.operation === null) {
      return this.gaps.covers(routeName, undefined)
        ? []
        : [`request ${routeName}: the schema has no ${request.method} on this route`];
    }
    if (this.gaps.covers(routeName, undefined)) return [];
    const problems: string[] = [];
    const report = (field: string, message: string): void => {
      if (!this.gaps.covers(routeName, field)) problems.push(`request ${routeName}: ${field} ${message}`);
    };
    const { operation } = matched;
    for (const parameter of operation.parameters.filter((p) => p.paramType === "path")) {
      const value = matched.pathParams[parameter.name ?? ""];
      if (value !== undefined)
        this.checkText(value, parameter.dataType, `request.path.${parameter.name}`, report);
    }
    this.checkQuery(request.query, operation, report);
    this.checkBody(request.body, operation, report);
    return problems;
  }

  private checkQuery(
    query: URLSearchParams,
    operation: SchemaOperation,
    report: (field: string, message: string) => void,
  ): void {
    const declared = new Map(
      operation.parameters.filter((p) => p.paramType === "query").map((p) => [p.name, p]),
    );
    for (const [name, value] of query) {
      const parameter = declared.get(name);
      const field = `request.query.${name}`;
      if (!parameter) {
        report(field, "is not a parameter of this route");
        continue;
      }
      this.checkText(value, parameter.dataType, field, report);
    }
    for (const parameter of declared.values()) {
      if (parameter.required && !query.has(parameter.name ?? ""))
        report(`request.query.${parameter.name}`, "is required and missing");
    }
  }

  private checkBody(
    body: unknown,
    operation: SchemaOperation,
    report: (field: string, message: string) => void,
  ): void {
    const bodyParameters = operation.parameters.filter((p) => p.paramType === "body");
    if (bodyParameters.length === 0) {
      if (body !== undefined) report("request.body", "is sent to a route that takes none");
      return;
    }
    const whole = bodyParameters.find((p) => p.name === undefined);
    if (whole) {
      if (body === undefined) {
        if (whole.required) report("request.body", `is required (${whole.dataType})`);
        return;
      }
      this.checkValue(body, whole.dataType, false, "request.body", report, { writing: true });
      return;
    }
    if (body === undefined) {
      for (const parameter of bodyParameters)
        if (parameter.required) report(`request.body.${parameter.name}`, "is required and missing");
      return;
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      report("request.body", "must be a JSON object of the route's body parameters");
      return;
    }
    const record = body as Record<string, unknown>;
    const declared = new Map(bodyParameters.map((p) => [p.name as string, p]));
    for (const [name, value] of Object.entries(record)) {
      const parameter = declared.get(name);
      if (!parameter) {
        report(`request.body.${name}`, "is not a parameter of this route");
        continue;
      }
      this.checkValue(value, parameter.dataType, !parameter.required, `request.body.${name}`, report, {
        writing: true,
      });
    }
    for (const parameter of bodyParameters) {
      if (parameter.required && record[parameter.name as string] === undefined)
        report(`request.body.${parameter.name}`, "is required and missing");
    }
  }

  checkAnswer(request: CheckedRequest, answer: CheckedAnswer): string[] {
    const matched = this.schema.match(request.method, request.rawPath);
    const routeName = matched
      ? `${request.method} ${matched.template}`
      : `${request.method} ${request.rawPath}`;
    const problems: string[] = [];
    const report = (field: string, message: string): void => {
      if (!this.gaps.covers(routeName, field)) problems.push(`answer of ${routeName}: ${field} ${message}`);
    };
    if (answer.status >= 400) {
      this.checkError(answer.body, report);
      return problems;
    }
    if (!matched || matched.operation === null || this.gaps.covers(routeName, undefined)) return problems;
    const { operation, template } = matched;
    // Modes the schema does not describe (unverified on Exchange): pages of whole objects, batches.
    if (header(request.headers, "x-ovh-batch") && Array.isArray(answer.body)) {
      answer.body.forEach((element, i) => {
        const field = `answer[${i}]`;
        if (typeof element !== "object" || element === null) return report(field, "is not a batch element");
        const { key, value, error } = element as Record<string, unknown>;
        if (typeof key !== "string") report(`${field}.key`, "is not a string");
        if (error !== null && typeof error !== "string") report(`${field}.error`, "is not a string or null");
        if (value !== null) this.checkValue(value, operation.responseType, false, `${field}.value`, report);
      });
      return problems;
    }
    if (
      header(request.headers, "x-pagination-mode") &&
      Array.isArray(answer.body) &&
      answer.body.some((e) => typeof e === "object")
    ) {
      const item = this.schema.operation(`${template}/{${lastParameterOf(this.schema, template)}}`, "GET");
      if (!item) {
        report("answer", "is a page of objects, but the route has no object to page");
        return problems;
      }
      this.checkValue(answer.body, `${item.responseType}[]`, false, "answer", report);
      return problems;
    }
    this.checkValue(answer.body, operation.responseType, false, "answer", report);
    return problems;
  }

  /** OVHcloud's error bodies: `{class, message}`, or the older `{errorCode, httpCode, message}`. */
  private checkError(body: unknown, report: (field: string, message: string) => void): void {
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      report("answer", "of an error is not a JSON object");
      return;
    }
    const record = body as Record<string, unknown>;
    if (typeof record.message !== "string") report("answer.message", "of an error is not a string");
    const modern = typeof record.class === "string";
    const older = typeof record.errorCode === "string" && typeof record.httpCode === "string";
    if (!modern && !older) report("answer", "of an error has neither `class` nor `errorCode` and `httpCode`");
  }

  private checkText(
    value: string,
    type: string,
    field: string,
    report: (field: string, message: string) => void,
  ): void {
    if (INTEGER_TYPES.has(type)) {
      if (!/^-?\d+$/.test(value)) report(field, `is ${JSON.stringify(value)}, not a ${type}`);
    } else if (type === "boolean") {
      if (value !== "true" && value !== "false") report(field, `is ${JSON.stringify(value)}, not a boolean`);
    } else if (DATE_TYPES.has(type)) {
      if (Number.isNaN(Date.parse(value))) report(field, `is ${JSON.stringify(value)}, not a ${type}`);
    } else if (STRING_TYPES.has(type)) {
      // any text
    } else {
      const model = this.schema.model(type);
      if (!model) report(field, `has the type ${type}, which the schema subset lacks`);
      else if (model.enum && !model.enum.includes(value))
        report(field, `is ${JSON.stringify(value)}, not one of ${type} (${model.enum.join(", ")})`);
    }
  }

  private checkValue(
    value: unknown,
    type: string,
    nullable: boolean,
    field: string,
    report: (field: string, message: string) => void,
    options: { writing?: boolean } = {},
  ): void {
    if (value === null || value === undefined) {
      if (type === "void") return;
      if (!nullable) report(field, `is null, but the schema says ${type} cannot be null`);
      return;
    }
    if (type === "void") {
      report(field, "is given where the schema says void");
      return;
    }
    if (type.endsWith("[]")) {
      if (!Array.isArray(value)) return report(field, `is not an array (${type})`);
      const item = type.slice(0, -2);
      value.forEach((element, i) => this.checkValue(element, item, false, `${field}[${i}]`, report, options));
      return;
    }
    if (type.startsWith("map[")) {
      if (typeof value !== "object" || Array.isArray(value)) report(field, `is not an object (${type})`);
      return;
    }
    if (INTEGER_TYPES.has(type)) {
      if (typeof value !== "number" || !Number.isInteger(value))
        report(field, `is ${JSON.stringify(value)}, not a ${type}`);
      return;
    }
    if (NUMBER_TYPES.has(type)) {
      if (typeof value !== "number") report(field, `is ${JSON.stringify(value)}, not a ${type}`);
      return;
    }
    if (type === "boolean") {
      if (typeof value !== "boolean") report(field, `is ${JSON.stringify(value)}, not a boolean`);
      return;
    }
    if (STRING_TYPES.has(type)) {
      if (typeof value !== "string") report(field, `is ${JSON.stringify(value)}, not a ${type}`);
      return;
    }
    if (DATE_TYPES.has(type)) {
      if (typeof value !== "string" || Number.isNaN(Date.parse(value)))
        report(field, `is ${JSON.stringify(value)}, not a ${type}`);
      return;
    }
    const model = this.schema.model(type);
    if (!model) return report(field, `has the type ${type}, which the schema subset lacks`);
    if (model.enum) {
      if (typeof value !== "string" || !model.enum.includes(value))
        report(field, `is ${JSON.stringify(value)}, not one of ${type} (${model.enum.join(", ")})`);
      return;
    }
    if (typeof value !== "object" || Array.isArray(value)) return report(field, `is not an object (${type})`);
    const properties = model.properties ?? {};
    for (const [name, inner] of Object.entries(value as Record<string, unknown>)) {
      const property = properties[name];
      const innerField = `${field}.${name}`;
      if (!property) {
        report(innerField, `is not a property of ${type}`);
        continue;
      }
      if (options.writing && property.readOnly === true) {
        report(innerField, `is read-only in ${type}`);
        continue;
      }
      this.checkValue(inner, property.type, property.canBeNull, innerField, report, options);
    }
  }
}

/** The name of the path parameter of a list's item route (`…/account` → `primaryEmailAddress`). */
function lastParameterOf(schema: Schema, template: string): string {
  const item = schema.document.apis.find(
    (api) =>
      api.path.startsWith(`${template}/{`) && api.path.split("/").length === template.split("/").length + 1,
  );
  return item ? (item.path.split("/").pop() as string).slice(1, -1) : "id";
}

/** What the sandbox calls, given its known gaps. */
export function createChecker(knownGaps: readonly KnownGap[]): ConformanceChecker {
  return new SchemaChecker(new Schema(loadSchema()), knownGaps);
}
