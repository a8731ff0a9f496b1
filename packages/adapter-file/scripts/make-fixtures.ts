/**
 * Writes test/fixtures/market-registry-gbk.csv: a synthetic 市场监管 企业登记 export in GBK with
 * CRLF line ends, as department systems on Windows write them. Run with
 * `npx tsx packages/adapter-file/scripts/make-fixtures.ts` after changing the rows below; the
 * expected rows are a file snapshot (test/fixtures/market-registry-gbk.rows.json) refreshed with
 * `npx vitest run packages/adapter-file -u`.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { encodeGbk } from "../test/helpers/gbk.js";

// Synthetic data only. The 统一社会信用代码 have valid GB 32100-2015 check characters.
const rows = [
  "统一社会信用代码,企业名称,法定代表人,成立日期,注册资本（万元）,登记状态,住所",
  "91350100MA2X00020X,福州榕城示例科技有限公司,林一,2019-03-15,500,存续,福建省福州市鼓楼区五四路1号",
  '91350100MA2X00010W,"福州闽江示例贸易有限公司",陈二,2018-11-02,100,存续,"福州市台江区,""示例""大厦 8 层"',
  '92350102MA2X00030Q,鼓楼区示例小吃店,黄三,2020-06-30,,存续,"福州市鼓楼区示例街 3 号\r\n（临街店面）"',
  "91350105MA2X000408,马尾示例船舶服务有限公司,郑四,2015-01-09,2000,注销,福州市马尾区示例路 8 号",
  "93350100MA2X00050T,福州示例果蔬专业合作社,吴五,2021-09-01,50,吊销，未注销,福州市晋安区示例村",
];

const out = fileURLToPath(new URL("../test/fixtures/market-registry-gbk.csv", import.meta.url));
writeFileSync(out, encodeGbk(`${rows.join("\r\n")}\r\n`));
