/**
 * The `source` block of a mapping file for `kind: file`, as a zod schema. Paths stay inside the
 * mapping file's directory: the directory is relative, without `..`, and the pattern names files
 * in that one directory.
 */
import { AdapterError } from "@govex/adapter";
import { z } from "zod";

/** Default cap on the rows held in memory, over all files (about 0.5–1 KiB of memory per row of 20 short fields). */
export const DEFAULT_MAX_ROWS = 500_000;
/** Default cap on one CSV/TSV row or XLSX row, in bytes (UTF-8 for XLSX text). */
export const DEFAULT_MAX_ROW_BYTES = 1024 * 1024;
/** Default cap on an XLSX file's size; its unzipped parts may be at most 16 times as large. */
export const DEFAULT_MAX_XLSX_BYTES = 32 * 1024 * 1024;
/** Default age after which query, get and check look at the directory again, in ms. */
export const DEFAULT_RESCAN_INTERVAL_MS = 5000;

const relativeDirectory = z
  .string()
  .min(1)
  .refine((d) => !isAbsolutePath(d), { params: { govex: "directory_absolute" } })
  .refine((d) => !d.split(/[\\/]/).includes(".."), { params: { govex: "directory_traversal" } })
  .refine((d) => !d.includes("\0"), { params: { govex: "nul" } });

const filePattern = z
  .string()
  .min(1)
  .refine((p) => !/[\\/]/.test(p), { params: { govex: "pattern_path" } })
  .refine((p) => p !== "." && p !== "..", { params: { govex: "pattern_path" } })
  .refine((p) => !p.includes("\0"), { params: { govex: "nul" } });

export const fileSourceConfigSchema = z.strictObject({
  kind: z.literal("file"),
  /** Directory of the files, relative to the mapping file; no `..`, not absolute. */
  directory: relativeDirectory,
  /** File names in the directory: `*` any run of characters, `?` one character; no path separator. */
  pattern: filePattern,
  format: z.enum(["auto", "csv", "tsv", "xlsx"]).default("auto"),
  /** CSV/TSV only. */
  encoding: z.enum(["auto", "utf8", "gbk", "gb18030"]).default("auto"),
  /** XLSX: a sheet name, or its 1-based position; default the first sheet. */
  sheet: z.union([z.string().min(1), z.number().int().min(1)]).optional(),
  /** XLSX: the 1-based row of the header; rows above it are ignored. */
  headerRow: z.number().int().min(1).max(1_048_576).default(1),
  maxRows: z.number().int().min(1).default(DEFAULT_MAX_ROWS),
  maxRowBytes: z.number().int().min(64).default(DEFAULT_MAX_ROW_BYTES),
  maxXlsxBytes: z.number().int().min(1024).default(DEFAULT_MAX_XLSX_BYTES),
  /** 0: look at the directory on every request. `changes` always looks. */
  rescanIntervalMs: z.number().int().min(0).default(DEFAULT_RESCAN_INTERVAL_MS),
});

/** The source block as written in the mapping file. */
export type FileSourceConfigInput = z.input<typeof fileSourceConfigSchema>;
/** The source block with defaults filled in. */
export type FileSourceConfig = z.output<typeof fileSourceConfigSchema>;

function isAbsolutePath(p: string): boolean {
  // Both POSIX and Windows forms, whatever the platform: a mapping file travels.
  return p.startsWith("/") || p.startsWith("\\") || /^[A-Za-z]:/.test(p);
}

/**
 * Check a `source` block and fill in its defaults.
 *
 * @throws AdapterError `config_invalid`, `path` a JSON Pointer into the mapping (`/source/pattern`)
 */
export function parseFileSourceConfig(
  block: Record<string, unknown>,
  file?: string,
): FileSourceConfig {
  const result = fileSourceConfigSchema.safeParse(block);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => describeIssue(issue, block));
  const where = file === undefined ? "" : `${file} `;
  const first = problems[0] as Problem;
  throw new AdapterError("config_invalid", {
    zh: `${where}文件数据源配置有误：${problems.map((p) => `${p.path}：${p.zh}`).join("；")}`,
    en: `${where}file source block is invalid: ${problems.map((p) => `${p.path}: ${p.en}`).join("; ")}`,
    path: first.path,
    params: { issues: problems },
  });
}

interface Problem {
  path: string;
  zh: string;
  en: string;
}

const CUSTOM: Record<string, { zh: string; en: string }> = {
  directory_absolute: {
    zh: "目录不能是绝对路径。请写相对于映射文件所在目录的路径，如 ./data",
    en: "the directory must not be absolute: write it relative to the mapping file, e.g. ./data",
  },
  directory_traversal: {
    zh: "目录不能含“..”。请把数据目录放在映射文件所在目录之下",
    en: 'the directory must not contain "..": keep the data under the mapping file\'s directory',
  },
  pattern_path: {
    zh: "文件名模式只能匹配该目录中的文件名，不能含“/”“\\”或为“.”“..”。请用如 *.csv 的模式",
    en: 'the pattern matches file names in the directory only: no "/", "\\", "." or "..", e.g. *.csv',
  },
  nul: { zh: "不能含 NUL 字符", en: "must not contain a NUL character" },
};

const TYPE_ZH: Record<string, string> = {
  int: "整数",
  number: "数值",
  string: "字符串",
  object: "对象",
};
const TYPE_EN: Record<string, string> = {
  int: "an integer",
  number: "a number",
  string: "a string",
  object: "an object",
};

function describeIssue(issue: z.core.$ZodIssue, block: Record<string, unknown>): Problem {
  const path = `/source${issue.path.map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("")}`;
  switch (issue.code) {
    case "custom": {
      const key = String((issue.params as { govex?: string } | undefined)?.govex ?? "");
      const text = CUSTOM[key] ?? { zh: "取值无效", en: "invalid value" };
      return { path, ...text };
    }
    case "unrecognized_keys":
      return {
        path,
        zh: `不认识的设置项 ${issue.keys.join("、")}。请检查拼写，可用项见 @govex/adapter-file 的说明`,
        en: `unknown setting(s) ${issue.keys.join(", ")}: check the spelling against the @govex/adapter-file README`,
      };
    case "invalid_value":
      return {
        path,
        zh: `取值应为 ${issue.values.map((v) => JSON.stringify(v)).join(" | ")} 之一`,
        en: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(" | ")}`,
      };
    case "invalid_type":
      return issue.path.length === 1 && !Object.hasOwn(block, issue.path[0] as PropertyKey)
        ? { path, zh: "缺少该设置项。请补充", en: "is required: add it" }
        : {
            path,
            zh: `类型应为${TYPE_ZH[issue.expected] ?? issue.expected}`,
            en: `must be ${TYPE_EN[issue.expected] ?? `of type ${issue.expected}`}`,
          };
    case "too_small":
      return {
        path,
        zh: `不能小于 ${String(issue.minimum)}${issue.origin === "string" ? " 个字符" : ""}`,
        en: `must be at least ${String(issue.minimum)}${issue.origin === "string" ? " character(s)" : ""}`,
      };
    case "too_big":
      return {
        path,
        zh: `不能大于 ${String(issue.maximum)}`,
        en: `must be at most ${String(issue.maximum)}`,
      };
    default:
      return { path, zh: `取值无效（${issue.message}）`, en: `invalid value (${issue.message})` };
  }
}
