/**
 * provider.yaml: what `govex provide` runs — the system's name, where to listen, the provider's
 * signing key, the exchange node's public keys and the mapping files of its resources. Keys
 * are read from files or the environment, never written in the file.
 */
import { dirname, resolve } from "node:path";
import {
  createSigner,
  createVerifier,
  SIGNATURE_ALGORITHMS,
  type Signer,
  type Verifier,
} from "@govex/security";
import { z } from "zod";
import { Located, parseYaml, readText } from "./mapping/yaml-file.js";

const KeyRef = z.union([
  z.object({ file: z.string().min(1).max(1024) }).strict(),
  z.object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]{0,127}$/) }).strict(),
]);
const KeyId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/);
const Algorithm = z.enum(SIGNATURE_ALGORITHMS);

/** The provider.yaml schema. */
export const ProviderConfigSchema = z
  .object({
    system: z.string().min(1).max(100),
    listen: z
      .object({
        host: z.string().min(1).default("127.0.0.1"),
        port: z.number().int().min(0).max(65535).default(8700),
      })
      .strict()
      .default({ host: "127.0.0.1", port: 8700 }),
    basePath: z
      .string()
      .regex(/^\/[A-Za-z0-9/_-]*$/)
      .default("/v1"),
    publicOrigin: z.url().optional(),
    lang: z.enum(["zh-CN", "en"]).default("zh-CN"),
    signing: z.object({ keyId: KeyId, algorithm: Algorithm, privateKey: KeyRef }).strict(),
    exchange: z
      .object({
        keys: z
          .array(z.object({ keyId: KeyId, algorithm: Algorithm, publicKey: KeyRef }).strict())
          .min(1)
          .max(20),
      })
      .strict(),
    resources: z
      .array(z.object({ mapping: z.string().min(1).max(1024) }).strict())
      .min(1)
      .max(500),
    /** NDJSON file the withheld records are appended to. */
    issueLog: z.string().min(1).max(1024).optional(),
  })
  .strict();
export type ProviderConfigInput = z.input<typeof ProviderConfigSchema>;

/** A checked provider.yaml with its keys loaded. */
export interface ProviderConfig {
  file: string;
  baseDir: string;
  system: string;
  listen: { host: string; port: number };
  basePath: string;
  publicOrigin?: string;
  lang: "zh-CN" | "en";
  signer: Signer;
  exchangeKeys: Map<string, Verifier>;
  /** Absolute paths of the mapping files. */
  mappings: string[];
  issueLog?: string;
}

async function readKey(
  ref: z.infer<typeof KeyRef>,
  baseDir: string,
  env: Readonly<Record<string, string | undefined>>,
  at: Located,
  path: string,
): Promise<string | undefined> {
  if ("env" in ref) {
    const value = env[ref.env];
    if (value === undefined || value.trim() === "")
      at.add(
        path,
        "env_missing",
        `环境变量 ${ref.env} 未设置。`,
        `environment variable ${ref.env} is not set`,
      );
    return value?.trim();
  }
  return (await readText(resolve(baseDir, ref.file), at, path))?.trim();
}

/**
 * Read and check a provider.yaml: every problem with its line, in zh-CN and English.
 *
 * @throws MappingError (code `config_invalid`)
 */
export async function loadProviderConfig(
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<ProviderConfig> {
  const absolute = resolve(file);
  const baseDir = dirname(absolute);
  const outer = new Located(absolute, undefined, undefined);
  const text = await readText(absolute, outer, "");
  outer.done();
  const { value, at } = parseYaml(text as string, absolute);
  at.done();
  const parsed = ProviderConfigSchema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // An unknown key is reported at the key, not at the object holding it.
      const segments =
        issue.code === "unrecognized_keys" ? [...issue.path, ...issue.keys] : issue.path;
      const path = segments.map((p) => `/${String(p)}`).join("");
      at.add(
        path,
        issue.code,
        `配置项不合规范:${issue.message}`,
        `invalid setting: ${issue.message}`,
      );
    }
    at.done();
  }
  const config = parsed.data as z.infer<typeof ProviderConfigSchema>;

  const make = <T>(path: string, build: () => T): T | undefined => {
    try {
      return build();
    } catch (error) {
      at.add(
        path,
        "key_invalid",
        `密钥无法使用:${(error as Error).message}`,
        `unusable key: ${(error as Error).message}`,
      );
      return undefined;
    }
  };
  const privateKey = await readKey(
    config.signing.privateKey,
    baseDir,
    env,
    at,
    "/signing/privateKey",
  );
  const signer =
    privateKey === undefined
      ? undefined
      : make("/signing/privateKey", () =>
          createSigner({
            keyId: config.signing.keyId,
            algorithm: config.signing.algorithm,
            key: privateKey,
          }),
        );
  const exchangeKeys = new Map<string, Verifier>();
  for (const [i, key] of config.exchange.keys.entries()) {
    const path = `/exchange/keys/${i}/publicKey`;
    const material = await readKey(key.publicKey, baseDir, env, at, path);
    const verifier =
      material === undefined
        ? undefined
        : make(path, () =>
            createVerifier({ keyId: key.keyId, algorithm: key.algorithm, key: material }),
          );
    if (verifier) exchangeKeys.set(key.keyId, verifier);
  }
  at.done();

  return {
    file: absolute,
    baseDir,
    system: config.system,
    listen: config.listen,
    basePath: config.basePath,
    ...(config.publicOrigin ? { publicOrigin: config.publicOrigin } : {}),
    lang: config.lang,
    signer: signer as Signer,
    exchangeKeys,
    mappings: config.resources.map((r) => resolve(baseDir, r.mapping)),
    ...(config.issueLog ? { issueLog: resolve(baseDir, config.issueLog) } : {}),
  };
}
