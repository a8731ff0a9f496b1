/** Table of OpenAPI document changes outside schemas: paths, operations, parameters, bodies, responses, security, servers. */
import type { Level } from "../../src/diff/index.js";
import { doc } from "./wrap.js";

export interface OpenApiCase {
  name: string;
  old: unknown;
  new: unknown;
  expected: [id: string, level: Level, location?: string][];
}

type Obj = Record<string, unknown>;
const op = (x: Obj = {}): Obj => ({
  operationId: "listEntries",
  responses: { "200": { description: "ok" } },
  ...x,
});
const one = (x: Obj = {}, path = "/entries", method = "get") =>
  doc({ [path]: { [method]: op(x) } });
const param = (name: string, where: string, x: Obj = {}) => ({
  name,
  in: where,
  schema: { type: "string" },
  ...x,
});
const body = (x: Obj = {}, media = "application/json") => ({
  requestBody: { content: { [media]: { schema: { type: "object" } } }, ...x },
});
const resp = (status: string, x: Obj = {}) => ({
  responses: { "200": { description: "ok" }, [status]: { description: "r", ...x } },
});
const header = (name: string, x: Obj = {}) => ({
  responses: {
    "200": { description: "ok", headers: { [name]: { schema: { type: "string" }, ...x } } },
  },
});
const schemes = {
  components: {
    securitySchemes: {
      sig: { type: "http", scheme: "bearer" },
      oauth: { type: "oauth2", flows: {} },
    },
  },
};
const secured = (security: unknown) => doc({ "/entries": { get: op({ security }) } }, schemes);
const servers = (...urls: string[]) => doc({}, { servers: urls.map((url) => ({ url })) });
const pathServers = (urls: string[] | undefined, opUrls?: string[]) =>
  doc(
    {
      "/entries": {
        ...(urls ? { servers: urls.map((url) => ({ url })) } : {}),
        get: op(opUrls ? { servers: opUrls.map((url) => ({ url })) } : {}),
      },
    },
    { servers: [{ url: "https://a.gov.cn" }] },
  );
// A subscription whose events the API posts back to the consumer (OpenAPI 3.1.0 §4.8.18).
const EXPR = "{$request.body#/callbackUrl}";
const event = (x: Obj = {}) => ({
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", maxLength: 64 }, ...x },
});
const callbacks = (cbs: Record<string, Record<string, Obj>> | undefined) =>
  doc({
    "/subscriptions": {
      post: op({
        operationId: "subscribe",
        ...(cbs ? { callbacks: cbs } : {}),
      }),
    },
  });
const onEvent = (schema: Obj = event(), responses: Obj = { "204": { description: "ok" } }) => ({
  [EXPR]: {
    post: {
      requestBody: { required: true, content: { "application/json": { schema } } },
      responses,
    },
  },
});

export const OPENAPI_CASES: readonly OpenApiCase[] = [
  { name: "identical", old: one(), new: one(), expected: [] },
  { name: "path added", old: doc({}), new: one(), expected: [["path-added", "INFO", "/entries"]] },
  {
    name: "path removed",
    old: one(),
    new: doc({}),
    expected: [["path-removed", "ERR", "/entries"]],
  },
  {
    name: "path template parameter renamed",
    old: doc({ "/entries/{id}": { get: op() } }),
    new: doc({ "/entries/{entryId}": { get: op() } }),
    expected: [["path-parameter-renamed", "INFO", "/entries/{entryId}"]],
  },
  {
    name: "operation added",
    old: one(),
    new: doc({ "/entries": { get: op(), post: op({ operationId: "create" }) } }),
    expected: [["operation-added", "INFO", "POST /entries"]],
  },
  {
    name: "operation removed",
    old: doc({ "/entries": { get: op(), post: op({ operationId: "create" }) } }),
    new: one(),
    expected: [["operation-removed", "ERR", "POST /entries"]],
  },
  {
    name: "operation moved to another path, found by its operationId and compared there",
    old: doc({ "/entries": { get: op({ parameters: [param("q", "query")] }) } }),
    new: doc({ "/catalog/entries": { get: op() } }),
    expected: [
      ["operation-moved", "ERR", "GET /catalog/entries"],
      ["request-parameter-removed", "WARN", "GET /catalog/entries query parameter q"],
    ],
  },
  {
    name: "a path with one moved and one dropped operation is still removed",
    old: doc({ "/entries": { get: op(), delete: op({ operationId: "drop" }) } }),
    new: doc({ "/catalog/entries": { get: op() } }),
    expected: [
      ["path-removed", "ERR", "/entries"],
      ["operation-moved", "ERR", "GET /catalog/entries"],
    ],
  },
  {
    name: "operationId changed",
    old: one(),
    new: one({ operationId: "searchEntries" }),
    expected: [["operation-id-changed", "WARN", "GET /entries"]],
  },
  {
    name: "operation deprecated",
    old: one(),
    new: one({ deprecated: true }),
    expected: [["operation-deprecated", "INFO"]],
  },
  {
    name: "operation undeprecated",
    old: one({ deprecated: true }),
    new: one(),
    expected: [["operation-undeprecated", "INFO"]],
  },
  {
    name: "summary changed",
    old: one({ summary: "列出目录" }),
    new: one({ summary: "查询目录" }),
    expected: [["operation-summary-changed", "INFO"]],
  },
  {
    name: "tags changed",
    old: one({ tags: ["目录"] }),
    new: one({ tags: ["catalog"] }),
    expected: [["operation-tags-changed", "INFO"]],
  },
  {
    name: "operation description changed",
    old: one({ description: "a" }),
    new: one({ description: "b" }),
    expected: [["description-changed", "INFO", "GET /entries"]],
  },
  {
    name: "info title changed",
    old: doc({}),
    new: { ...doc({}), info: { title: "新", version: "1.0.0" } },
    expected: [["title-changed", "INFO", "info"]],
  },
  {
    name: "openapi version changed",
    old: doc({}),
    new: { ...doc({}), openapi: "3.1.1" },
    expected: [["openapi-version-changed", "INFO", "openapi"]],
  },
  {
    name: "webhook added",
    old: doc({}),
    new: doc({}, { webhooks: { event: { post: op() } } }),
    expected: [["webhook-added", "INFO", "webhook event"]],
  },
  {
    name: "webhook removed",
    old: doc({}, { webhooks: { event: { post: op() } } }),
    new: doc({}),
    expected: [["webhook-removed", "ERR", "webhook event"]],
  },
  {
    name: "webhook payloads are read like responses (the subscriber receives them)",
    old: doc({}, { webhooks: { event: { post: op(body({}, "application/cloudevents+json")) } } }),
    new: doc(
      {},
      {
        webhooks: {
          event: {
            post: op({
              requestBody: {
                content: {
                  "application/cloudevents+json": {
                    schema: { type: "object", properties: { t: { enum: ["a", "b"] } } },
                  },
                },
              },
            }),
          },
        },
      },
    ),
    expected: [
      [
        "response-property-added",
        "INFO",
        "webhook POST event request body (application/cloudevents+json) /t",
      ],
    ],
  },
  // Parameters (OpenAPI 3.1.0 §4.8.12).
  {
    name: "optional parameter added",
    old: one(),
    new: one({ parameters: [param("q", "query")] }),
    expected: [["request-parameter-added", "INFO", "GET /entries query parameter q"]],
  },
  {
    name: "required parameter added",
    old: one(),
    new: one({ parameters: [param("q", "query", { required: true })] }),
    expected: [["new-required-request-parameter", "ERR"]],
  },
  {
    name: "required header added",
    old: one(),
    new: one({ parameters: [param("X-Region", "header", { required: true })] }),
    expected: [["new-required-request-header", "ERR", "GET /entries header parameter X-Region"]],
  },
  {
    name: "header names are case-insensitive",
    old: one({ parameters: [param("x-region", "header")] }),
    new: one({ parameters: [param("X-Region", "header")] }),
    expected: [],
  },
  {
    name: "parameter removed",
    old: one({ parameters: [param("q", "query")] }),
    new: one(),
    // docs/decisions/0005-spec-diff-levels.md: unknown query names are ignored, not refused.
    expected: [["request-parameter-removed", "WARN"]],
  },
  {
    name: "parameter became required",
    old: one({ parameters: [param("q", "query")] }),
    new: one({ parameters: [param("q", "query", { required: true })] }),
    expected: [["request-parameter-became-required", "ERR"]],
  },
  {
    name: "parameter became optional",
    old: one({ parameters: [param("q", "query", { required: true })] }),
    new: one({ parameters: [param("q", "query")] }),
    expected: [["request-parameter-became-optional", "INFO"]],
  },
  {
    name: "parameter deprecated",
    old: one({ parameters: [param("q", "query")] }),
    new: one({ parameters: [param("q", "query", { deprecated: true })] }),
    expected: [["request-parameter-deprecated", "INFO"]],
  },
  {
    name: "parameter style changed",
    old: one({ parameters: [param("q", "query")] }),
    new: one({ parameters: [param("q", "query", { style: "pipeDelimited" })] }),
    expected: [["request-parameter-style-changed", "WARN"]],
  },
  {
    name: "parameter schema narrowed",
    old: one({
      parameters: [param("limit", "query", { schema: { type: "integer", maximum: 500 } })],
    }),
    new: one({
      parameters: [param("limit", "query", { schema: { type: "integer", maximum: 100 } })],
    }),
    expected: [["request-max-decreased", "ERR", "GET /entries query parameter limit"]],
  },
  {
    name: "path-level parameters count; path parameters match by position",
    old: doc({
      "/entries/{id}": { parameters: [param("id", "path", { required: true })], get: op() },
    }),
    new: doc({
      "/entries/{key}": {
        parameters: [
          param("key", "path", { required: true, schema: { type: "string", maxLength: 64 } }),
        ],
        get: op(),
      },
    }),
    expected: [
      ["path-parameter-renamed", "INFO"],
      ["request-max-length-decreased", "ERR", "GET /entries/{key} path parameter key"],
    ],
  },
  // Request bodies (§4.8.13).
  {
    name: "optional body added",
    old: one({}, "/entries", "post"),
    new: one(body(), "/entries", "post"),
    expected: [["request-body-added", "INFO"]],
  },
  {
    name: "required body added",
    old: one({}, "/entries", "post"),
    new: one(body({ required: true }), "/entries", "post"),
    expected: [["new-required-request-body", "ERR"]],
  },
  {
    name: "body removed",
    old: one(body(), "/entries", "post"),
    new: one({}, "/entries", "post"),
    expected: [["request-body-removed", "ERR", "POST /entries request body"]],
  },
  {
    name: "body became required",
    old: one(body(), "/entries", "post"),
    new: one(body({ required: true }), "/entries", "post"),
    expected: [["request-body-became-required", "ERR"]],
  },
  {
    name: "body became optional",
    old: one(body({ required: true }), "/entries", "post"),
    new: one(body(), "/entries", "post"),
    expected: [["request-body-became-optional", "INFO"]],
  },
  {
    name: "request media type added",
    old: one(body(), "/entries", "post"),
    new: one(
      {
        requestBody: {
          content: {
            "application/json": { schema: { type: "object" } },
            "application/x-ndjson": {},
          },
        },
      },
      "/entries",
      "post",
    ),
    expected: [["request-media-type-added", "INFO"]],
  },
  {
    name: "request media type removed",
    old: one(
      {
        requestBody: {
          content: {
            "application/json": { schema: { type: "object" } },
            "application/x-ndjson": {},
          },
        },
      },
      "/entries",
      "post",
    ),
    new: one(body(), "/entries", "post"),
    expected: [["request-media-type-removed", "ERR"]],
  },
  // Responses (§4.8.16).
  {
    name: "status added",
    old: one(),
    new: one(resp("404")),
    expected: [["response-status-added", "INFO", "GET /entries response 404"]],
  },
  {
    name: "success status removed",
    old: one(resp("201")),
    new: one(),
    expected: [["response-success-status-removed", "ERR", "GET /entries response 201"]],
  },
  {
    name: "error status removed",
    old: one(resp("409")),
    new: one(),
    expected: [["response-non-success-status-removed", "WARN"]],
  },
  {
    name: "response description changed",
    old: one(resp("404")),
    new: one(resp("404", { description: "没有" })),
    expected: [["description-changed", "INFO", "GET /entries response 404"]],
  },
  {
    name: "response media type added",
    old: one(),
    new: one({ responses: { "200": { description: "ok", content: { "application/json": {} } } } }),
    expected: [["response-media-type-added", "INFO"]],
  },
  {
    name: "response media type removed",
    old: one({ responses: { "200": { description: "ok", content: { "application/json": {} } } } }),
    new: one(),
    expected: [["response-media-type-removed", "ERR"]],
  },
  {
    name: "response header added",
    old: one(),
    new: one(header("ETag")),
    expected: [["response-header-added", "INFO", "GET /entries response 200 header ETag"]],
  },
  {
    name: "optional response header removed",
    old: one(header("ETag")),
    new: one(),
    expected: [["response-header-removed", "WARN"]],
  },
  {
    name: "required response header removed",
    old: one(header("ETag", { required: true })),
    new: one(),
    expected: [["response-required-header-removed", "ERR"]],
  },
  {
    name: "response header became optional",
    old: one(header("ETag", { required: true })),
    new: one(header("ETag")),
    expected: [["response-header-became-optional", "WARN"]],
  },
  {
    name: "response header became required",
    old: one(header("ETag")),
    new: one(header("ETag", { required: true })),
    expected: [["response-header-became-required", "INFO"]],
  },
  {
    name: "response header schema widened",
    old: one(header("X-Count", { schema: { type: "integer" } })),
    new: one(header("X-Count", { schema: { type: "number" } })),
    expected: [["response-type-widened", "ERR", "GET /entries response 200 header X-Count"]],
  },
  // Security (§4.8.30): requirements are alternatives; {} makes authentication optional.
  {
    name: "security added to an open operation",
    old: secured([]),
    new: secured([{ sig: [] }]),
    expected: [["security-requirement-added", "ERR", "GET /entries"]],
  },
  {
    name: "security removed",
    old: secured([{ sig: [] }]),
    new: secured([]),
    expected: [["security-requirement-removed", "INFO"]],
  },
  {
    name: "anonymous alternative removed",
    old: secured([{ sig: [] }, {}]),
    new: secured([{ sig: [] }]),
    expected: [["security-requirement-added", "ERR"]],
  },
  {
    name: "alternative added",
    old: secured([{ sig: [] }]),
    new: secured([{ sig: [] }, { oauth: [] }]),
    expected: [["security-alternative-added", "INFO"]],
  },
  {
    name: "alternative removed",
    old: secured([{ sig: [] }, { oauth: [] }]),
    new: secured([{ sig: [] }]),
    expected: [["security-alternative-removed", "ERR"]],
  },
  {
    name: "scope added",
    old: secured([{ oauth: ["read"] }]),
    new: secured([{ oauth: ["read", "write"] }]),
    expected: [["security-scope-added", "ERR"]],
  },
  {
    name: "scope removed",
    old: secured([{ oauth: ["read", "write"] }]),
    new: secured([{ oauth: ["read"] }]),
    expected: [["security-scope-removed", "INFO"]],
  },
  {
    name: "document-level security applies to operations",
    old: doc({ "/entries": { get: op() } }, schemes),
    new: doc({ "/entries": { get: op() } }, { ...schemes, security: [{ sig: [] }] }),
    expected: [["security-requirement-added", "ERR", "GET /entries"]],
  },
  {
    name: "security scheme added",
    old: doc({}, { components: { securitySchemes: {} } }),
    new: doc({}, schemes),
    expected: [
      ["security-scheme-added", "INFO", "components.securitySchemes.sig"],
      ["security-scheme-added", "INFO", "components.securitySchemes.oauth"],
    ],
  },
  {
    name: "security scheme removed",
    old: doc({}, schemes),
    new: doc({}, { components: { securitySchemes: { sig: { type: "http", scheme: "bearer" } } } }),
    expected: [["security-scheme-removed", "ERR"]],
  },
  {
    name: "security scheme changed",
    old: doc({}, { components: { securitySchemes: { sig: { type: "http", scheme: "bearer" } } } }),
    new: doc({}, { components: { securitySchemes: { sig: { type: "http", scheme: "basic" } } } }),
    expected: [["security-scheme-changed", "WARN"]],
  },
  // Servers (§4.8.5).
  {
    name: "server added",
    old: servers("https://a.gov.cn"),
    new: servers("https://a.gov.cn", "https://b.gov.cn"),
    expected: [["server-added", "INFO", "servers"]],
  },
  {
    name: "server removed",
    old: servers("https://a.gov.cn", "https://b.gov.cn"),
    new: servers("https://a.gov.cn"),
    expected: [["server-removed", "WARN"]],
  },
  {
    name: "server URL changed",
    old: servers("https://a.gov.cn/v1"),
    new: servers("https://a.gov.cn/api/v1"),
    expected: [["server-url-changed", "WARN"]],
  },
  // Path Item and Operation servers (§4.8.9, §4.8.10) override the document's.
  {
    name: "path-level server added over the document's",
    old: pathServers(undefined),
    new: pathServers(["https://a.gov.cn", "https://b.gov.cn"]),
    expected: [["path-server-added", "INFO", "/entries"]],
  },
  {
    name: "path-level server removed",
    old: pathServers(["https://a.gov.cn", "https://b.gov.cn"]),
    new: pathServers(["https://a.gov.cn"]),
    expected: [["path-server-removed", "WARN", "/entries"]],
  },
  {
    name: "path-level server replaces the document's",
    old: pathServers(undefined),
    new: pathServers(["https://gateway.a.gov.cn"]),
    expected: [["path-server-url-changed", "WARN", "/entries"]],
  },
  {
    name: "path-level servers dropped: the document's apply again",
    old: pathServers(["https://gateway.a.gov.cn"]),
    new: pathServers(undefined),
    expected: [["path-server-url-changed", "WARN", "/entries"]],
  },
  {
    name: "operation-level server changed",
    old: pathServers(undefined, ["https://a.gov.cn/v1"]),
    new: pathServers(undefined, ["https://a.gov.cn/v2"]),
    expected: [["path-server-url-changed", "WARN", "GET /entries"]],
  },
  {
    name: "the same path-level servers are no change",
    old: pathServers(["https://a.gov.cn"]),
    new: pathServers(["https://a.gov.cn"]),
    expected: [],
  },
  // Callbacks (§4.8.18): requests the API sends, read as webhooks are.
  {
    name: "callback added",
    old: callbacks(undefined),
    new: callbacks({ onEvent: onEvent() }),
    expected: [["callback-added", "INFO", `POST /subscriptions callback onEvent ${EXPR}`]],
  },
  {
    name: "callback removed",
    old: callbacks({ onEvent: onEvent() }),
    new: callbacks(undefined),
    expected: [["callback-removed", "ERR", `POST /subscriptions callback onEvent ${EXPR}`]],
  },
  {
    name: "callback expression changed is one removed and one added",
    old: callbacks({ onEvent: onEvent() }),
    new: callbacks({ onEvent: { "{$request.body#/url}": onEvent()[EXPR] as Obj } }),
    expected: [
      ["callback-removed", "ERR"],
      ["callback-added", "INFO"],
    ],
  },
  {
    name: "callback body gains a property: the consumer may not expect it",
    old: callbacks({ onEvent: onEvent() }),
    new: callbacks({ onEvent: onEvent(event({ kind: { type: "string" } })) }),
    expected: [
      [
        "response-property-added",
        "INFO",
        `POST /subscriptions callback onEvent POST ${EXPR} request body /kind`,
      ],
    ],
  },
  {
    name: "callback body constraint relaxed: the consumer's endpoint may refuse it",
    old: callbacks({ onEvent: onEvent() }),
    new: callbacks({
      onEvent: onEvent({ ...event(), properties: { id: { type: "string", maxLength: 128 } } }),
    }),
    expected: [["response-max-length-increased", "WARN"]],
  },
  {
    name: "callback operation removed",
    old: callbacks({ onEvent: onEvent() }),
    new: callbacks({ onEvent: { [EXPR]: { put: (onEvent()[EXPR] as Obj).post } } }),
    expected: [
      ["operation-added", "INFO", `POST /subscriptions callback onEvent PUT ${EXPR}`],
      ["operation-removed", "ERR", `POST /subscriptions callback onEvent POST ${EXPR}`],
    ],
  },
  {
    name: "callback response the consumer must now send",
    old: callbacks({ onEvent: onEvent() }),
    new: callbacks({
      onEvent: onEvent(event(), {
        "204": { description: "ok" },
        "410": { description: "gone" },
      }),
    }),
    expected: [["response-status-added", "INFO"]],
  },
  // Components.
  {
    name: "component schema added",
    old: doc({}, { components: { schemas: {} } }),
    new: doc({}, { components: { schemas: { Entry: {} } } }),
    expected: [["component-schema-added", "INFO", "components.schemas.Entry"]],
  },
  {
    name: "component schema removed",
    old: doc({}, { components: { schemas: { Entry: {} } } }),
    new: doc({}, { components: { schemas: {} } }),
    expected: [["component-schema-removed", "WARN"]],
  },
];
