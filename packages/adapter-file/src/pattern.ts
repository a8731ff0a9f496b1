/**
 * File-name patterns of the `pattern` setting: `*` matches any run of characters (also none),
 * `?` exactly one character, everything else itself. A pattern names files of one directory;
 * the configuration refuses path separators, so it cannot reach outside it.
 */

/** Compile a pattern to a whole-name matcher. */
export function compilePattern(pattern: string): (name: string) => boolean {
  let source = "";
  for (const ch of pattern) {
    if (ch === "*") source += ".*";
    else if (ch === "?") source += ".";
    else source += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  const re = new RegExp(`^${source}$`, "su");
  return (name) => re.test(name);
}

/**
 * Names never read whatever the pattern: hidden files (`.x.csv`, LibreOffice's `.~lock.x.csv#`)
 * and Office owner files (`~$x.xlsx`), which Excel and WPS write while a workbook is open.
 */
export function isIgnoredName(name: string): boolean {
  return name.startsWith(".") || name.startsWith("~$");
}
