/**
 * The runtime's copies of the spec stay the spec: the routes are exactly specs/provider v1's
 * operations, each parameter schema carries every constraint the spec declares (and only adds
 * titles and item-code property names), and the problem registry is specs/exchange v1's.
 */
import { describe, expect, it } from "vitest";
import {
  OPERATION_PARAMETERS,
  type OperationId,
  PARAMETER_SCHEMAS,
  VERIFY_INPUT_SCHEMA,
} from "../src/server/params.js";
import { PROBLEM_BASE, PROBLEM_TYPES } from "../src/server/problems.js";
import { PROVIDER_ROUTES } from "../src/server/routes.js";
import { exchangeSpec, resolve, specOperations } from "./helpers/spec.js";

type Json = Record<string, unknown>;
/** What the runtime adds to a spec schema: labels for messages, and item-code names. */
const ADDED = new Set(["title", "x-title-en", "propertyNames"]);

/** `ours` declares every keyword of `spec` with the same value, and adds only {@link ADDED}. */
function expectSameConstraints(ours: unknown, spec: unknown, where: string): void {
  const a = ours as Json;
  const b = spec as Json;
  for (const [key, value] of Object.entries(b)) {
    if (key === "description" || key === "example") continue;
    if (typeof value === "object" && value !== null && !Array.isArray(value))
      expectSameConstraints(a[key], value, `${where}/${key}`);
    else expect(a[key], `${where}/${key}`).toEqual(value);
  }
  for (const key of Object.keys(a)) {
    if (!ADDED.has(key))
      expect(Object.keys(b), `${where}: ${key} is not in the spec`).toContain(key);
  }
}

describe("the runtime follows specs/provider v1", () => {
  it("routes are the spec's operations, by method, path and operationId", () => {
    const ours = PROVIDER_ROUTES.map((route) => [
      route.operationId,
      route.method.toLowerCase(),
      route.url.replace(/:(\w+)/g, "{$1}"),
    ]);
    const theirs = [...specOperations].map(([id, op]) => [id, op.method, op.path]);
    expect(ours.sort()).toEqual(theirs.sort());
  });

  it.each([...specOperations.keys()])("%s: parameters and their constraints", (id) => {
    const spec = specOperations.get(id);
    const ours = OPERATION_PARAMETERS[id as OperationId];
    const locations = { path: "path", query: "query", header: "headers" } as const;
    const declared = (spec?.parameters ?? []).map((p) => ({
      name: p.name as string,
      location: locations[p.in as keyof typeof locations],
      required: p.required === true,
      schema: p.schema,
    }));
    for (const parameter of declared) {
      expect(ours[parameter.location], `${id} ${parameter.name}`).toContain(parameter.name);
      expect(
        ours.required.includes(parameter.name as never),
        `${id} ${parameter.name} required`,
      ).toBe(parameter.required);
      const schema = PARAMETER_SCHEMAS[parameter.name as keyof typeof PARAMETER_SCHEMAS];
      expectSameConstraints(schema, parameter.schema, `${id} ${parameter.name}`);
    }
    const count = ours.path.length + ours.query.length + ours.headers.length;
    expect(count).toBe(declared.length);
    const body = spec?.operation.requestBody as Json | undefined;
    expect(ours.body === true).toBe(body !== undefined);
    if (body) {
      const media = (body.content as Json)["application/json"] as Json;
      expectSameConstraints(VERIFY_INPUT_SCHEMA, resolve(media.schema), `${id} body`);
    }
  });

  it("the problem registry is specs/exchange v1's ProblemType with its labels", () => {
    const problemType = ((exchangeSpec.components as Json).schemas as Record<string, Json>)
      .ProblemType as Json;
    const labels = problemType["x-enum-labels"] as Record<string, Json>;
    expect(Object.keys(PROBLEM_TYPES).map((slug) => PROBLEM_BASE + slug)).toEqual(problemType.enum);
    for (const [slug, entry] of Object.entries(PROBLEM_TYPES))
      expect(entry, slug).toEqual(labels[PROBLEM_BASE + slug]);
  });
});
