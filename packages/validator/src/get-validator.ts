import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Ajv2020 as Ajv2020Type } from "ajv/dist/2020.js";
import { AJV_OPTIONS, ajvClass, setupAjv } from "./ajv-setup.js";
import {
  builtinRegistry,
  builtinSpecList,
  builtinValidator,
  findBuiltin,
  unknownSchema,
} from "./builtin.js";
import type { CompiledValidate } from "./compiled.js";
import { GovexValidatorError } from "./errors.js";
import { SchemaNode, SchemaRegistry } from "./schema-walk.js";
import type { Validator } from "./types.js";
import { GovexValidator } from "./validator.js";

const byObject = new WeakMap<object, Promise<Validator>>();
const byHash = new Map<string, Promise<Validator>>();
const byPath = new Map<string, { stamp: string; validator: Promise<Validator> }>();
const HASH_CACHE_LIMIT = 128;
let anonymous = 0;

/**
 * A validator for a built-in spec (precompiled, nothing is compiled), a user JSON Schema file
 * or a schema object (compiled at run time with ajv, cached). User schemas may `$ref` the govex
 * specs (`https://govex.dev/specs/data/v1/person.schema.json#/properties/residentId`) and use
 * the govex formats (`cn-resident-id`, `cn-uscc`, …).
 *
 * Cache: files by resolved path + mtime + size, objects by identity, then by content hash.
 * ajv is imported only when a user schema is first compiled.
 *
 * @throws GovexValidatorError `unknown_schema`, `schema_unreadable`, `schema_invalid`
 * @example
 * const person = await getValidator("person");
 * person.validate({ name: "张三" }, { lang: "zh-CN" }); // [{ code: "required", path: "/residentId", … }]
 * const mine = await getValidator("./schemas/applicant.schema.json", { baseDir: process.cwd() });
 */
export async function getValidator(
  schema: string | object,
  opts: { baseDir?: string } = {},
): Promise<Validator> {
  if (typeof schema === "string") {
    if (findBuiltin(schema)) return builtinValidator(schema);
    if (!looksLikePath(schema)) throw unknownSchema(schema);
    return fromFile(isAbsolute(schema) ? schema : resolve(opts.baseDir ?? process.cwd(), schema));
  }
  if (schema === null || typeof schema !== "object") {
    throw invalid("(object)", "a schema must be an object or boolean");
  }
  const known = byObject.get(schema);
  if (known) return known;
  let text: string;
  try {
    text = JSON.stringify(schema);
  } catch (err) {
    throw invalid("(object)", (err as Error).message, err);
  }
  const hash = createHash("sha256").update(text).digest("hex");
  let p = byHash.get(hash);
  if (!p) {
    p = compileUser(
      structuredClone(schema) as Record<string, unknown>,
      `urn:govex:user-schema:${++anonymous}`,
      "(object)",
    );
    p.catch(() => byHash.delete(hash));
    if (byHash.size >= HASH_CACHE_LIMIT) byHash.delete(byHash.keys().next().value as string);
    byHash.set(hash, p);
  }
  byObject.set(schema, p);
  return p;
}

function looksLikePath(s: string): boolean {
  return /[\\/]/.test(s) || /\.json$/i.test(s) || s.startsWith(".");
}

async function fromFile(path: string): Promise<Validator> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(path);
  } catch (err) {
    throw unreadable(
      path,
      (err as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (err as Error).message,
      err,
    );
  }
  if (st.isDirectory()) throw unreadable(path, "is a directory");
  const stamp = `${st.mtimeMs}:${st.size}`;
  const hit = byPath.get(path);
  if (hit && hit.stamp === stamp) return hit.validator;
  const p = (async () => {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      throw unreadable(path, (err as Error).message, err);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch (err) {
      throw invalid(path, `not JSON: ${(err as Error).message}`, err);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw invalid(path, "a schema must be a JSON object");
    }
    return compileUser(parsed as Record<string, unknown>, pathToFileURL(path).href, path);
  })();
  p.catch(() => {
    if (byPath.get(path)?.validator === p) byPath.delete(path);
  });
  byPath.set(path, { stamp, validator: p });
  return p;
}

async function newAjv(): Promise<Ajv2020Type> {
  const Ajv2020 = ajvClass(await import("ajv/dist/2020.js"));
  // User schemas keep strictSchema (unknown keywords are errors) but not ajv's stricter type
  // rules, which reject many ordinary schemas.
  const ajv = setupAjv(
    new Ajv2020({
      ...AJV_OPTIONS,
      strictTypes: false,
      strictTuples: false,
      strictRequired: false,
      logger: false,
    }),
  );
  for (const s of builtinSpecList()) ajv.addSchema(s.schema as Record<string, unknown>, s.id);
  return ajv;
}

async function compileUser(
  schema: Record<string, unknown>,
  fallbackId: string,
  where: string,
): Promise<Validator> {
  const id = typeof schema.$id === "string" ? schema.$id : fallbackId;
  if (findBuiltin(id)) {
    throw invalid(
      where,
      `$id ${id} is the id of a built-in govex spec: give the user schema its own $id`,
    );
  }
  const ajv = await newAjv();
  let fn: CompiledValidate;
  try {
    fn = ajv.compile(
      typeof schema.$id === "string" ? schema : { ...schema, $id: id },
    ) as CompiledValidate;
  } catch (err) {
    throw invalid(where, (err as Error).message, err);
  }
  const registry = new SchemaRegistry(builtinRegistry());
  registry.add(id, schema);
  return new GovexValidator(id, fn, new SchemaNode(registry, [{ schema, base: id }]));
}

function unreadable(path: string, reason: string, cause?: unknown): GovexValidatorError {
  return new GovexValidatorError(
    "schema_unreadable",
    {
      "zh-CN": `无法读取模式文件 ${path}：${reason}。请检查路径与读取权限。`,
      en: `cannot read the schema file ${path}: ${reason}. Check the path and permissions.`,
    },
    { path, cause, details: { reason } },
  );
}

function invalid(path: string, reason: string, cause?: unknown): GovexValidatorError {
  return new GovexValidatorError(
    "schema_invalid",
    {
      "zh-CN": `模式 ${path} 无效：${reason}。请按 JSON Schema 2020-12 修正该模式。`,
      en: `the schema ${path} is invalid: ${reason}. Fix it against JSON Schema 2020-12.`,
    },
    { path, cause, details: { reason } },
  );
}
