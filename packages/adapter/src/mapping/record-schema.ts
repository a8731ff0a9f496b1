/**
 * The record schema a mapped resource's records are checked against, derived from its catalog
 * entry when the mapping names none: each served 信息项 typed by its data type code
 * (政务信息资源目录编制指南(试行) 信息项数据类型), bounded by its length, and bound to its standard
 * data element when the entry names one. Masking is carried as the `x-govex-mask` annotation.
 */
export interface CatalogItem {
  name: string;
  code?: string;
  dataType: string;
  length?: number;
  scale?: number;
  dataElement?: string;
  description?: string;
}

export interface MaskSpec {
  kind: string;
  grade?: number;
}

function itemSchema(item: CatalogItem): Record<string, unknown> {
  const schema: Record<string, unknown> = { title: item.name };
  switch (item.dataType) {
    case "C":
    case "M":
      schema.type = "string";
      if (item.length !== undefined) schema.maxLength = item.length;
      break;
    case "D":
      schema.type = "string";
      schema.format = "date";
      break;
    case "T":
      schema.type = "string";
      schema.format = "date-time";
      break;
    case "L":
      schema.type = "boolean";
      break;
    case "I":
      schema.type = "integer";
      break;
    case "G":
      schema.type = "string";
      schema.contentEncoding = "base64";
      break;
    default: // N, Y, B, F: numbers
      schema.type = "number";
  }
  // A data element narrows the item (format, pattern, code table); the item's own type stays.
  if (item.dataElement !== undefined) schema.$ref = item.dataElement;
  return schema;
}

/** Derive the record schema of the served items (JSON Schema 2020-12). */
export function deriveRecordSchema(
  items: readonly CatalogItem[],
  served: ReadonlyMap<string, MaskSpec | undefined>,
  key: string,
): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const item of items) {
    if (item.code === undefined || !served.has(item.code)) continue;
    properties[item.code] = itemSchema(item);
  }
  return withMasks(
    {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      additionalProperties: false,
      required: [key],
      properties,
    },
    served,
  );
}

/** Put each field's masking on its property as `x-govex-mask`, for the exchange and the kit. */
export function withMasks(
  schema: Record<string, unknown>,
  served: ReadonlyMap<string, MaskSpec | undefined>,
): Record<string, unknown> {
  const properties = { ...((schema.properties as Record<string, unknown> | undefined) ?? {}) };
  for (const [code, mask] of served) {
    if (mask === undefined) continue;
    const property = properties[code];
    const base = property && typeof property === "object" ? property : {};
    properties[code] = { ...base, "x-govex-mask": { kind: mask.kind, grade: mask.grade ?? 2 } };
  }
  return { ...schema, properties };
}
