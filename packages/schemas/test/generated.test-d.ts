import { describe, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import {
  type Address,
  type AddressSchema,
  type CatalogEntry,
  type CatalogEntrySchema,
  type CountryCode,
  type DataSchemaName,
  type dataSchemas,
  type LegalEntity,
  type LegalEntitySchema,
  type Person,
  type PersonSchema,
  type ProfileExampleProfile,
  type ProfileExampleProfileSchema,
  type SexCode,
  SexCodes,
  SexLabels,
  type SpecName,
  type SystemInventory,
  type SystemInventorySchema,
} from "../src/generated/index.js";
import type * as fixtures from "./generator-fixtures/__snapshots__/index.js";

describe("generated types", () => {
  it("z.infer of the zod schemas equals the generated interfaces", () => {
    expectTypeOf<z.infer<typeof PersonSchema>>().toEqualTypeOf<Person>();
    expectTypeOf<z.infer<typeof LegalEntitySchema>>().toEqualTypeOf<LegalEntity>();
    expectTypeOf<z.infer<typeof CatalogEntrySchema>>().toEqualTypeOf<CatalogEntry>();
    expectTypeOf<z.infer<typeof AddressSchema>>().toEqualTypeOf<Address>();
    expectTypeOf<z.infer<typeof SystemInventorySchema>>().toEqualTypeOf<SystemInventory>();
    expectTypeOf<
      z.infer<typeof ProfileExampleProfileSchema>
    >().toEqualTypeOf<ProfileExampleProfile>();
  });

  it("a profile is the core entry and its extension", () => {
    expectTypeOf<ProfileExampleProfile>().toExtend<CatalogEntry>();
    expectTypeOf<
      ProfileExampleProfile["extensions"]["EXAMPLE"]["localCatalogCode"]
    >().toEqualTypeOf<string>();
  });

  it("dataSchemas has a zod schema per record spec", () => {
    expectTypeOf<(typeof dataSchemas)["person"]>().toEqualTypeOf<typeof PersonSchema>();
    expectTypeOf<DataSchemaName>().toExtend<SpecName>();
    expectTypeOf<"elements">().not.toExtend<DataSchemaName>();
    expectTypeOf<Person["nationality"]>().toEqualTypeOf<CountryCode | undefined>();
  });

  it("code tables label every code", () => {
    expectTypeOf(SexLabels).toEqualTypeOf<
      Readonly<Record<SexCode, { readonly "zh-CN": string; readonly en: string }>>
    >();
  });

  it("fixture types: recursion, cycles across files, enums and type lists", () => {
    expectTypeOf<z.infer<typeof fixtures.SampleSchema>>().toEqualTypeOf<fixtures.Sample>();
    expectTypeOf<z.infer<typeof fixtures.TreeSchema>>().toEqualTypeOf<fixtures.Tree>();
    expectTypeOf<fixtures.Tree["children"]>().toEqualTypeOf<fixtures.Tree[] | undefined>();
    expectTypeOf<z.infer<typeof fixtures.CycleASchema>>().toEqualTypeOf<fixtures.CycleA>();
    expectTypeOf<NonNullable<fixtures.CycleA["b"]>["a"]>().toEqualTypeOf<
      fixtures.CycleA | undefined
    >();
    expectTypeOf<fixtures.Sample["kind"]>().toEqualTypeOf<"甲" | "乙" | 3 | null>();
    expectTypeOf<fixtures.Sample["ratio"]>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<fixtures.Sample["color"]>().toEqualTypeOf<fixtures.ColorCode>();
    expectTypeOf<
      z.infer<typeof fixtures.ProfileLocalSchema>
    >().toEqualTypeOf<fixtures.ProfileLocal>();
    // @ts-expect-error "04" is not a color code
    const badColor: fixtures.Sample = { code: "AB", color: "04", kind: null };
    // @ts-expect-error kind is required
    const noKind: fixtures.Sample = { code: "AB", color: "01" };
    expectTypeOf([badColor, noKind]).toBeArray();
  });

  it("code tables are literal unions", () => {
    expectTypeOf<SexCode>().toEqualTypeOf<"0" | "1" | "2" | "9">();
    expectTypeOf(SexCodes).toEqualTypeOf<readonly ["0", "1", "2", "9"]>();
    expectTypeOf<"person">().toExtend<SpecName>();
    expectTypeOf<"profiles/example-profile">().toExtend<SpecName>();
  });

  it("rejects a wrong enum literal and a missing required field", () => {
    const ok: Person = { name: "张三", sex: "1" };
    expectTypeOf(ok).toEqualTypeOf<Person>();
    // @ts-expect-error "3" is not a GB/T 2261.1 sex code
    const badSex: Person = { name: "张三", sex: "3" };
    // @ts-expect-error name is required
    const noName: Person = { sex: "1" };
    // @ts-expect-error unknown key on a closed object
    const extra: Person = { name: "张三", nickname: "x" };

    const entity: LegalEntity = { uscc: "91350100M000100Y43", name: "示例公司", status: "存续" };
    // @ts-expect-error "营业" is not a registration status
    const badStatus: LegalEntity = { uscc: "91350100M000100Y43", name: "示例公司", status: "营业" };
    // @ts-expect-error uscc is required
    const noUscc: LegalEntity = { name: "示例公司" };

    // @ts-expect-error most catalog-entry fields are required
    const noFields: CatalogEntry = { name: "目录" };
    type Sharing = CatalogEntry["sharing"]["type"];
    expectTypeOf<Sharing>().toEqualTypeOf<"无条件共享" | "有条件共享" | "不予共享">();
    // @ts-expect-error "部分共享" is not a sharing type
    const badSharing: Sharing = "部分共享";
    expectTypeOf([
      badSex,
      noName,
      extra,
      entity,
      badStatus,
      noUscc,
      noFields,
      badSharing,
    ]).toBeArray();
  });
});
