/** Put one schema where each diff meets it: a schema-set file, a request body, a response body. */
export const FILE = "t.schema.json";

export function asSet(schema: unknown): Record<string, unknown> {
  return { [FILE]: schema };
}

export function doc(
  paths: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { openapi: "3.1.0", info: { title: "测试", version: "1.0.0" }, paths, ...extra };
}

export function inRequest(schema: unknown): Record<string, unknown> {
  return doc({
    "/t": {
      post: {
        operationId: "create",
        requestBody: { required: true, content: { "application/json": { schema } } },
        responses: { "204": { description: "ok" } },
      },
    },
  });
}

export function inResponse(schema: unknown): Record<string, unknown> {
  return doc({
    "/t": {
      get: {
        operationId: "read",
        responses: { "200": { description: "ok", content: { "application/json": { schema } } } },
      },
    },
  });
}
