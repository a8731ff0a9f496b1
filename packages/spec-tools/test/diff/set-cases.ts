/** Table of schema-set changes at file level and across files. */
import type { Level } from "../../src/diff/index.js";

export interface SetCase {
  name: string;
  old: Record<string, unknown>;
  new: Record<string, unknown>;
  expected: [id: string, level: Level, location?: string][];
}

const ID = "https://govex.dev/specs/data/v1/";
const elements = (uscc: object) => ({
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: `${ID}elements.schema.json`,
  $defs: {
    uscc: {
      type: "string",
      pattern: "^[0-9A-HJ-NPQRTUWXY]{2}\\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
      ...uscc,
    },
    orgCode: { type: "string" },
  },
});
const entity = (ref = "elements.schema.json#/$defs/uscc") => ({
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: `${ID}legal-entity.schema.json`,
  type: "object",
  properties: { uscc: { $ref: ref } },
});

export const SET_CASES: readonly SetCase[] = [
  {
    name: "schema added",
    old: { "elements.schema.json": elements({}) },
    new: { "elements.schema.json": elements({}), "legal-entity.schema.json": entity() },
    expected: [["schema-added", "INFO", "legal-entity.schema.json"]],
  },
  {
    name: "schema removed",
    old: { "elements.schema.json": elements({}), "legal-entity.schema.json": entity() },
    new: { "elements.schema.json": elements({}) },
    expected: [["schema-removed", "ERR", "legal-entity.schema.json"]],
  },
  {
    name: "$id changed",
    old: { "elements.schema.json": elements({}) },
    new: {
      "elements.schema.json": {
        ...elements({}),
        $id: `${ID.replace("v1", "v2")}elements.schema.json`,
      },
    },
    expected: [["schema-id-changed", "ERR", "elements.schema.json"]],
  },
  {
    name: "$schema dialect changed",
    old: { "elements.schema.json": elements({}) },
    new: {
      "elements.schema.json": {
        ...elements({}),
        $schema: "http://json-schema.org/draft-07/schema#",
      },
    },
    expected: [["schema-dialect-changed", "WARN", "elements.schema.json"]],
  },
  {
    name: "a shared definition is reported once, where it is defined",
    old: { "elements.schema.json": elements({}), "legal-entity.schema.json": entity() },
    new: {
      "elements.schema.json": elements({ maxLength: 18 }),
      "legal-entity.schema.json": entity(),
    },
    expected: [["schema-max-length-decreased", "ERR", "elements.schema.json /$defs/uscc"]],
  },
  {
    name: "a $ref retargeted to another file's definition shows the differences at the referring place",
    old: { "elements.schema.json": elements({}), "legal-entity.schema.json": entity() },
    new: {
      "elements.schema.json": elements({}),
      "legal-entity.schema.json": entity("elements.schema.json#/$defs/orgCode"),
    },
    expected: [
      ["schema-ref-target-changed", "WARN", "legal-entity.schema.json /properties/uscc"],
      ["schema-pattern-removed", "WARN", "legal-entity.schema.json /properties/uscc"],
    ],
  },
  {
    name: "an absolute $id reference and a relative one to the same place are the same",
    old: { "elements.schema.json": elements({}), "legal-entity.schema.json": entity() },
    new: {
      "elements.schema.json": elements({}),
      "legal-entity.schema.json": entity(`${ID}elements.schema.json#/$defs/uscc`),
    },
    expected: [],
  },
  {
    name: "a reference from a subfolder resolves relative to its file",
    old: {
      "elements.schema.json": elements({}),
      "profiles/p.schema.json": entity("../elements.schema.json#/$defs/uscc"),
    },
    new: {
      "elements.schema.json": elements({}),
      "profiles/p.schema.json": entity("../elements.schema.json#/$defs/orgCode"),
    },
    expected: [
      ["schema-ref-target-changed", "WARN", "profiles/p.schema.json /properties/uscc"],
      ["schema-pattern-removed", "WARN", "profiles/p.schema.json /properties/uscc"],
    ],
  },
  {
    name: "an x-version bump alone is not a change (release judges versions)",
    old: { "elements.schema.json": { ...elements({}), "x-version": "1.0.0" } },
    new: { "elements.schema.json": { ...elements({}), "x-version": "1.1.0" } },
    expected: [],
  },
  {
    name: "a definition removed from a file other files may use",
    old: { "elements.schema.json": elements({}) },
    new: { "elements.schema.json": { ...elements({}), $defs: { uscc: elements({}).$defs.uscc } } },
    expected: [["def-removed", "ERR", "elements.schema.json /$defs/orgCode"]],
  },
];
