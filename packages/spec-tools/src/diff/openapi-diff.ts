import type { Scope } from "./checks.js";
import {
  DiffInputError,
  deref,
  escapeToken,
  evaluatePointer,
  isObject,
  own,
  same,
} from "./json.js";
import { finish, type RawChange } from "./result.js";
import { type At, type Ctx, type Resolve, SchemaComparer } from "./schema-compare.js";
import type { DiffOptions, DiffResult } from "./types.js";

type Obj = Record<string, unknown>;

// OpenAPI 3.1.0 §4.8.9: the fixed fields of a Path Item that are operations.
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

const ptr = (...segments: string[]) => `#/${segments.map(escapeToken).join("/")}`;

function obj(value: unknown): Obj {
  return isObject(value) ? value : {};
}

function resolverFor(doc: Obj): Resolve {
  return (ref) => {
    if (!ref.startsWith("#")) return undefined;
    const node = evaluatePointer(doc, ref.slice(1));
    return node === undefined ? undefined : { node, base: "", ptr: ref.slice(1) };
  };
}

/** `/a/{id}` and `/a/{entryId}` are the same path (OpenAPI 3.1.0 §4.8.8.2: templated paths match regardless of names). */
function normalizePath(path: string): string {
  return path.replace(/\{[^}]*\}/g, "{}");
}

function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]*)\}/g)].map((m) => m[1] as string);
}

function isSuccess(status: string): boolean {
  return /^2(\d\d|XX)$/i.test(status);
}

/** An operation's security as alternatives (OpenAPI 3.1.0 §4.8.30): scheme set → scopes per scheme. */
function alternatives(value: unknown): Map<string, Map<string, string[]>> | undefined {
  if (!Array.isArray(value)) return undefined;
  const out = new Map<string, Map<string, string[]>>();
  for (const requirement of value) {
    const schemes = new Map<string, string[]>();
    for (const name of Object.keys(obj(requirement)).sort()) {
      const scopes = own(obj(requirement), name);
      schemes.set(
        name,
        Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === "string") : [],
      );
    }
    out.set([...schemes.keys()].join("+"), schemes);
  }
  return out;
}

class OpenApiDiff {
  readonly comparer: SchemaComparer;
  private readonly raws: RawChange[];
  private readonly queued = new Set<string>();
  private readonly queue: { o: At; n: At; scope: Scope; via: string }[] = [];

  constructor(
    private readonly a: Obj,
    private readonly b: Obj,
  ) {
    this.comparer = new SchemaComparer(resolverFor(a), resolverFor(b), (o, n, ctx) =>
      this.share(o, n, ctx),
    );
    this.raws = this.comparer.changes;
  }

  /** Both sides use the same component: compare it once per direction, where it is defined. */
  private share(o: At, n: At, ctx: Ctx): void {
    const k = `${n.ptr}|${ctx.scope}`;
    if (this.queued.has(k)) return;
    this.queued.add(k);
    const via = ctx.via ?? (ctx.locPath ? `${ctx.locBase} ${ctx.locPath}` : ctx.locBase);
    this.queue.push({ o, n, scope: ctx.scope, via });
  }

  private add(id: string, location: string, pointer: string, old?: unknown, now?: unknown): void {
    const change: RawChange = { id, location, pointer };
    if (old !== undefined) change.old = old;
    if (now !== undefined) change.new = now;
    this.raws.push(change);
  }

  private schema(
    x: unknown,
    xPtr: string,
    y: unknown,
    yPtr: string,
    scope: Scope,
    locBase: string,
  ): void {
    if (x === undefined && y === undefined) return;
    this.comparer.compare(
      { node: x ?? true, base: "", ptr: xPtr.slice(1) },
      { node: y ?? true, base: "", ptr: yPtr.slice(1) },
      { scope, mode: "data", locBase, locPath: "" },
    );
  }

  private docs(
    x: Obj,
    y: Obj,
    location: string,
    pointer: string,
    fields: readonly [string, string][],
  ): void {
    for (const [field, id] of fields) {
      if (!same(own(x, field), own(y, field)))
        this.add(id, location, `${pointer}/${field}`, own(x, field), own(y, field));
    }
  }

  run(): RawChange[] {
    const { a, b } = this;
    if (own(a, "openapi") !== own(b, "openapi"))
      this.add(
        "openapi-version-changed",
        "openapi",
        "#/openapi",
        own(a, "openapi"),
        own(b, "openapi"),
      );
    this.docs(obj(own(a, "info")), obj(own(b, "info")), "info", "#/info", [
      ["title", "title-changed"],
      ["description", "description-changed"],
    ]);
    this.servers(own(a, "servers"), own(b, "servers"), "servers", "#/servers");
    this.securitySchemes();
    this.paths("paths");
    this.paths("webhooks");
    this.componentSchemas();
    for (let i = 0; i < this.queue.length; i++) {
      const item = this.queue[i] as (typeof this.queue)[number];
      const name = item.n.ptr.split("/").slice(1).join(".");
      this.comparer.compare(item.o, item.n, {
        scope: item.scope,
        mode: "data",
        locBase: name,
        locPath: "",
        via: item.via,
      });
    }
    return this.raws;
  }

  private servers(
    x: unknown,
    y: unknown,
    location: string,
    pointer: string,
    prefix: "" | "path-" = "",
  ): void {
    const urls = (v: unknown) =>
      Array.isArray(v)
        ? v.map((s) => own(obj(s), "url")).filter((u): u is string => typeof u === "string")
        : [];
    const xs = urls(x);
    const ys = urls(y);
    const removed = xs.filter((u) => !ys.includes(u));
    const added = ys.filter((u) => !xs.includes(u));
    const changed = Math.min(removed.length, added.length);
    for (let i = 0; i < changed; i++)
      this.add(`${prefix}server-url-changed`, location, pointer, removed[i], added[i]);
    for (const u of removed.slice(changed))
      this.add(`${prefix}server-removed`, location, pointer, u);
    for (const u of added.slice(changed))
      this.add(`${prefix}server-added`, location, pointer, undefined, u);
  }

  private securitySchemes(): void {
    const x = obj(own(obj(own(this.a, "components")), "securitySchemes"));
    const y = obj(own(obj(own(this.b, "components")), "securitySchemes"));
    for (const k of Object.keys(x)) {
      const p = ptr("components", "securitySchemes", k);
      const location = `components.securitySchemes.${k}`;
      if (!Object.hasOwn(y, k)) this.add("security-scheme-removed", location, p, k);
      else {
        const sx = deref(this.a, x[k]);
        const sy = deref(this.b, y[k]);
        const { description: _dx, ...cx } = sx;
        const { description: _dy, ...cy } = sy;
        if (!same(cx, cy)) this.add("security-scheme-changed", location, p, cx, cy);
        if (!same(sx.description, sy.description))
          this.add(
            "description-changed",
            location,
            `${p}/description`,
            sx.description,
            sy.description,
          );
      }
    }
    for (const k of Object.keys(y)) {
      if (!Object.hasOwn(x, k))
        this.add(
          "security-scheme-added",
          `components.securitySchemes.${k}`,
          ptr("components", "securitySchemes", k),
          undefined,
          k,
        );
    }
  }

  private componentSchemas(): void {
    const x = obj(own(obj(own(this.a, "components")), "schemas"));
    const y = obj(own(obj(own(this.b, "components")), "schemas"));
    for (const k of Object.keys(x)) {
      if (!Object.hasOwn(y, k))
        this.add(
          "component-schema-removed",
          `components.schemas.${k}`,
          ptr("components", "schemas", k),
          k,
        );
    }
    for (const k of Object.keys(y)) {
      if (!Object.hasOwn(x, k))
        this.add(
          "component-schema-added",
          `components.schemas.${k}`,
          ptr("components", "schemas", k),
          undefined,
          k,
        );
    }
  }

  private paths(field: "paths" | "webhooks"): void {
    const x = obj(own(this.a, field));
    const y = obj(own(this.b, field));
    const webhook = field === "webhooks";
    const norm = (k: string) => (webhook ? k : normalizePath(k));
    const yByNorm = new Map<string, string>();
    for (const k of Object.keys(y)) if (!yByNorm.has(norm(k))) yByNorm.set(norm(k), k);
    const matched = new Set<string>();
    const removed: string[] = [];
    for (const k of Object.keys(x)) {
      const other = Object.hasOwn(y, k) ? k : yByNorm.get(norm(k));
      if (other === undefined || matched.has(other)) {
        removed.push(k);
        continue;
      }
      matched.add(other);
      if (other !== k) this.add("path-parameter-renamed", other, ptr(field, other), k, other);
      this.pathItem(field, k, other, webhook);
    }
    const added = Object.keys(y).filter((k) => !matched.has(k));
    const moved = webhook ? [] : this.moves(removed, added);
    const movedFrom = new Set(moved.map((m) => m.from.path));
    const movedTo = new Set(moved.map((m) => m.to.path));
    const opsOf = (doc: Obj, side: Obj, k: string) =>
      METHODS.filter((m) => own(deref(doc, own(side, k)), m) !== undefined);
    for (const k of removed) {
      // A path all of whose operations moved elsewhere is reported as the moves alone.
      const ops = opsOf(this.a, x, k);
      if (
        movedFrom.has(k) &&
        ops.every((m) => moved.some((v) => v.from.path === k && v.from.method === m))
      )
        continue;
      this.add(
        webhook ? "webhook-removed" : "path-removed",
        webhook ? `webhook ${k}` : k,
        ptr(field, k),
        k,
      );
    }
    for (const k of added) {
      const ops = opsOf(this.b, y, k);
      if (
        movedTo.has(k) &&
        ops.every((m) => moved.some((v) => v.to.path === k && v.to.method === m))
      )
        continue;
      this.add(
        webhook ? "webhook-added" : "path-added",
        webhook ? `webhook ${k}` : k,
        ptr(field, k),
        undefined,
        k,
      );
    }
    for (const { from, to } of moved) {
      const location = `${to.method.toUpperCase()} ${to.path}`;
      this.add(
        "operation-moved",
        location,
        ptr(field, to.path, to.method),
        `${from.method.toUpperCase()} ${from.path}`,
        location,
      );
      const ix = deref(this.a, own(x, from.path));
      const iy = deref(this.b, own(y, to.path));
      this.operation(
        {
          op: obj(own(ix, from.method)),
          item: ix,
          path: from.path,
          p: ptr(field, from.path, from.method),
        },
        { op: obj(own(iy, to.method)), item: iy, path: to.path, p: ptr(field, to.path, to.method) },
        location,
        false,
      );
    }
  }

  /** Operations of removed paths that reappear, with the same operationId, on added paths. */
  private moves(
    removed: readonly string[],
    added: readonly string[],
  ): { from: { path: string; method: string }; to: { path: string; method: string } }[] {
    const byId = new Map<string, { path: string; method: string }>();
    for (const path of added) {
      const item = deref(this.b, own(obj(own(this.b, "paths")), path));
      for (const method of METHODS) {
        const id = own(obj(own(item, method)), "operationId");
        if (typeof id === "string" && !byId.has(id)) byId.set(id, { path, method });
      }
    }
    const out: { from: { path: string; method: string }; to: { path: string; method: string } }[] =
      [];
    for (const path of removed) {
      const item = deref(this.a, own(obj(own(this.a, "paths")), path));
      for (const method of METHODS) {
        const id = own(obj(own(item, method)), "operationId");
        const to = typeof id === "string" ? byId.get(id) : undefined;
        if (!to) continue;
        byId.delete(id as string);
        out.push({ from: { path, method }, to });
      }
    }
    return out;
  }

  private pathItem(field: string, oldKey: string, newKey: string, webhook: boolean): void {
    const x = deref(this.a, own(obj(own(this.a, field)), oldKey));
    const y = deref(this.b, own(obj(own(this.b, field)), newKey));
    if (!webhook) this.pathServers(x, y, newKey, ptr(field, newKey));
    this.operations(
      { item: x, key: oldKey, p: ptr(field, oldKey) },
      { item: y, key: newKey, p: ptr(field, newKey) },
      webhook ? "webhook " : "",
      webhook,
    );
  }

  /** The operations of two matched Path Items; `prefix` starts each location ("webhook ", a callback). */
  private operations(
    x: { item: Obj; key: string; p: string },
    y: { item: Obj; key: string; p: string },
    prefix: string,
    webhook: boolean,
  ): void {
    for (const method of METHODS) {
      const ox = own(x.item, method);
      const oy = own(y.item, method);
      const location = `${prefix}${method.toUpperCase()} ${y.key}`;
      if (ox === undefined && oy === undefined) continue;
      if (oy === undefined)
        this.add(
          "operation-removed",
          `${prefix}${method.toUpperCase()} ${x.key}`,
          `${x.p}/${method}`,
        );
      else if (ox === undefined) this.add("operation-added", location, `${y.p}/${method}`);
      else {
        this.operation(
          { op: obj(ox), item: x.item, path: x.key, p: `${x.p}/${method}` },
          { op: obj(oy), item: y.item, path: y.key, p: `${y.p}/${method}` },
          location,
          webhook,
        );
      }
    }
  }

  /**
   * Servers of a Path Item or an Operation (OpenAPI 3.1.0 §4.8.9, §4.8.10): they override
   * the servers above them. Compared where either side declares its own; otherwise the
   * document's servers apply to both and are reported once, at the document.
   */
  private pathServers(x: Obj, y: Obj, location: string, pointer: string): void {
    const sx = own(x, "servers");
    const sy = own(y, "servers");
    if (sx === undefined && sy === undefined) return;
    this.servers(
      sx ?? own(this.a, "servers"),
      sy ?? own(this.b, "servers"),
      location,
      `${pointer}/servers`,
      "path-",
    );
  }

  /**
   * Callbacks (OpenAPI 3.1.0 §4.8.18): per name, runtime expressions to Path Items. The API
   * sends these requests to the consumer, so they are read as webhooks are (bodies as responses).
   */
  private callbacks(ox: Obj, oy: Obj, xp: string, yp: string, location: string): void {
    const cx = obj(own(ox, "callbacks"));
    const cy = obj(own(oy, "callbacks"));
    const expressions = (doc: Obj, callbacks: Obj, name: string) =>
      deref(doc, own(callbacks, name));
    for (const name of Object.keys(cx)) {
      const ex = expressions(this.a, cx, name);
      const ey = Object.hasOwn(cy, name) ? expressions(this.b, cy, name) : undefined;
      for (const expression of Object.keys(ex)) {
        const label = `${location} callback ${name} ${expression}`;
        const p = (base: string) =>
          `${base}/callbacks/${escapeToken(name)}/${escapeToken(expression)}`;
        if (!ey || !Object.hasOwn(ey, expression)) {
          this.add("callback-removed", label, p(xp), `${name} ${expression}`);
          continue;
        }
        this.operations(
          { item: deref(this.a, ex[expression]), key: expression, p: p(xp) },
          { item: deref(this.b, ey[expression]), key: expression, p: p(yp) },
          `${location} callback ${name} `,
          true,
        );
      }
    }
    for (const name of Object.keys(cy)) {
      const ex = Object.hasOwn(cx, name) ? expressions(this.a, cx, name) : {};
      for (const expression of Object.keys(expressions(this.b, cy, name))) {
        if (!Object.hasOwn(ex, expression))
          this.add(
            "callback-added",
            `${location} callback ${name} ${expression}`,
            `${yp}/callbacks/${escapeToken(name)}/${escapeToken(expression)}`,
            undefined,
            `${name} ${expression}`,
          );
      }
    }
  }

  private operation(
    x: { op: Obj; item: Obj; path: string; p: string },
    y: { op: Obj; item: Obj; path: string; p: string },
    location: string,
    webhook: boolean,
  ): void {
    const ox = x.op;
    const oy = y.op;
    const idx = own(ox, "operationId");
    const idy = own(oy, "operationId");
    if (typeof idx === "string" && typeof idy === "string" && idx !== idy)
      this.add("operation-id-changed", location, `${y.p}/operationId`, idx, idy);
    const dx = own(ox, "deprecated") === true;
    const dy = own(oy, "deprecated") === true;
    if (dx !== dy)
      this.add(
        dy ? "operation-deprecated" : "operation-undeprecated",
        location,
        `${y.p}/deprecated`,
        dx,
        dy,
      );
    this.docs(ox, oy, location, y.p, [
      ["summary", "operation-summary-changed"],
      ["description", "description-changed"],
      ["tags", "operation-tags-changed"],
    ]);
    this.parameters(x, y, location);
    // Webhook payloads flow from the API to the subscriber: their bodies are read like responses.
    const inbound: Scope = webhook ? "response" : "request";
    const outbound: Scope = webhook ? "request" : "response";
    this.requestBody(ox, oy, x.p, y.p, location, inbound);
    this.responses(ox, oy, x.p, y.p, location, outbound);
    this.security(ox, oy, location, y.p);
    if (!webhook) {
      const ix = own(ox, "servers") === undefined ? x.item : ox;
      const iy = own(oy, "servers") === undefined ? y.item : oy;
      // Only an operation's own servers here; a Path Item's are reported once, at the path.
      if (own(ox, "servers") !== undefined || own(oy, "servers") !== undefined)
        this.pathServers(ix, iy, location, y.p);
    }
    this.callbacks(ox, oy, x.p, y.p, location);
  }

  private parameters(
    x: { op: Obj; item: Obj; path: string; p: string },
    y: { op: Obj; item: Obj; path: string; p: string },
    location: string,
  ): void {
    const collect = (doc: Obj, side: { op: Obj; item: Obj; path: string; p: string }) => {
      const out = new Map<string, { param: Obj; p: string }>();
      const names = pathParamNames(side.path);
      const itemPtr = side.p.slice(0, side.p.lastIndexOf("/"));
      for (const [list, base] of [
        [own(side.item, "parameters"), itemPtr],
        [own(side.op, "parameters"), side.p],
      ] as const) {
        if (!Array.isArray(list)) continue;
        list.forEach((raw, i) => {
          const param = deref(doc, raw);
          const name = own(param, "name");
          const where = own(param, "in");
          if (typeof name !== "string" || typeof where !== "string") return;
          // Path parameters match by position in the template; header names are case-insensitive (RFC 9110 §5.1).
          const k =
            where === "path" && names.includes(name)
              ? `path#${names.indexOf(name)}`
              : `${where}:${where === "header" ? name.toLowerCase() : name}`;
          out.set(k, { param, p: `${base}/parameters/${i}` });
        });
      }
      return out;
    };
    const px = collect(this.a, x);
    const py = collect(this.b, y);
    for (const [k, { param, p }] of px) {
      const label = `${location} ${String(param.in)} parameter ${String(param.name)}`;
      const other = py.get(k);
      if (!other) {
        this.add("request-parameter-removed", label, p, param.name);
        continue;
      }
      const q = other.param;
      const newLabel = `${location} ${String(q.in)} parameter ${String(q.name)}`;
      const rx = own(param, "required") === true;
      const ry = own(q, "required") === true;
      if (rx !== ry)
        this.add(
          ry ? "request-parameter-became-required" : "request-parameter-became-optional",
          newLabel,
          `${other.p}/required`,
          rx,
          ry,
        );
      if (own(param, "deprecated") !== true && own(q, "deprecated") === true)
        this.add("request-parameter-deprecated", newLabel, `${other.p}/deprecated`, false, true);
      if (own(param, "style") !== own(q, "style") || own(param, "explode") !== own(q, "explode")) {
        this.add(
          "request-parameter-style-changed",
          newLabel,
          other.p,
          { style: own(param, "style"), explode: own(param, "explode") },
          { style: own(q, "style"), explode: own(q, "explode") },
        );
      }
      if (!same(own(param, "description"), own(q, "description")))
        this.add(
          "description-changed",
          newLabel,
          `${other.p}/description`,
          own(param, "description"),
          own(q, "description"),
        );
      this.schema(
        own(param, "schema"),
        `${p}/schema`,
        own(q, "schema"),
        `${other.p}/schema`,
        "request",
        newLabel,
      );
      this.content(
        own(param, "content"),
        `${p}/content`,
        own(q, "content"),
        `${other.p}/content`,
        newLabel,
        "request",
        true,
      );
    }
    for (const [k, { param, p }] of py) {
      if (px.has(k)) continue;
      const label = `${location} ${String(param.in)} parameter ${String(param.name)}`;
      const id =
        own(param, "required") !== true
          ? "request-parameter-added"
          : param.in === "header"
            ? "new-required-request-header"
            : "new-required-request-parameter";
      this.add(id, label, p, undefined, param.name);
    }
  }

  /** Media types of a body, a response or a parameter (OpenAPI 3.1.0 §4.8.14). */
  private content(
    x: unknown,
    xp: string,
    y: unknown,
    yp: string,
    location: string,
    scope: Scope,
    quiet = false,
  ): void {
    if (x === undefined && y === undefined) return;
    const cx = obj(x);
    const cy = obj(y);
    const prefix = scope === "request" ? "request" : "response";
    const single = Object.keys(cx).length <= 1 && Object.keys(cy).length <= 1;
    for (const media of Object.keys(cx)) {
      if (!Object.hasOwn(cy, media)) {
        if (!quiet)
          this.add(`${prefix}-media-type-removed`, location, `${xp}/${escapeToken(media)}`, media);
        continue;
      }
      const label = single && media === "application/json" ? location : `${location} (${media})`;
      this.schema(
        own(obj(cx[media]), "schema"),
        `${xp}/${escapeToken(media)}/schema`,
        own(obj(cy[media]), "schema"),
        `${yp}/${escapeToken(media)}/schema`,
        scope,
        label,
      );
    }
    for (const media of Object.keys(cy)) {
      if (!Object.hasOwn(cx, media) && !quiet)
        this.add(
          `${prefix}-media-type-added`,
          location,
          `${yp}/${escapeToken(media)}`,
          undefined,
          media,
        );
    }
  }

  private requestBody(
    ox: Obj,
    oy: Obj,
    xp: string,
    yp: string,
    location: string,
    scope: Scope,
  ): void {
    const rx = own(ox, "requestBody");
    const ry = own(oy, "requestBody");
    if (rx === undefined && ry === undefined) return;
    const label = `${location} request body`;
    const bx = deref(this.a, rx);
    const by = deref(this.b, ry);
    if (ry === undefined) {
      this.add("request-body-removed", label, `${xp}/requestBody`);
      return;
    }
    if (rx === undefined) {
      this.add(
        own(by, "required") === true ? "new-required-request-body" : "request-body-added",
        label,
        `${yp}/requestBody`,
      );
      return;
    }
    const qx = own(bx, "required") === true;
    const qy = own(by, "required") === true;
    if (qx !== qy)
      this.add(
        qy ? "request-body-became-required" : "request-body-became-optional",
        label,
        `${yp}/requestBody/required`,
        qx,
        qy,
      );
    if (!same(own(bx, "description"), own(by, "description")))
      this.add(
        "description-changed",
        label,
        `${yp}/requestBody/description`,
        own(bx, "description"),
        own(by, "description"),
      );
    if (scope === "request")
      this.content(
        own(bx, "content"),
        `${xp}/requestBody/content`,
        own(by, "content"),
        `${yp}/requestBody/content`,
        label,
        scope,
      );
    else
      this.content(
        own(bx, "content"),
        `${xp}/requestBody/content`,
        own(by, "content"),
        `${yp}/requestBody/content`,
        label,
        scope,
        true,
      );
  }

  private responses(
    ox: Obj,
    oy: Obj,
    xp: string,
    yp: string,
    location: string,
    scope: Scope,
  ): void {
    const x = obj(own(ox, "responses"));
    const y = obj(own(oy, "responses"));
    for (const status of Object.keys(x)) {
      const label = `${location} response ${status}`;
      const sp = `${xp}/responses/${escapeToken(status)}`;
      if (!Object.hasOwn(y, status)) {
        this.add(
          isSuccess(status)
            ? "response-success-status-removed"
            : "response-non-success-status-removed",
          label,
          sp,
          status,
        );
        continue;
      }
      const tp = `${yp}/responses/${escapeToken(status)}`;
      const rx = deref(this.a, x[status]);
      const ry = deref(this.b, y[status]);
      if (!same(own(rx, "description"), own(ry, "description")))
        this.add(
          "description-changed",
          label,
          `${tp}/description`,
          own(rx, "description"),
          own(ry, "description"),
        );
      if (scope === "response")
        this.content(
          own(rx, "content"),
          `${sp}/content`,
          own(ry, "content"),
          `${tp}/content`,
          label,
          scope,
        );
      else
        this.content(
          own(rx, "content"),
          `${sp}/content`,
          own(ry, "content"),
          `${tp}/content`,
          label,
          scope,
          true,
        );
      this.headers(
        obj(own(rx, "headers")),
        `${sp}/headers`,
        obj(own(ry, "headers")),
        `${tp}/headers`,
        label,
      );
    }
    for (const status of Object.keys(y)) {
      if (!Object.hasOwn(x, status))
        this.add(
          "response-status-added",
          `${location} response ${status}`,
          `${yp}/responses/${escapeToken(status)}`,
          undefined,
          status,
        );
    }
  }

  private headers(x: Obj, xp: string, y: Obj, yp: string, location: string): void {
    const lower = (o: Obj) => new Map(Object.keys(o).map((k) => [k.toLowerCase(), k] as const));
    const lx = lower(x);
    const ly = lower(y);
    for (const [k, name] of lx) {
      const hx = deref(this.a, x[name]);
      const label = `${location} header ${name}`;
      const other = ly.get(k);
      if (other === undefined) {
        this.add(
          own(hx, "required") === true
            ? "response-required-header-removed"
            : "response-header-removed",
          label,
          `${xp}/${escapeToken(name)}`,
          name,
        );
        continue;
      }
      const hy = deref(this.b, y[other]);
      const rx = own(hx, "required") === true;
      const ry = own(hy, "required") === true;
      const hp = `${yp}/${escapeToken(other)}`;
      if (rx !== ry)
        this.add(
          ry ? "response-header-became-required" : "response-header-became-optional",
          label,
          `${hp}/required`,
          rx,
          ry,
        );
      this.schema(
        own(hx, "schema"),
        `${xp}/${escapeToken(name)}/schema`,
        own(hy, "schema"),
        `${hp}/schema`,
        "response",
        label,
      );
    }
    for (const [k, name] of ly) {
      if (!lx.has(k))
        this.add(
          "response-header-added",
          `${location} header ${name}`,
          `${yp}/${escapeToken(name)}`,
          undefined,
          name,
        );
    }
  }

  private security(ox: Obj, oy: Obj, location: string, yp: string): void {
    const x = alternatives(own(ox, "security") ?? own(this.a, "security")) ?? new Map();
    const y = alternatives(own(oy, "security") ?? own(this.b, "security")) ?? new Map();
    // OpenAPI 3.1.0 §4.8.30: an empty requirement object makes security optional.
    const open = (m: Map<string, unknown>) => m.size === 0 || m.has("");
    const p = `${yp}/security`;
    if (open(x) && !open(y)) {
      this.add("security-requirement-added", location, p, undefined, [...y.keys()]);
      return;
    }
    if (!open(x) && open(y)) {
      this.add("security-requirement-removed", location, p, [...x.keys()], undefined);
      return;
    }
    for (const [k, schemes] of x) {
      if (k === "") continue;
      const other = y.get(k);
      if (!other) {
        this.add("security-alternative-removed", location, p, k);
        continue;
      }
      for (const [scheme, scopes] of other) {
        const before = schemes.get(scheme) ?? [];
        for (const s of scopes)
          if (!before.includes(s))
            this.add("security-scope-added", location, p, undefined, `${scheme}:${s}`);
        for (const s of before)
          if (!scopes.includes(s))
            this.add("security-scope-removed", location, p, `${scheme}:${s}`);
      }
    }
    for (const k of y.keys()) {
      if (k !== "" && !x.has(k)) this.add("security-alternative-added", location, p, undefined, k);
    }
  }
}

/**
 * Compare two versions of a bundled OpenAPI 3.1 document (only internal `#/...`
 * `$ref`s). Schemas are judged by direction, as oasdiff does: a request schema
 * breaks when it accepts less, a response schema when it may return more. A
 * component shared by many operations is compared once per direction and reported
 * at the component (`components.schemas.Entry /name`), naming the first use.
 *
 * @example
 * ```ts
 * const result = diffOpenApi(oldDoc, newDoc, { severity: { "operation-id-changed": "off" } });
 * for (const change of result.changes) console.log(change.level, change.id, change.location);
 * ```
 */
export function diffOpenApi(oldDoc: unknown, newDoc: unknown, options?: DiffOptions): DiffResult {
  if (!isObject(oldDoc) || !isObject(newDoc))
    throw new DiffInputError("diffOpenApi needs two OpenAPI documents (objects)");
  return finish(new OpenApiDiff(oldDoc, newDoc).run(), options);
}
