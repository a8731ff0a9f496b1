#!/usr/bin/env node
// Regenerates the enum and labels of specs/data/v1/code-country.schema.json.
//
// Provenance: the code list is ISO 3166-1 (alpha-2 → alpha-3), current officially assigned
// codes, typed in below. GB/T 2659-2000 is the national adoption of ISO 3166-1 (its successor
// GB/T 2659.1-2022 follows ISO 3166-1:2020); codes assigned after 2000 (ALA, BES, BLM, CUW,
// GGY, IMN, JEY, MAF, MNE, SRB, SSD, SXM, TLS …) are included because they are in use.
// The labels come from ICU's CLDR region names via Intl.DisplayNames (zh-CN and en) of the
// Node.js that runs the script, with the overrides below for 中国香港 / 中国澳门 / 中国台湾.
// Usage: node specs/data/tools/generate-code-country.mjs          (rewrites the schema file)
//        node specs/data/tools/generate-code-country.mjs --check  (exits 1 if it would change)
import { readFileSync, writeFileSync } from "node:fs";

const PAIRS = `AF AFG AX ALA AL ALB DZ DZA AS ASM AD AND AO AGO AI AIA AQ ATA AG ATG AR ARG AM ARM
AW ABW AU AUS AT AUT AZ AZE BS BHS BH BHR BD BGD BB BRB BY BLR BE BEL BZ BLZ BJ BEN BM BMU BT BTN
BO BOL BQ BES BA BIH BW BWA BV BVT BR BRA IO IOT BN BRN BG BGR BF BFA BI BDI CV CPV KH KHM CM CMR
CA CAN KY CYM CF CAF TD TCD CL CHL CN CHN CX CXR CC CCK CO COL KM COM CG COG CD COD CK COK CR CRI
CI CIV HR HRV CU CUB CW CUW CY CYP CZ CZE DK DNK DJ DJI DM DMA DO DOM EC ECU EG EGY SV SLV GQ GNQ
ER ERI EE EST SZ SWZ ET ETH FK FLK FO FRO FJ FJI FI FIN FR FRA GF GUF PF PYF TF ATF GA GAB GM GMB
GE GEO DE DEU GH GHA GI GIB GR GRC GL GRL GD GRD GP GLP GU GUM GT GTM GG GGY GN GIN GW GNB GY GUY
HT HTI HM HMD VA VAT HN HND HK HKG HU HUN IS ISL IN IND ID IDN IR IRN IQ IRQ IE IRL IM IMN IL ISR
IT ITA JM JAM JP JPN JE JEY JO JOR KZ KAZ KE KEN KI KIR KP PRK KR KOR KW KWT KG KGZ LA LAO LV LVA
LB LBN LS LSO LR LBR LY LBY LI LIE LT LTU LU LUX MO MAC MG MDG MW MWI MY MYS MV MDV ML MLI MT MLT
MH MHL MQ MTQ MR MRT MU MUS YT MYT MX MEX FM FSM MD MDA MC MCO MN MNG ME MNE MS MSR MA MAR MZ MOZ
MM MMR NA NAM NR NRU NP NPL NL NLD NC NCL NZ NZL NI NIC NE NER NG NGA NU NIU NF NFK MK MKD MP MNP
NO NOR OM OMN PK PAK PW PLW PS PSE PA PAN PG PNG PY PRY PE PER PH PHL PN PCN PL POL PT PRT PR PRI
QA QAT RE REU RO ROU RU RUS RW RWA BL BLM SH SHN KN KNA LC LCA MF MAF PM SPM VC VCT WS WSM SM SMR
ST STP SA SAU SN SEN RS SRB SC SYC SL SLE SG SGP SX SXM SK SVK SI SVN SB SLB SO SOM ZA ZAF GS SGS
SS SSD ES ESP LK LKA SD SDN SR SUR SJ SJM SE SWE CH CHE SY SYR TW TWN TJ TJK TZ TZA TH THA TL TLS
TG TGO TK TKL TO TON TT TTO TN TUN TR TUR TM TKM TC TCA TV TUV UG UGA UA UKR AE ARE GB GBR US USA
UM UMI UY URY UZ UZB VU VUT VE VEN VN VNM VG VGB VI VIR WF WLF EH ESH YE YEM ZM ZMB ZW ZWE`;

// Administrative usage in mainland China (and GB/T 2659's treatment of these as regions of China).
const OVERRIDES = {
  HKG: { "zh-CN": "中国香港", en: "Hong Kong, China" },
  MAC: { "zh-CN": "中国澳门", en: "Macao, China" },
  TWN: { "zh-CN": "中国台湾", en: "Taiwan, China" },
};

const tokens = PAIRS.split(/\s+/);
const zh = new Intl.DisplayNames(["zh-CN"], { type: "region" });
const en = new Intl.DisplayNames(["en"], { type: "region" });
const rows = [];
for (let i = 0; i < tokens.length; i += 2) {
  const [a2, a3] = [tokens[i], tokens[i + 1]];
  rows.push([a3, OVERRIDES[a3] ?? { "zh-CN": zh.of(a2), en: en.of(a2) }]);
}
rows.sort((x, y) => x[0].localeCompare(y[0]));
if (rows.length !== 249 || new Set(rows.map((r) => r[0])).size !== 249) {
  throw new Error(`expected 249 distinct ISO 3166-1 codes, got ${rows.length}`);
}

const file = new URL("../v1/code-country.schema.json", import.meta.url);
const schema = JSON.parse(readFileSync(file, "utf8"));
schema.enum = rows.map((r) => r[0]);
schema["x-enum-labels"] = Object.fromEntries(rows);
const next = `${JSON.stringify(schema, null, 2)}\n`;
if (process.argv.includes("--check")) {
  if (readFileSync(file, "utf8") !== next) {
    process.stderr.write("code-country.schema.json is stale: run generate-code-country.mjs\n");
    process.exit(1);
  }
} else {
  writeFileSync(file, next);
}
