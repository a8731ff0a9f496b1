import { MASK_GRADES, MASK_KINDS } from "@govex/security";
import { CHECK_IDS } from "../checks.js";
import { ConformanceError, msg } from "../errors.js";
import { PROVIDER_SPEC } from "../generated/provider-spec.js";
import { recordValidator } from "../spec-schemas.js";
import {
  type Context,
  expectSpecAnswer,
  isObject,
  OPERATIONS,
  type Operation,
  outcome,
  type Resource,
  show,
} from "./context.js";

/** `check` (GET /health): 200 with `{ status: ok | degraded }`. */
export async function probeHealth(context: Context): Promise<void> {
  const exchange = await context.wire.send({
    operation: "check",
    method: "GET",
    path: "health",
    retry: true,
  });
  await expectSpecAnswer(context, "health-schema", exchange, "checkResponse200");
}

export interface Described {
  system?: string;
  resources: Resource[];
}

/**
 * `describe`: the answer against the spec (describe-schema), each resource's key, items and
 * record schema against each other (describe-consistent) and its masking annotations
 * (masking-declared). Returns the resources the other checks can address.
 */
export async function probeDescribe(context: Context): Promise<Described> {
  const { findings } = context;
  const exchange = await context.wire.send({
    operation: "describe",
    method: "GET",
    path: "describe",
    retry: true,
  });
  if (exchange.error?.code === "network") {
    throw new ConformanceError(
      "provider_unreachable",
      msg(
        `无法连接提供方 ${context.wire.base.href}: ${exchange.error.detail}。请检查地址与端口,并确认提供方已启动。`,
        `cannot reach the provider at ${context.wire.base.href}: ${exchange.error.detail}. Check the URL and port, and that the provider is running.`,
      ),
    );
  }
  const body = await expectSpecAnswer(context, "describe-schema", exchange, "Description");
  if (!isObject(body) || !Array.isArray(body.resources)) {
    const reason = msg(
      `描述接口没有可用的资源列表(${outcome(exchange)["zh-CN"]}),无法检测资源。`,
      `describe gave no usable resource list (${outcome(exchange).en}), so no resource could be checked.`,
    );
    // Every check that needs a resource fails for want of one (unless it has evidence elsewhere).
    for (const id of CHECK_IDS) findings.missing(id, reason);
    return { resources: [] };
  }
  if (body.resources.length === 0) {
    findings.fail(
      "describe-consistent",
      msg(
        "描述接口没有列出任何资源。提供方应至少提供一个资源。",
        "describe lists no resource: a provider offers at least one.",
      ),
      exchange.line,
    );
  }
  const resources: Resource[] = [];
  const codes = new Set<string>();
  for (const [index, raw] of body.resources.slice(0, 100).entries()) {
    const resource = await readResource(context, raw, index, codes);
    if (resource) resources.push(resource);
  }
  return {
    ...(typeof body.system === "string" ? { system: body.system } : {}),
    resources,
  };
}

const queryParameters = PROVIDER_SPEC.operations.query?.parameters ?? [];
const patternOf = (name: string) =>
  new RegExp(
    String(queryParameters.find((parameter) => parameter.name === name)?.schema.pattern ?? ".+"),
  );
const PREFIX = patternOf("prefix");
const SUFFIX = patternOf("suffix");

async function readResource(
  context: Context,
  raw: unknown,
  index: number,
  codes: Set<string>,
): Promise<Resource | undefined> {
  const { findings } = context;
  const fail = (zh: string, en: string) =>
    findings.fail(
      "describe-consistent",
      msg(`资源 #${index + 1}: ${zh}`, `resource #${index + 1}: ${en}`),
    );
  if (!isObject(raw)) {
    fail("不是对象。", "is not an object.");
    return undefined;
  }
  const entry = isObject(raw.entry) ? raw.entry : {};
  const code = entry.resourceCode;
  const [prefix, suffix, extra] = typeof code === "string" ? code.split("/") : [];
  if (!prefix || !suffix || extra !== undefined || !PREFIX.test(prefix) || !SUFFIX.test(suffix)) {
    fail(
      `信息资源代码 ${show(code)} 不是 前段码/后段码,无法寻址该资源。`,
      `resourceCode ${show(code)} is not prefix/suffix, so the resource cannot be addressed.`,
    );
    return undefined;
  }
  if (codes.has(code as string)) {
    fail(`信息资源代码 ${code} 重复。`, `resourceCode ${code} appears twice.`);
    return undefined;
  }
  codes.add(code as string);
  const items = Array.isArray(entry.items)
    ? entry.items.flatMap((item) =>
        isObject(item) && typeof item.code === "string" ? [item.code] : [],
      )
    : [];
  const keyField = raw.keyField;
  if (typeof keyField !== "string" || keyField === "") {
    fail("缺少主键信息项 keyField。", "keyField is missing.");
    return undefined;
  }
  const schema = raw.recordSchema;
  const properties =
    isObject(schema) && isObject(schema.properties) ? Object.keys(schema.properties) : [];
  const operations = new Set<Operation>(
    Array.isArray(raw.operations)
      ? raw.operations.filter((op): op is Operation => OPERATIONS.includes(op as Operation))
      : OPERATIONS,
  );
  const resource: Resource = {
    code: code as string,
    path: `resources/${encodeURIComponent(prefix)}/${encodeURIComponent(suffix)}`,
    keyField,
    recordSchema: schema,
    items,
    properties,
    operations,
  };

  const compiled = await recordValidator(schema);
  if ("error" in compiled)
    fail(
      `记录模式无效: ${compiled.error["zh-CN"]}`,
      `the record schema is not valid: ${compiled.error.en}`,
    );
  else resource.validator = compiled.validator;
  if (!items.includes(keyField))
    fail(
      `主键 ${keyField} 不是目录条目的信息项(${items.join("、") || "无"})。`,
      `keyField ${keyField} is not an item code of the catalog entry (${items.join(", ") || "none"}).`,
    );
  if (properties.length > 0 && !properties.includes(keyField))
    fail(
      `主键 ${keyField} 不在记录模式的 properties 中。`,
      `keyField ${keyField} is not a property of the record schema.`,
    );
  const unknown = properties.filter((name) => !items.includes(name));
  if (unknown.length > 0)
    fail(
      `记录模式的属性 ${unknown.join("、")} 不是目录条目的信息项。记录的属性应为信息项代码。`,
      `record schema properties ${unknown.join(", ")} are not item codes of the catalog entry: a record is keyed by item codes.`,
    );
  if (Array.isArray(raw.operations) && new Set(raw.operations).size !== raw.operations.length)
    fail("operations 有重复项。", "operations lists an operation twice.");
  findings.pass("describe-consistent");
  checkMasking(context, resource);
  return resource;
}

const MASK_KEYS = new Set(["kind", "grade", "keepStart", "keepEnd", "maskChar", "strategy"]);

/**
 * masking-declared: every `x-govex-mask` sits on a property of the record schema that is an
 * item of the catalog entry, with a kind and grade @govex/security knows.
 */
function checkMasking(context: Context, resource: Resource): void {
  const { findings } = context;
  const fail = (pointer: string, zh: string, en: string) =>
    findings.fail(
      "masking-declared",
      msg(`资源 ${resource.code} ${pointer}: ${zh}`, `resource ${resource.code} ${pointer}: ${en}`),
    );
  for (const { pointer, value } of findAnnotations(resource.recordSchema, "x-govex-mask")) {
    const property = /^\/properties\/([^/]+)\/x-govex-mask$/.exec(pointer)?.[1];
    const name = property?.replaceAll("~1", "/").replaceAll("~0", "~");
    if (name === undefined) {
      fail(
        pointer,
        "脱敏标注只能写在记录模式顶层的属性上。",
        "a masking annotation belongs on a top-level property of the record schema.",
      );
      continue;
    }
    if (!resource.items.includes(name))
      fail(
        pointer,
        `属性 ${name} 不是目录条目的信息项。`,
        `property ${name} is not an item of the catalog entry.`,
      );
    if (!isObject(value)) {
      fail(pointer, "标注应为对象 { kind, grade }。", "the annotation should be { kind, grade }.");
      continue;
    }
    if (!(MASK_KINDS as readonly unknown[]).includes(value.kind))
      fail(
        pointer,
        `kind ${show(value.kind)} 无效,可选 ${MASK_KINDS.join("、")}。`,
        `kind ${show(value.kind)} is not one of ${MASK_KINDS.join(", ")}.`,
      );
    if (value.grade !== undefined && !(MASK_GRADES as readonly unknown[]).includes(value.grade))
      fail(
        pointer,
        `grade ${show(value.grade)} 无效,应为 1 到 4。`,
        `grade ${show(value.grade)} is not one of 1, 2, 3, 4.`,
      );
    for (const key of ["keepStart", "keepEnd"] as const)
      if (value[key] !== undefined && !(Number.isInteger(value[key]) && Number(value[key]) >= 0))
        fail(pointer, `${key} 应为非负整数。`, `${key} should be a whole number ≥ 0.`);
    if (
      value.maskChar !== undefined &&
      !(typeof value.maskChar === "string" && [...value.maskChar].length === 1)
    )
      fail(pointer, "maskChar 应为一个字符。", "maskChar should be one character.");
    if (
      value.strategy !== undefined &&
      !["mask", "redact", "hash"].includes(value.strategy as string)
    )
      fail(
        pointer,
        "strategy 应为 mask、redact 或 hash。",
        "strategy should be mask, redact or hash.",
      );
    const unknown = Object.keys(value).filter((key) => !MASK_KEYS.has(key));
    if (unknown.length > 0)
      fail(
        pointer,
        `未知的标注字段 ${unknown.join("、")}。`,
        `unknown annotation fields ${unknown.join(", ")}.`,
      );
  }
  findings.pass("masking-declared");
}

/** Every occurrence of an annotation keyword in a schema, with its JSON Pointer (bounded walk). */
export function findAnnotations(
  schema: unknown,
  keyword: string,
): { pointer: string; value: unknown }[] {
  const found: { pointer: string; value: unknown }[] = [];
  let visited = 0;
  const walk = (node: unknown, pointer: string, depth: number): void => {
    if (depth > 64 || ++visited > 20_000 || node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) walk(item, `${pointer}/${i}`, depth + 1);
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      const token = key.replaceAll("~", "~0").replaceAll("/", "~1");
      if (key === keyword) found.push({ pointer: `${pointer}/${token}`, value });
      else walk(value, `${pointer}/${token}`, depth + 1);
    }
  };
  walk(schema, "", 0);
  return found;
}
