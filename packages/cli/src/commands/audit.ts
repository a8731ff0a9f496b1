import { keyResolverFromKeyText, signerFromKeyText } from "@govex/conformance";
import { isUscc } from "@govex/schemas";
import { NoteError, type NoteVerifier, parseVerifierKey } from "@govex/security";
import type { Lang } from "@govex/validator";
import { type CliIo, parseOptions, printable, UsageError } from "../io.js";
import { renderAuditJson, renderAuditText } from "./audit/render.js";
import { DEFAULT_STATE_FILE, readState, writeState } from "./audit/state.js";
import { MAX_PROOFS, verifyNodeAudit } from "./audit/verify-node.js";
import { keyOption, readOptionFile } from "./key-files.js";

const HELP: Record<Lang, string> = {
  "zh-CN": `govex audit verify —— 向运行中的交换节点核验审计日志:本单位的审计条目都在签名日志中且未被改动,
日志自上次所见的检查点以来只追加、从未被改写

用法:
  govex audit verify <节点地址> --key <私钥文件> --key-id <id> --member <统一社会信用代码>
                     --node-key <节点公钥文件> --log-key <验证密钥|文件> [选项]

<节点地址> 为含版本前缀的基地址,如 https://exchange.example.gov.cn/v1。

做什么:
  1. 获取最新检查点 (C2SP 签名注记),用 --log-key 验证签名;
  2. 读取 --state 中上次所见的检查点,获取二者之间的一致性证明并验证 (RFC 9162 §2.1.4);
     状态文件不存在时为首次运行:按「首次使用即信任」(TOFU) 接受本次检查点,并在输出中注明;
  3. 分页列出本单位的审计条目,为每条 (或序号 ≥ --since-index 的条目) 获取在最新检查点大小下的
     包含证明并验证 (RFC 9162 §2.1.3);每次最多 ${MAX_PROOFS} 个证明,达到上限时会说明从哪里继续;
  4. 全部通过时才把最新检查点写入 --state。
  所有请求都用 --key 签名 (RFC 9421),所有应答都用 --node-key 验证。

选项:
  --key <文件>              本单位的私钥:ed25519/ecdsa-p256 为 PEM (PKCS#8),sm2-sm3 为 64 位十六进制
  --key-id <id>             该私钥在节点登记的 keyid
  --member <代码>           本单位的统一社会信用代码 (GB 32100-2015)
  --node-key <文件>         节点的响应签名公钥:PEM (SPKI),SM2 为 130 位十六进制 (04 ‖ x ‖ y)
  --log-key <密钥|文件>     审计日志的验证密钥 (C2SP signed-note 格式 名称+密钥ID+公钥),
                            或每行一个验证密钥的文件
  --state <文件>            保存上次所见检查点的文件 (默认 ${DEFAULT_STATE_FILE});每个节点用一个
  --since-index <N>         只核验序号 ≥ N 的条目 (默认 0,全部)
  --max-proofs <N>          本次最多获取 N 个包含证明 (默认且至多 ${MAX_PROOFS})
  --timeout <毫秒>          单个请求的超时 (默认 30000)
  --format text|json        报告格式 (默认 text)
  --lang zh-CN|en           报告语言 (默认 zh-CN;LANG 以 en 开头时为 en)

退出码: 0 全部验证通过;1 发现问题 (篡改、不一致、签名不符);2 用法错误、密钥或状态文件无法读取、
        无法连接节点或节点拒绝请求。
`,
  en: `govex audit verify — check a running exchange node's audit log: your own entries are in the signed
log, unaltered, and the log was only appended to, never rewritten, since the checkpoint you saw last time

Usage:
  govex audit verify <node-url> --key <private-key-file> --key-id <id> --member <USCC>
                     --node-key <node-public-key-file> --log-key <vkey|file> [options]

<node-url> is the base URL with the version prefix, e.g. https://exchange.example.gov.cn/v1.

What it does:
  1. fetches the latest checkpoint (a C2SP signed note) and verifies its signature with --log-key;
  2. loads the checkpoint seen last time from --state, fetches the consistency proof between the two
     and checks it (RFC 9162 §2.1.4); with no state file this is the first run: the checkpoint is
     trusted on first use (TOFU), and the output says so;
  3. pages through your entries and checks, for each (or each with leafIndex ≥ --since-index), an
     inclusion proof at the latest checkpoint's size (RFC 9162 §2.1.3); at most ${MAX_PROOFS} proofs
     a run, and the output says where to continue when capped;
  4. writes the latest checkpoint to --state only when everything verified.
  Every request is signed with --key (RFC 9421); every answer is checked with --node-key.

Options:
  --key <file>              your member's private key: PEM (PKCS#8) for ed25519 and ecdsa-p256,
                            64 hex digits for sm2-sm3
  --key-id <id>             the key id the node knows that key by
  --member <USCC>           your unified social credit code (GB 32100-2015)
  --node-key <file>         the node's response-signing public key: PEM (SPKI), or 130 hex digits
                            (04 ‖ x ‖ y) for SM2
  --log-key <vkey|file>     the audit log's verifier key (C2SP signed-note: name+keyid+key), or a
                            file with one verifier key per line
  --state <file>            where the last seen checkpoint is kept (default ${DEFAULT_STATE_FILE});
                            one per node
  --since-index <N>         check only entries with leafIndex ≥ N (default 0: all)
  --max-proofs <N>          fetch at most N inclusion proofs this run (default and at most ${MAX_PROOFS})
  --timeout <ms>            one request's timeout (default 30000)
  --format text|json        report format (default text)
  --lang zh-CN|en           report language (default zh-CN; en when LANG starts with "en")

Exit codes: 0 everything verified; 1 an issue found (tampering, inconsistency, a bad signature);
            2 usage error, unreadable key or state file, node unreachable or refusing the requests.
`,
};

const AUDIT_HELP: Record<Lang, string> = {
  "zh-CN": `用法: govex audit verify <节点地址> --key <文件> --key-id <id> --member <代码> --node-key <文件> --log-key <验证密钥|文件> [选项]
运行 govex audit verify --help 查看说明。
`,
  en: `Usage: govex audit verify <node-url> --key <file> --key-id <id> --member <USCC> --node-key <file> --log-key <vkey|file> [options]
Run govex audit verify --help for the details.
`,
};

const FORMATS = ["text", "json"] as const;

export interface AuditVerifyArgs {
  url: string;
  key: string;
  keyId: string;
  member: string;
  nodeKey: string;
  logKey: string;
  state: string;
  sinceIndex: number;
  maxProofs: number;
  timeout?: number;
  format: (typeof FORMATS)[number];
  lang: Lang;
}

function usage(zh: string, en: string): UsageError {
  return new UsageError({ "zh-CN": zh, en });
}

function whole(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(n) || n < min)
    throw usage(
      `--${name} 应为不小于 ${min} 的整数,实为「${printable(value.slice(0, 64))}」。`,
      `--${name} must be a whole number ≥ ${min}, got "${printable(value.slice(0, 64))}".`,
    );
  return n;
}

function parse(argv: string[]) {
  return parseOptions("audit verify", {
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      key: { type: "string" },
      "key-id": { type: "string" },
      member: { type: "string" },
      "node-key": { type: "string" },
      "log-key": { type: "string" },
      state: { type: "string" },
      "since-index": { type: "string" },
      "max-proofs": { type: "string" },
      timeout: { type: "string" },
      format: { type: "string", short: "f" },
      lang: { type: "string" },
    },
  });
}

/** Parses `govex audit verify` arguments; a UsageError (exit 2) says what is wrong and how to fix it. */
export function parseAuditVerifyArgs(argv: string[], lang: Lang): AuditVerifyArgs {
  const parsed = parse(argv);
  const v = parsed.values;
  const [url, ...extra] = parsed.positionals;
  if (url === undefined)
    throw usage(
      "缺少节点地址。用法:govex audit verify <节点地址> --key <文件> --key-id <id> --member <代码> --node-key <文件> --log-key <验证密钥|文件>。",
      "the node URL is missing. Usage: govex audit verify <node-url> --key <file> --key-id <id> --member <USCC> --node-key <file> --log-key <vkey|file>.",
    );
  if (extra.length > 0)
    throw usage(
      `多余的参数「${printable(String(extra[0]).slice(0, 64))}」:一次只核验一个节点。`,
      `unexpected argument "${printable(String(extra[0]).slice(0, 64))}": one node at a time.`,
    );
  let parsedUrl: URL | undefined;
  try {
    parsedUrl = new URL(url);
  } catch {}
  if (parsedUrl?.protocol !== "http:" && parsedUrl?.protocol !== "https:")
    throw usage(
      `节点地址「${printable(url.slice(0, 200))}」无效:应为 http(s) 地址,如 https://exchange.example.gov.cn/v1。`,
      `the node URL "${printable(url.slice(0, 200))}" is not valid: use an http(s) URL such as https://exchange.example.gov.cn/v1.`,
    );
  for (const name of ["key", "key-id", "member", "node-key", "log-key"] as const)
    if (v[name] === undefined || v[name] === "")
      throw usage(
        `缺少 --${name}。运行 govex audit verify --help 查看用法。`,
        `--${name} is missing: run govex audit verify --help for usage.`,
      );
  const member = v.member as string;
  if (!isUscc(member))
    throw usage(
      `--member「${printable(member.slice(0, 64))}」不是有效的统一社会信用代码 (GB 32100-2015):应为 18 位,校验位正确。`,
      `--member "${printable(member.slice(0, 64))}" is not a valid unified social credit code (GB 32100-2015): 18 characters with a correct check character.`,
    );
  const format = v.format ?? "text";
  if (!(FORMATS as readonly string[]).includes(format))
    throw usage(
      `--format 的值「${printable(format)}」无效。可选值:text、json。`,
      `--format "${printable(format)}" is not valid: use text or json.`,
    );
  const chosen = v.lang ?? lang;
  if (chosen !== "zh-CN" && chosen !== "en")
    throw usage(
      `--lang 的值「${printable(chosen)}」无效。可选值:zh-CN、en。`,
      `--lang "${printable(chosen)}" is not valid: use zh-CN or en.`,
    );
  const maxProofs = whole("max-proofs", v["max-proofs"], 1) ?? MAX_PROOFS;
  if (maxProofs > MAX_PROOFS)
    throw usage(
      `--max-proofs 至多为 ${MAX_PROOFS}:更多条目请分次以 --since-index 核验。`,
      `--max-proofs is at most ${MAX_PROOFS}: check more entries over several runs with --since-index.`,
    );
  const timeout = whole("timeout", v.timeout, 1);
  return {
    url,
    key: v.key as string,
    keyId: v["key-id"] as string,
    member,
    nodeKey: v["node-key"] as string,
    logKey: v["log-key"] as string,
    state: v.state ?? DEFAULT_STATE_FILE,
    sinceIndex: whole("since-index", v["since-index"], 0) ?? 0,
    maxProofs,
    ...(timeout === undefined ? {} : { timeout }),
    format: format as AuditVerifyArgs["format"],
    lang: chosen,
  };
}

// signed-note verifier key: <name>+<8 hex digits>+<base64>.
const VKEY = /^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/;

/** The log's verifier keys: the option itself when it is one, else a file of one per line. */
export function logVerifiers(option: string): NoteVerifier[] {
  const text = VKEY.test(option.trim()) ? option.trim() : readOptionFile(option, "--log-key");
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  if (lines.length === 0)
    throw usage(
      "--log-key 中没有验证密钥:应为「名称+密钥ID+公钥」格式 (C2SP signed-note),或每行一个的文件。",
      "--log-key holds no verifier key: give one as name+keyid+key (C2SP signed-note), or a file with one per line.",
    );
  return lines.map((line, i) => {
    try {
      return parseVerifierKey(line);
    } catch (err) {
      if (err instanceof NoteError)
        throw usage(
          `--log-key 第 ${i + 1} 个验证密钥无效:${err.messageZh}`,
          `--log-key verifier key ${i + 1} is not valid: ${err.messageEn}`,
        );
      throw err;
    }
  });
}

/**
 * `govex audit verify`: checks a node's audit log for the member and returns the exit code — 0
 * everything verified, 1 an issue found, 2 usage error or the node unreachable.
 */
export async function auditCommand(argv: string[], io: CliIo, lang: Lang): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || (sub.startsWith("-") && sub !== "--help" && sub !== "-h")) {
    io.stderr.write(AUDIT_HELP[lang]);
    return 2;
  }
  if (sub === "--help" || sub === "-h" || sub === "help") {
    io.stdout.write(HELP[lang]);
    return 0;
  }
  if (sub !== "verify")
    throw usage(
      `未知的 audit 子命令「${printable(sub.slice(0, 64))}」。可用: govex audit verify。`,
      `unknown audit command "${printable(sub.slice(0, 64))}": use govex audit verify.`,
    );
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(HELP[lang]);
    return 0;
  }
  const args = parseAuditVerifyArgs(rest, lang);
  const signer = keyOption("--key", () =>
    signerFromKeyText(readOptionFile(args.key, "--key"), args.keyId),
  );
  const nodeKeys = keyOption("--node-key", () =>
    keyResolverFromKeyText(readOptionFile(args.nodeKey, "--node-key")),
  );
  const verifiers = logVerifiers(args.logKey);
  const saved = readState(args.state);

  const result = await verifyNodeAudit({
    url: args.url,
    signer,
    nodeKeys,
    verifiers,
    member: args.member,
    ...(saved ? { saved } : {}),
    sinceIndex: args.sinceIndex,
    maxProofs: args.maxProofs,
    ...(args.timeout === undefined ? {} : { timeout: args.timeout }),
    lang: args.lang,
  });

  let written = false;
  let writeError: string | undefined;
  if (result.ok && result.latest) {
    try {
      writeState(args.state, result.latest);
      written = true;
    } catch (err) {
      writeError = (err as Error).message;
    }
  }
  const context = {
    url: args.url,
    member: args.member,
    statePath: args.state,
    firstRun: saved === undefined,
    stateWritten: written,
  };
  io.stdout.write(
    args.format === "json"
      ? renderAuditJson(result, context, args.lang)
      : renderAuditText(result, context, args.lang),
  );
  if (writeError !== undefined) {
    io.stderr.write(
      `govex: ${printable(
        args.lang === "en"
          ? `everything verified, but the state file ${args.state} cannot be written: ${writeError}. Check the path and permissions.`
          : `全部验证通过, 但无法写入状态文件 ${args.state}:${writeError}。请检查路径与写入权限。`,
      )}\n`,
    );
    return 2;
  }
  return result.ok ? 0 : 1;
}
