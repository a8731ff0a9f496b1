import { type GovexFormat, govexFormats } from "@govex/schemas/core";
import { fullFormats } from "ajv-formats/dist/formats.js";

type AjvFormat = RegExp | ((value: string) => boolean) | { validate: unknown };

/**
 * The formats every govex validator knows: ajv-formats' standard formats, overridden by the
 * govex formats of @govex/schemas (one implementation shared by ajv and zod). Precompiled
 * validators reference this table by import, so no format is rebuilt at start-up.
 */
export const formatTable: Readonly<Record<string, AjvFormat>> = Object.freeze({
  ...(fullFormats as Record<string, AjvFormat>),
  ...(govexFormats as Readonly<Record<string, GovexFormat>>),
});

/** The govex format of a name, if it is one (own properties only). */
export function govexFormat(name: string): GovexFormat | undefined {
  return Object.hasOwn(govexFormats, name)
    ? (govexFormats as Readonly<Record<string, GovexFormat>>)[name]
    : undefined;
}
