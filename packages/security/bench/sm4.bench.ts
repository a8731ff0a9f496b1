/**
 * `pnpm bench` for @govex/security: SM4-GCM and SM4-CBC (GB/T 32907-2016) beside AES-256-GCM
 * and AES-256-CBC from node:crypto in the same run, as ratios, for bulk data (1 MiB) and for
 * single fields (32 bytes, field-level encryption at rest). SM4-GCM runs on each backend:
 * `openssl` (SM4 blocks from Node's OpenSSL, GHASH from @noble/ciphers; OpenSSL 3.0 has no
 * sm4-gcm) and `js` (sm-crypto-v2's SM4). BENCH_MIB and BENCH_FIELDS change the sizes.
 */
import { createCipheriv, randomBytes } from "node:crypto";
import { sm4Backend, sm4CbcEncrypt, sm4GcmEncrypt } from "../src/index.js";

const MIB = Number(process.env.BENCH_MIB ?? 16);
const FIELDS = Number(process.env.BENCH_FIELDS ?? 20000);

function time(run: () => void, repeat: number): number {
  run(); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < repeat; i++) run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const sm4Key = new Uint8Array(randomBytes(16));
const aesKey = randomBytes(32);
const bulk = new Uint8Array(randomBytes(1024 * 1024));
const field = new Uint8Array(randomBytes(32));
const aad = new TextEncoder().encode("person/42/mobile");

function aesGcm(data: Uint8Array): void {
  const cipher = createCipheriv("aes-256-gcm", aesKey, randomBytes(12));
  cipher.setAAD(aad);
  cipher.update(data);
  cipher.final();
  cipher.getAuthTag();
}

function aesCbc(data: Uint8Array): void {
  const cipher = createCipheriv("aes-256-cbc", aesKey, randomBytes(16));
  cipher.update(data);
  cipher.final();
}

const rows: [string, (data: Uint8Array) => void][] = [
  ["AES-256-GCM (node:crypto)", aesGcm],
  ["SM4-GCM, openssl backend", (d) => sm4GcmEncrypt(sm4Key, d, { aad, backend: "openssl" })],
  ["SM4-GCM, js backend", (d) => sm4GcmEncrypt(sm4Key, d, { aad, backend: "js" })],
  ["AES-256-CBC (node:crypto)", aesCbc],
  ["SM4-CBC, openssl backend", (d) => sm4CbcEncrypt(sm4Key, d, { backend: "openssl" })],
  ["SM4-CBC, js backend", (d) => sm4CbcEncrypt(sm4Key, d, { backend: "js" })],
];

const out: string[] = [
  `SM4 bench (default backend here: ${sm4Backend()}; Node ${process.version}, OpenSSL ${process.versions.openssl})`,
];
for (const [label, data, repeat, unit] of [
  [`bulk: ${MIB} × 1 MiB`, bulk, MIB, "MiB/s"],
  [`fields: ${FIELDS} × 32 bytes`, field, FIELDS, "ops/s"],
] as const) {
  out.push("", label);
  let aesGcmMs = 0;
  let aesCbcMs = 0;
  for (const [name, run] of rows) {
    const ms = time(() => run(data), repeat);
    if (name.startsWith("AES-256-GCM")) aesGcmMs = ms;
    if (name.startsWith("AES-256-CBC")) aesCbcMs = ms;
    const base = name.includes("GCM") ? aesGcmMs : aesCbcMs;
    const rate = (repeat / ms) * 1000;
    out.push(
      `  ${name.padEnd(28)} ${ms.toFixed(0).padStart(7)} ms  ${rate.toFixed(rate < 100 ? 1 : 0).padStart(8)} ${unit}  ${(ms / base).toFixed(1).padStart(5)}× AES time`,
    );
  }
}
process.stdout.write(`${out.join("\n")}\n`);
