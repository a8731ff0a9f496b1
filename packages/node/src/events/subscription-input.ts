/**
 * Domain checks of a specs/exchange v1 `SubscriptionInput` beyond its schema (which the server
 * has checked): the webhook URL, and the event types as CloudEvents types.
 */
import type { Lang, ProblemIssue } from "../server/problem.js";

/** Longest webhook URL accepted (the schema sets none; browsers and proxies stop near 2 KB). */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

// specs/data/v1 cloudevent `type`: reverse-DNS form.
const EVENT_TYPE = /^[a-z0-9]+(\.[a-z0-9-]+)+$/;

const say = (lang: Lang, zh: string, en: string) => (lang === "en" ? en : zh);

/**
 * The webhook URL as the node stores it (WHATWG-serialized), or the issues that refuse it:
 * http or https only, a host, no user name or password (the node signs its deliveries, RFC
 * 9421; credentials in a URL end up in logs and audit trails), no fragment, bounded length.
 */
export function checkWebhookUrl(
  text: string,
  lang: Lang,
): { ok: true; url: string } | { ok: false; issue: ProblemIssue } {
  const refuse = (code: string, zh: string, en: string) => ({
    ok: false as const,
    issue: { path: "/url", code, message: say(lang, zh, en) },
  });
  if (text.length > MAX_WEBHOOK_URL_LENGTH)
    return refuse(
      "url_too_long",
      `回调地址超过 ${MAX_WEBHOOK_URL_LENGTH} 个字符。请使用更短的地址。`,
      `The webhook URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters: use a shorter one.`,
    );
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse(
      "url_invalid",
      "回调地址不是有效的 URL。请填写完整的 http(s) 地址。",
      "The webhook URL is not a valid URL: give an absolute http(s) URL.",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return refuse(
      "url_scheme",
      "回调地址只能使用 http 或 https。请更换地址。",
      "The webhook URL must use http or https: change it.",
    );
  if (url.username !== "" || url.password !== "")
    return refuse(
      "url_credentials",
      "回调地址不得包含用户名或密码。请删除地址中的“用户名:密码@”;交换节点对每次投递签名，订阅方据签名验证来源。",
      "The webhook URL must not carry a user name or password: remove the user:pass@ part; the node signs every delivery and the receiver verifies the signature instead.",
    );
  if (url.hostname === "")
    return refuse(
      "url_invalid",
      "回调地址缺少主机名。请填写完整的 http(s) 地址。",
      "The webhook URL has no host: give an absolute http(s) URL.",
    );
  if (url.hash !== "")
    return refuse(
      "url_fragment",
      "回调地址不得包含片段(#…)。请删除 # 及其后内容。",
      "The webhook URL must not have a fragment: remove the # part.",
    );
  return { ok: true, url: url.href };
}

/**
 * The event types to store: null for every type (absent or empty), else the distinct types in
 * the order given, each a CloudEvents type in reverse-DNS form.
 */
export function checkEventTypes(
  types: readonly string[] | undefined,
  lang: Lang,
): { ok: true; types: string[] | null } | { ok: false; issues: ProblemIssue[] } {
  if (types === undefined || types.length === 0) return { ok: true, types: null };
  const issues: ProblemIssue[] = [];
  types.forEach((type, i) => {
    if (!EVENT_TYPE.test(type))
      issues.push({
        path: `/eventTypes/${i}`,
        code: "event_type_invalid",
        message: say(
          lang,
          "事件类型须为反向域名形式，如 dev.govex.record.updated。请更正。",
          "An event type is written in reverse-DNS form, such as dev.govex.record.updated: correct it.",
        ),
      });
  });
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, types: [...new Set(types)] };
}
