import type { Source } from "@govex/adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSource } from "../src/index.js";
import { type ApiServer, startApiServer } from "./api-server.js";

let api: ApiServer;
let source: Source;

const changes = {
  path: "/api/changes",
  query: { since: "{position}", size: "{limit}" },
  items: "data",
  position: "seq",
  time: "time",
  op: "op = 'D' ? 'delete' : 'upsert'",
  key: "record.zsbh",
  row: "record",
};

beforeAll(async () => {
  api = await startApiServer({ count: 5 });
  api.changes = [
    {
      seq: 1,
      time: "2024-03-01 10:00:00",
      op: "U",
      record: { zsbh: "J1", nfxm: "张伟", nvxm: "李娜" },
    },
    { seq: 2, time: "20240301100500", op: "U", record: { zsbh: "J2", nfxm: "王强", nvxm: "赵敏" } },
    { seq: 7, time: "2024-03-01T02:10:00Z", op: "D", record: { zsbh: "J1" } },
    {
      seq: 9,
      time: "2024-03-01T10:20:00.250+08:00",
      op: "U",
      record: { zsbh: "J3", nfxm: "刘磊", nvxm: "陈静" },
    },
  ];
  source = await createSource(
    {
      kind: "rest",
      baseUrl: api.url,
      list: { path: "/api/marriages", items: "data.records" },
      changes,
    },
    { baseDir: ".", env: {} },
  );
});
afterAll(async () => {
  await source.close();
  await api.close();
});

describe("changes", () => {
  it("reads changes forward from the API's own positions", async () => {
    const read = (position?: string) =>
      source.changes?.({
        keyField: "zsbh",
        fields: [],
        limit: 2,
        ...(position === undefined ? {} : { position }),
      });
    const first = await read();
    expect(first).toEqual({
      changes: [
        {
          key: "J1",
          op: "upsert",
          time: "2024-03-01T10:00:00+08:00",
          row: { zsbh: "J1", nfxm: "张伟", nvxm: "李娜" },
        },
        {
          key: "J2",
          op: "upsert",
          time: "2024-03-01T10:05:00+08:00",
          row: { zsbh: "J2", nfxm: "王强", nvxm: "赵敏" },
        },
      ],
      position: "2",
    });
    expect(api.log.at(-1)).toBe("GET /api/changes?size=2");
    const second = await read(first?.position);
    expect(second).toEqual({
      changes: [
        { key: "J1", op: "delete", time: "2024-03-01T02:10:00Z" },
        {
          key: "J3",
          op: "upsert",
          time: "2024-03-01T10:20:00.250+08:00",
          row: { zsbh: "J3", nfxm: "刘磊", nvxm: "陈静" },
        },
      ],
      position: "9",
    });
    // Nothing new: the position stays where it was.
    expect(await read("9")).toEqual({ changes: [], position: "9" });
  });

  it("refuses positions that move backward", async () => {
    const backward = await createSource(
      {
        kind: "rest",
        baseUrl: api.url,
        list: { path: "/api/marriages", items: "data.records" },
        changes: { ...changes, path: "/api/changes-backward" },
      },
      { baseDir: ".", env: {} },
    );
    await expect(
      backward.changes?.({ keyField: "zsbh", fields: [], limit: 10 }),
    ).rejects.toMatchObject({
      code: "unavailable",
      message: expect.stringContaining("does not move forward"),
    });
    await backward.close();
  });
});
