import type { Source } from "@govex/adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSource } from "../src/index.js";
import { type InsuredServer, type Person, startInsuredServer, WSDL_PATH } from "./soap-server.js";

let service: InsuredServer;
let source: Source;

beforeAll(async () => {
  service = await startInsuredServer({ count: 4 });
  const [a, b] = service.people as [Person, Person];
  service.changes = [
    { xh: 101, bgsj: "20240301100000", bglx: "I", sfzh: a.sfzh, Person: a },
    {
      xh: 102,
      bgsj: "20240301100500",
      bglx: "U",
      sfzh: b.sfzh,
      Person: { ...b, cbzt: "暂停缴费" },
    },
    { xh: 205, bgsj: "20240302083000", bglx: "D", sfzh: a.sfzh },
  ];
  source = await createSource(
    {
      kind: "soap",
      wsdl: WSDL_PATH,
      endpoint: service.url,
      success: "ResultCode = '0'",
      list: {
        operation: "QueryInsured",
        input: { pageNo: "{page}", pageSize: "{limit}" },
        items: "Result.Item",
      },
      changes: {
        operation: "QueryChanges",
        input: { sinceXh: "{position}", maxCount: "{limit}" },
        items: "Change",
        position: "xh",
        time: "bgsj",
        op: "bglx = 'D' ? 'delete' : 'upsert'",
        key: "sfzh",
        row: "Person",
      },
    },
    { baseDir: ".", env: {} },
  );
});
afterAll(async () => {
  await source.close();
  await service.close();
});

describe("changes", () => {
  it("reads the service's change log forward by its sequence number", async () => {
    const [a, b] = service.people as [Person, Person];
    const read = (position?: string) =>
      source.changes?.({
        keyField: "sfzh",
        fields: [],
        limit: 2,
        ...(position === undefined ? {} : { position }),
      });
    const first = await read();
    expect(first).toEqual({
      changes: [
        { key: a.sfzh, op: "upsert", time: "2024-03-01T10:00:00+08:00", row: a },
        {
          key: b.sfzh,
          op: "upsert",
          time: "2024-03-01T10:05:00+08:00",
          row: { ...b, cbzt: "暂停缴费" },
        },
      ],
      position: "102",
    });
    expect(await read("102")).toEqual({
      changes: [{ key: a.sfzh, op: "delete", time: "2024-03-02T08:30:00+08:00" }],
      position: "205",
    });
    expect(await read("205")).toEqual({ changes: [], position: "205" });
  });
});
