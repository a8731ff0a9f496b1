import { isCheckId } from "./checks.js";
import { globToRegExp } from "./json.js";
import type { IgnoreRule } from "./types.js";

/**
 * Parse an ignore file: one rule a line, `<check-id> <location-glob> # reason`.
 * The reason is required; `*` in the id or location matches any run of characters;
 * blank lines and lines starting with `#` are skipped. Throws an Error naming the
 * line for a bad rule, so a typo never silences nothing (or everything).
 *
 * @example
 * ```ts
 * const rules = parseIgnoreFile("request-property-removed POST /catalog/entries request body /legacy # removed with the provinces' agreement, 2026-03\n");
 * diffOpenApi(oldDoc, newDoc, { ignore: rules });
 * ```
 */
export function parseIgnoreFile(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const n = index + 1;
    if (line === "" || line.startsWith("#")) return;
    const hash = line.search(/\s#/);
    if (hash < 0)
      throw new Error(
        `ignore file line ${n}: no reason; write \`<check-id> <location> # reason\` （忽略规则缺少原因：请在 # 之后写明原因）`,
      );
    const reason = line.slice(hash).replace(/^\s*#/, "").trim();
    if (reason === "")
      throw new Error(
        `ignore file line ${n}: empty reason after #; say why the change is accepted （忽略规则的原因为空）`,
      );
    const rule = line.slice(0, hash).trim();
    const space = rule.search(/\s/);
    const id = space < 0 ? rule : rule.slice(0, space);
    const location = space < 0 ? undefined : rule.slice(space).trim();
    if (!/^[a-z0-9*]+(-[a-z0-9*]+)*$/.test(id))
      throw new Error(`ignore file line ${n}: "${id}" is not a check id (kebab-case, * allowed)`);
    if (!id.includes("*") && !isCheckId(id))
      throw new Error(
        `ignore file line ${n}: unknown check id "${id}"; see CHECKS for the catalog （未知的检查项）`,
      );
    if (id.includes("*")) globToRegExp(id);
    const entry: IgnoreRule = { id, reason };
    if (location !== undefined && location !== "") entry.location = location;
    rules.push(entry);
  });
  return rules;
}
