import { execFileSync } from "node:child_process";
import { createCipheriv, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  createSymmetricKey,
  generateSm4Key,
  type SealedData,
  type Sm4Backend,
  Sm4Error,
  type Sm4ErrorCode,
  sealedFromString,
  sealedToString,
  sm4Backend,
  sm4CbcDecrypt,
  sm4CbcEncrypt,
  sm4DecryptBlock,
  sm4EncryptBlock,
  sm4GcmDecrypt,
  sm4GcmEncrypt,
} from "../src/index.js";
import { readVector } from "./vectors.js";

interface BlockVector {
  id: string;
  key: string;
  plaintext: string;
  ciphertext: string;
  iterations: number;
}
interface GcmVector {
  id: string;
  key: string;
  iv: string;
  aad: string;
  plaintext: string;
  ciphertext: string;
  tag: string;
}
interface CbcVector {
  id: string;
  key: string;
  iv: string;
  plaintext: string;
  ciphertext: string;
}

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "hex"));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

const blockVectors = readVector<{ sm4: BlockVector[] }>("sm2/sm-vectors.json").sm4;
const modes = readVector<{ gcm: GcmVector[]; cbc: CbcVector[] }>("sm4/sm4-modes.json");
const BACKENDS: Sm4Backend[] = ["openssl", "js"];
const KEY = hex("0123456789abcdeffedcba9876543210");

/** The Sm4Error a call throws; fails the test if it throws anything else or nothing. */
function sm4ErrorOf(run: () => unknown): Sm4Error {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Sm4Error);
    return error as Sm4Error;
  }
  throw new Error("expected an Sm4Error, nothing was thrown");
}

async function sm4ErrorOfAsync(run: () => Promise<unknown>): Promise<Sm4Error> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(Sm4Error);
    return error as Sm4Error;
  }
  throw new Error("expected an Sm4Error, nothing was thrown");
}

function expectCode(run: () => unknown, code: Sm4ErrorCode): Sm4Error {
  const error = sm4ErrorOf(run);
  expect(error.code).toBe(code);
  // Every error speaks both languages: Chinese text in zh-CN, and an English sentence.
  expect(error.messages["zh-CN"]).toMatch(/[\u4e00-\u9fff]/);
  expect(error.messages.en).toMatch(/^[A-Z]/);
  expect(error.messages.en).not.toMatch(/[\u4e00-\u9fff]/);
  expect(error.message).toBe(`${error.messages["zh-CN"]} / ${error.messages.en}`);
  return error;
}

describe("the runtime", () => {
  it("uses Node's OpenSSL for SM4 on Node 20 (sm4-ecb and sm4-cbc are listed)", () => {
    expect(sm4Backend()).toBe("openssl");
  });
});

describe("SM4 block cipher (GB/T 32907-2016 Appendix A)", () => {
  const single = blockVectors.filter((v) => v.iterations === 1);
  it.each(BACKENDS)("A.1 single block, %s", (backend) => {
    expect(single.length).toBeGreaterThan(0);
    for (const v of single) {
      expect(toHex(sm4EncryptBlock(hex(v.key), hex(v.plaintext), { backend }))).toBe(v.ciphertext);
      expect(toHex(sm4DecryptBlock(hex(v.key), hex(v.ciphertext), { backend }))).toBe(v.plaintext);
    }
  });

  const chain = blockVectors.find((v) => v.iterations === 1_000_000);
  it("A.2 1,000,000 encryptions fed back, through the public one-block function (js backend)", () => {
    expect(chain).toBeDefined();
    const v = chain as BlockVector;
    const key = hex(v.key);
    let block = hex(v.plaintext);
    for (let i = 0; i < v.iterations; i++) block = sm4EncryptBlock(key, block, { backend: "js" });
    expect(toHex(block)).toBe(v.ciphertext);
  }, 60_000);

  it("A.2 1,000,000 encryptions fed back, on the OpenSSL sm4-ecb the openssl backend calls", () => {
    // One cipher context for the whole chain: a context per block (what sm4EncryptBlock
    // does) costs ~30 s here; A.1 and every mode vector already cover that call path.
    const v = chain as BlockVector;
    const cipher = createCipheriv("sm4-ecb", hex(v.key), null);
    cipher.setAutoPadding(false);
    let block: Buffer = Buffer.from(v.plaintext, "hex");
    for (let i = 0; i < v.iterations; i++) block = cipher.update(block);
    expect(block.toString("hex")).toBe(v.ciphertext);
  });
});

describe("SM4-GCM known answers (RFC 8998 Appendix A.1, pyca/cryptography)", () => {
  it("has the RFC 8998 vector first", () => {
    expect(modes.gcm[0]?.id).toContain("RFC 8998");
    expect(modes.gcm[0]?.tag).toBe("83de3541e4c2b58177e065a9bf7b62ec");
  });
  for (const backend of BACKENDS) {
    it.each(modes.gcm.map((v) => [v.id, v] as const))(`${backend}: %s`, (_id, v) => {
      const key = hex(v.key);
      const aad = hex(v.aad);
      const sealed = sm4GcmEncrypt(key, hex(v.plaintext), { iv: hex(v.iv), aad, backend });
      expect(toHex(sealed.ciphertext)).toBe(v.ciphertext);
      expect(toHex(sealed.tag)).toBe(v.tag);
      expect(toHex(sealed.iv)).toBe(v.iv);
      const opened = sm4GcmDecrypt(
        key,
        { iv: hex(v.iv), ciphertext: hex(v.ciphertext), tag: hex(v.tag) },
        { aad, backend },
      );
      expect(toHex(opened)).toBe(v.plaintext);
    });
  }
});

describe("SM4-CBC with PKCS#7 known answers (pyca/cryptography)", () => {
  for (const backend of BACKENDS) {
    it.each(modes.cbc.map((v) => [v.id, v] as const))(`${backend}: %s`, (_id, v) => {
      const key = hex(v.key);
      const sealed = sm4CbcEncrypt(key, hex(v.plaintext), { iv: hex(v.iv), backend });
      expect(toHex(sealed.ciphertext)).toBe(v.ciphertext);
      const opened = sm4CbcDecrypt(
        key,
        { iv: hex(v.iv), ciphertext: hex(v.ciphertext) },
        { backend },
      );
      expect(toHex(opened)).toBe(v.plaintext);
    });
  }
});

describe("round trips (property)", () => {
  const bytes = (max: number) => fc.uint8Array({ minLength: 0, maxLength: max });
  const sized = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

  it("GCM: decrypt(encrypt(p)) = p, and both backends agree", () => {
    fc.assert(
      fc.property(sized(16), sized(12), bytes(64), bytes(300), (key, iv, aad, plaintext) => {
        const a = sm4GcmEncrypt(key, plaintext, { iv, aad, backend: "openssl" });
        const b = sm4GcmEncrypt(key, plaintext, { iv, aad, backend: "js" });
        expect(toHex(a.ciphertext)).toBe(toHex(b.ciphertext));
        expect(toHex(a.tag)).toBe(toHex(b.tag));
        expect(toHex(sm4GcmDecrypt(key, a, { aad }))).toBe(toHex(plaintext));
      }),
      { numRuns: 60 },
    );
  });

  it("CBC: decrypt(encrypt(p)) = p, whole blocks of ciphertext, both backends agree", () => {
    fc.assert(
      fc.property(sized(16), sized(16), bytes(300), (key, iv, plaintext) => {
        const a = sm4CbcEncrypt(key, plaintext, { iv, backend: "openssl" });
        const b = sm4CbcEncrypt(key, plaintext, { iv, backend: "js" });
        expect(toHex(a.ciphertext)).toBe(toHex(b.ciphertext));
        expect(a.ciphertext.length).toBe((Math.floor(plaintext.length / 16) + 1) * 16);
        expect(toHex(sm4CbcDecrypt(key, a))).toBe(toHex(plaintext));
        expect(toHex(sm4CbcDecrypt(key, b, { backend: "js" }))).toBe(toHex(plaintext));
      }),
      { numRuns: 60 },
    );
  });

  it("draws a fresh random IV per message", () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 50; i++) {
      ivs.add(toHex(sm4GcmEncrypt(KEY, utf8("same")).iv));
      ivs.add(toHex(sm4CbcEncrypt(KEY, utf8("same")).iv));
    }
    expect(ivs.size).toBe(100);
  });

  it("reads Buffers at odd offsets in Node's shared pool (unaligned views)", () => {
    const pool = Buffer.from(`x${"张三 13800138000 ".repeat(20)}`);
    const plaintext = pool.subarray(1);
    const aad = Buffer.from("zperson/42").subarray(1);
    expect(plaintext.byteOffset % 4).not.toBe(0);
    const sealed = sm4GcmEncrypt(KEY, plaintext, { aad });
    const ciphertext = Buffer.concat([Buffer.from([0]), sealed.ciphertext]).subarray(1);
    expect(toHex(sm4GcmDecrypt(KEY, { ...sealed, ciphertext }, { aad }))).toBe(toHex(plaintext));
  });

  it("encrypts 8 MiB in one call (counter blocks are made in bounded chunks)", () => {
    const plaintext = randomBytes(8 * 1024 * 1024);
    const sealed = sm4GcmEncrypt(KEY, plaintext);
    const opened = sm4GcmDecrypt(KEY, sealed);
    expect(Buffer.from(opened).equals(plaintext)).toBe(true);
  });
});

describe("interoperation with the openssl command line (openssl enc -sm4-cbc)", () => {
  const dir = mkdtempSync(join(tmpdir(), "govex-sm4-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("this machine's openssl lists -sm4-cbc (fails, never skips, when it does not)", () => {
    const list = execFileSync("openssl", ["enc", "-list"], { encoding: "utf8" });
    expect(list.split(/\s+/)).toContain("-sm4-cbc");
  });

  const plaintexts: [string, Uint8Array][] = [
    ["empty", new Uint8Array(0)],
    ["one block exactly", utf8("0123456789abcdef")],
    ["resident ID", utf8("110101199003077777")],
    ["UTF-8 with emoji", utf8("北京市东城区 😀 __proto__")],
    ["64 KiB random", new Uint8Array(randomBytes(65536))],
  ];

  it.each(plaintexts)("govex encrypts, openssl decrypts: %s", (name, plaintext) => {
    const key = generateSm4Key();
    const { iv, ciphertext } = sm4CbcEncrypt(key, plaintext);
    const file = join(dir, `${name.replace(/\W/g, "_")}.enc`);
    writeFileSync(file, ciphertext);
    const out = execFileSync("openssl", [
      "enc",
      "-d",
      "-sm4-cbc",
      "-K",
      toHex(key),
      "-iv",
      toHex(iv),
      "-in",
      file,
    ]);
    expect(toHex(out)).toBe(toHex(plaintext));
  });

  it.each(plaintexts)("openssl encrypts, govex decrypts: %s", (name, plaintext) => {
    const key = generateSm4Key();
    const iv = new Uint8Array(randomBytes(16));
    const input = join(dir, `${name.replace(/\W/g, "_")}.txt`);
    const output = `${input}.enc`;
    writeFileSync(input, plaintext);
    execFileSync("openssl", [
      "enc",
      "-sm4-cbc",
      "-K",
      toHex(key),
      "-iv",
      toHex(iv),
      "-in",
      input,
      "-out",
      output,
    ]);
    const ciphertext = new Uint8Array(readFileSync(output));
    for (const backend of BACKENDS) {
      expect(toHex(sm4CbcDecrypt(key, { iv, ciphertext }, { backend }))).toBe(toHex(plaintext));
    }
  });

  it("the GB/T 32907 A.1 block from openssl -sm4-ecb equals ours", () => {
    const v = blockVectors[0] as BlockVector;
    const out = execFileSync("openssl", ["enc", "-sm4-ecb", "-nopad", "-K", v.key], {
      input: Buffer.from(v.plaintext, "hex"),
    });
    expect(toHex(out)).toBe(v.ciphertext);
    expect(toHex(sm4EncryptBlock(hex(v.key), hex(v.plaintext)))).toBe(toHex(out));
  });
});

describe("SM4-GCM tamper detection", () => {
  const rfc = modes.gcm[0] as GcmVector;
  const key = hex(rfc.key);
  const aad = hex(rfc.aad);
  const good = { iv: hex(rfc.iv), ciphertext: hex(rfc.ciphertext), tag: hex(rfc.tag) };
  const flip = (b: Uint8Array, i: number, bit = 1): Uint8Array => {
    const c = b.slice();
    c[i] = (c[i] as number) ^ bit;
    return c;
  };

  it("opens the untouched vector", () => {
    expect(toHex(sm4GcmDecrypt(key, good, { aad }))).toBe(rfc.plaintext);
  });

  const cases: [string, (backend: Sm4Backend) => unknown][] = [
    [
      "a bit of the tag (first byte)",
      (backend) => sm4GcmDecrypt(key, { ...good, tag: flip(good.tag, 0) }, { aad, backend }),
    ],
    [
      "a bit of the tag (last byte)",
      (backend) => sm4GcmDecrypt(key, { ...good, tag: flip(good.tag, 15, 0x80) }, { aad, backend }),
    ],
    [
      "a bit of the ciphertext",
      (backend) =>
        sm4GcmDecrypt(key, { ...good, ciphertext: flip(good.ciphertext, 33) }, { aad, backend }),
    ],
    [
      "the last ciphertext byte",
      (backend) =>
        sm4GcmDecrypt(
          key,
          { ...good, ciphertext: flip(good.ciphertext, 63, 0xff) },
          { aad, backend },
        ),
    ],
    [
      "a truncated ciphertext",
      (backend) =>
        sm4GcmDecrypt(
          key,
          { ...good, ciphertext: good.ciphertext.subarray(0, 48) },
          { aad, backend },
        ),
    ],
    [
      "an extended ciphertext",
      (backend) =>
        sm4GcmDecrypt(
          key,
          { ...good, ciphertext: Uint8Array.from([...good.ciphertext, 0]) },
          { aad, backend },
        ),
    ],
    ["a bit of the AAD", (backend) => sm4GcmDecrypt(key, good, { aad: flip(aad, 0), backend })],
    ["the AAD left out", (backend) => sm4GcmDecrypt(key, good, { backend })],
    [
      "an AAD with a zero byte appended",
      (backend) => sm4GcmDecrypt(key, good, { aad: Uint8Array.from([...aad, 0]), backend }),
    ],
    [
      "a bit of the IV",
      (backend) => sm4GcmDecrypt(key, { ...good, iv: flip(good.iv, 11) }, { aad, backend }),
    ],
    ["the wrong key", (backend) => sm4GcmDecrypt(flip(key, 0), good, { aad, backend })],
    [
      "the AAD moved into the ciphertext",
      (backend) => sm4GcmDecrypt(key, good, { aad: new Uint8Array(0), backend }),
    ],
    [
      "an all-zero tag",
      (backend) => sm4GcmDecrypt(key, { ...good, tag: new Uint8Array(16) }, { aad, backend }),
    ],
  ];
  it.each(cases)("refuses %s with sm4_auth_failed", (_name, run) => {
    for (const backend of BACKENDS) expectCode(() => run(backend), "sm4_auth_failed");
  });

  it("refuses every single-bit change of ciphertext and tag (property)", () => {
    const sealed = sm4GcmEncrypt(KEY, utf8("13800138000"), { aad: utf8("person/42/mobile") });
    const bits = (sealed.ciphertext.length + sealed.tag.length) * 8;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bits - 1 }), (bit) => {
        const whole = Uint8Array.from([...sealed.ciphertext, ...sealed.tag]);
        whole[bit >> 3] = (whole[bit >> 3] as number) ^ (1 << (bit & 7));
        const n = sealed.ciphertext.length;
        const changed = { iv: sealed.iv, ciphertext: whole.subarray(0, n), tag: whole.subarray(n) };
        expectCode(
          () => sm4GcmDecrypt(KEY, changed, { aad: utf8("person/42/mobile") }),
          "sm4_auth_failed",
        );
      }),
      { numRuns: 50 },
    );
  });
});

describe("bad keys, IVs, tags, ciphertexts and padding", () => {
  const cbc = sm4CbcEncrypt(KEY, utf8("hello"), { iv: new Uint8Array(16) });
  const gcm = sm4GcmEncrypt(KEY, utf8("hello"));

  it.each([0, 1, 15, 17, 24, 32, 1 << 16])(
    "refuses a %i-byte key everywhere (sm4_invalid_key)",
    (n) => {
      const key = new Uint8Array(n);
      const e = expectCode(() => sm4EncryptBlock(key, new Uint8Array(16)), "sm4_invalid_key");
      expect(e.params.length).toBe(n);
      expectCode(() => sm4GcmEncrypt(key, utf8("x")), "sm4_invalid_key");
      expectCode(() => sm4GcmDecrypt(key, gcm), "sm4_invalid_key");
      expectCode(() => sm4CbcEncrypt(key, utf8("x")), "sm4_invalid_key");
      expectCode(() => sm4CbcDecrypt(key, cbc), "sm4_invalid_key");
      expectCode(
        () => createSymmetricKey({ keyId: "k", algorithm: "sm4-gcm", key }),
        "sm4_invalid_key",
      );
    },
  );

  const notBytes: [string, unknown][] = [
    ["a hex string", "0123456789abcdeffedcba9876543210"],
    ["null", null],
    ["an array of numbers", Array.from({ length: 16 }, () => 0)],
    ["an object with __proto__", JSON.parse('{"__proto__": {"length": 16}, "length": 16}')],
    ["a number", 16],
  ];
  it.each(notBytes)("refuses %s where bytes are due (sm4_invalid_input)", (_name, value) => {
    const bad = value as Uint8Array;
    expectCode(() => sm4GcmEncrypt(bad, utf8("x")), "sm4_invalid_input");
    expectCode(() => sm4GcmEncrypt(KEY, bad), "sm4_invalid_input");
    expectCode(() => sm4GcmEncrypt(KEY, utf8("x"), { aad: bad }), "sm4_invalid_input");
    expectCode(() => sm4CbcEncrypt(KEY, bad), "sm4_invalid_input");
    expectCode(() => sm4CbcDecrypt(KEY, { iv: cbc.iv, ciphertext: bad }), "sm4_invalid_input");
  });

  it.each([0, 8, 12, 15, 17, 32])("refuses a %i-byte CBC IV (sm4_invalid_iv)", (n) => {
    const iv = new Uint8Array(n);
    const e = expectCode(() => sm4CbcEncrypt(KEY, utf8("x"), { iv }), "sm4_invalid_iv");
    expect(e.params).toMatchObject({ mode: "SM4-CBC", expected: 16, length: n });
    expectCode(() => sm4CbcDecrypt(KEY, { iv, ciphertext: cbc.ciphertext }), "sm4_invalid_iv");
  });

  it.each([0, 1, 7, 129, 4096])("refuses a %i-byte GCM IV (sm4_invalid_iv)", (n) => {
    const iv = new Uint8Array(n);
    expectCode(() => sm4GcmEncrypt(KEY, utf8("x"), { iv }), "sm4_invalid_iv");
    expectCode(() => sm4GcmDecrypt(KEY, { ...gcm, iv }), "sm4_invalid_iv");
  });

  it.each([0, 4, 8, 12, 15, 17, 32])("refuses a %i-byte GCM tag (sm4_invalid_tag)", (n) => {
    const tag = gcm.tag.length >= n ? gcm.tag.subarray(0, n) : new Uint8Array(n);
    const e = expectCode(() => sm4GcmDecrypt(KEY, { ...gcm, tag }), "sm4_invalid_tag");
    expect(e.params).toMatchObject({ expected: 16, length: n });
  });

  it.each([0, 1, 15, 17, 31])(
    "refuses %i bytes of CBC ciphertext (sm4_invalid_ciphertext)",
    (n) => {
      const ciphertext = new Uint8Array(n);
      expectCode(() => sm4CbcDecrypt(KEY, { iv: cbc.iv, ciphertext }), "sm4_invalid_ciphertext");
    },
  );

  // Blocks whose plaintext ends in bad PKCS#7 padding, made with raw (unpadded) SM4-CBC.
  const rawCbc = (last: number[]): Uint8Array => {
    const block = new Uint8Array(16).fill(0x41);
    block.set(last, 16 - last.length);
    const cipher = createCipheriv("sm4-cbc", KEY, new Uint8Array(16));
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(block), cipher.final()]);
  };
  const badPadding: [string, number[]][] = [
    ["a last byte of 0", [0]],
    ["a last byte of 17", [17]],
    ["a last byte of 0xff", [0xff]],
    ["03 claimed, 02 03 03 found", [0x02, 0x03, 0x03]],
    ["16 claimed in a block of 15 × 0x10 + one 0x41", Array.from({ length: 15 }, () => 16)],
  ];
  it.each(badPadding)("refuses %s (sm4_invalid_padding)", (_name, last) => {
    const ciphertext = rawCbc(last);
    for (const backend of BACKENDS) {
      expectCode(
        () => sm4CbcDecrypt(KEY, { iv: new Uint8Array(16), ciphertext }, { backend }),
        "sm4_invalid_padding",
      );
    }
  });

  it("accepts a block of sixteen 0x10 bytes as padding (an empty plaintext)", () => {
    const ciphertext = rawCbc(Array.from({ length: 16 }, () => 16));
    expect(sm4CbcDecrypt(KEY, { iv: new Uint8Array(16), ciphertext }).length).toBe(0);
  });

  it("says sm4_unavailable for an unknown backend", () => {
    expectCode(
      () => sm4EncryptBlock(KEY, new Uint8Array(16), { backend: "wasm" as Sm4Backend }),
      "sm4_unavailable",
    );
  });
});

describe("SymmetricKey", () => {
  it("seals a field bound to its place by the AAD (sm4-gcm)", async () => {
    const key = createSymmetricKey({
      keyId: "pii-2026",
      algorithm: "sm4-gcm",
      key: generateSm4Key(),
    });
    const aad = utf8("person/42/mobile");
    const sealed = await key.encrypt(utf8("13800138000"), { aad });
    expect(sealed).toMatchObject({ algorithm: "sm4-gcm", keyId: "pii-2026" });
    expect(sealed.iv.length).toBe(12);
    expect(sealed.tag?.length).toBe(16);
    expect(new TextDecoder().decode(await key.decrypt(sealed, { aad }))).toBe("13800138000");
    // The same ciphertext pasted into another record's field does not open.
    const moved = await sm4ErrorOfAsync(async () =>
      key.decrypt(sealed, { aad: utf8("person/43/mobile") }),
    );
    expect(moved.code).toBe("sm4_auth_failed");
  });

  it("round-trips through the text form, for both algorithms", async () => {
    for (const algorithm of ["sm4-gcm", "sm4-cbc"] as const) {
      const key = createSymmetricKey({ keyId: "部门.密钥/1", algorithm, key: generateSm4Key() });
      const text = sealedToString(await key.encrypt(utf8("110101199003077777")));
      expect(text.startsWith(`${algorithm}.`)).toBe(true);
      expect(text).toMatch(/^[a-z0-9-]+(\.[A-Za-z0-9_-]*)+$/);
      const back = sealedFromString(text);
      expect(back.keyId).toBe("部门.密钥/1");
      expect(new TextDecoder().decode(await key.decrypt(back))).toBe("110101199003077777");
    }
  });

  it("matches the functions it wraps (a fixed IV reproduces the RFC 8998 vector)", async () => {
    const v = modes.gcm[0] as GcmVector;
    const key = createSymmetricKey({ keyId: "rfc", algorithm: "sm4-gcm", key: hex(v.key) });
    const sealed = await key.encrypt(hex(v.plaintext), { iv: hex(v.iv), aad: hex(v.aad) });
    expect(toHex(sealed.ciphertext)).toBe(v.ciphertext);
    expect(toHex(sealed.tag as Uint8Array)).toBe(v.tag);
  });

  it("copies the key bytes, so wiping the caller's array does not change the key", async () => {
    const bytes = generateSm4Key();
    const key = createSymmetricKey({ keyId: "k", algorithm: "sm4-cbc", key: bytes });
    const sealed = await key.encrypt(utf8("secret"));
    bytes.fill(0);
    expect(new TextDecoder().decode(await key.decrypt(sealed))).toBe("secret");
  });

  it("refuses data sealed under another key id or algorithm (sm4_key_mismatch)", async () => {
    const bytes = generateSm4Key();
    const a = createSymmetricKey({ keyId: "a", algorithm: "sm4-gcm", key: bytes });
    const b = createSymmetricKey({ keyId: "b", algorithm: "sm4-gcm", key: bytes });
    const c = createSymmetricKey({ keyId: "a", algorithm: "sm4-cbc", key: bytes });
    const sealed = await a.encrypt(utf8("x"));
    for (const other of [b, c]) {
      const e = await sm4ErrorOfAsync(async () => other.decrypt(sealed));
      expect(e.code).toBe("sm4_key_mismatch");
      expect(e.params).toMatchObject({ sealedKeyId: "a", sealedAlgorithm: "sm4-gcm" });
    }
  });

  it("refuses AAD with sm4-cbc, a missing GCM tag, and an unknown algorithm", async () => {
    const cbc = createSymmetricKey({ keyId: "k", algorithm: "sm4-cbc", key: KEY });
    expect(
      (await sm4ErrorOfAsync(async () => cbc.encrypt(utf8("x"), { aad: utf8("a") }))).code,
    ).toBe("sm4_aad_unsupported");
    const gcm = createSymmetricKey({ keyId: "k", algorithm: "sm4-gcm", key: KEY });
    const { tag: _tag, ...untagged } = await gcm.encrypt(utf8("x"));
    expect((await sm4ErrorOfAsync(async () => gcm.decrypt(untagged))).code).toBe("sm4_invalid_tag");
    expectCode(
      () => createSymmetricKey({ keyId: "k", algorithm: "aes-gcm" as "sm4-gcm", key: KEY }),
      "sm4_unknown_algorithm",
    );
  });

  it("can be backed by something else (an HSM stand-in that delegates to OpenSSL by handle)", async () => {
    // A key that never hands out its bytes: only a handle, as a 密码机 would give.
    const vault = new Map<string, Uint8Array>([["hsm-slot-1", generateSm4Key()]]);
    const hsmKey = {
      keyId: "hsm-slot-1",
      algorithm: "sm4-gcm" as const,
      async encrypt(
        plaintext: Uint8Array,
        options: { aad?: Uint8Array } = {},
      ): Promise<SealedData> {
        const sealed = sm4GcmEncrypt(vault.get("hsm-slot-1") as Uint8Array, plaintext, options);
        return { algorithm: "sm4-gcm", keyId: "hsm-slot-1", ...sealed };
      },
      async decrypt(sealed: SealedData, options: { aad?: Uint8Array } = {}): Promise<Uint8Array> {
        return sm4GcmDecrypt(vault.get("hsm-slot-1") as Uint8Array, sealed as never, options);
      },
    };
    const software = createSymmetricKey({
      keyId: "hsm-slot-1",
      algorithm: "sm4-gcm",
      key: vault.get("hsm-slot-1") as Uint8Array,
    });
    // Either side opens what the other sealed: the interface, not the implementation, matters.
    const fromHsm = await hsmKey.encrypt(utf8("张三"), { aad: utf8("n") });
    expect(new TextDecoder().decode(await software.decrypt(fromHsm, { aad: utf8("n") }))).toBe(
      "张三",
    );
    const fromSoftware = await software.encrypt(utf8("李四"), { aad: utf8("n") });
    expect(new TextDecoder().decode(await hsmKey.decrypt(fromSoftware, { aad: utf8("n") }))).toBe(
      "李四",
    );
  });

  const hostile: [string, unknown][] = [
    ["empty", ""],
    ["just the algorithm", "sm4-gcm"],
    ["an unknown algorithm", "aes-gcm.a2V5.AAAA.AAAA.AAAA"],
    ["__proto__ as the algorithm", "__proto__.a.b.c.d"],
    ["too many parts", "sm4-cbc.a2V5.AAAA.AAAA.AAAA"],
    ["too few parts for gcm", "sm4-gcm.a2V5.AAAA.AAAA"],
    ["standard base64 with + and /", "sm4-cbc.a2V5.AA+/.AAAA"],
    ["padding characters", "sm4-cbc.a2V5.AA==.AAAA"],
    ["an impossible base64 length", "sm4-cbc.a2V5.A.AAAA"],
    [
      "a key id that is not UTF-8",
      `sm4-cbc.${Buffer.from([0xff, 0xfe]).toString("base64url")}.AAAA.AAAA`,
    ],
    ["SQL injection", "sm4-gcm.'; DROP TABLE people; --.a.b.c"],
    ["a number", 42],
    ["null", null],
    ["a huge string", `sm4-cbc.${"A".repeat(64 * 1024 * 1024)}`],
  ];
  it.each(hostile)("refuses text that is %s (sm4_sealed_malformed)", (_name, text) => {
    expectCode(() => sealedFromString(text as string), "sm4_sealed_malformed");
  });
});
