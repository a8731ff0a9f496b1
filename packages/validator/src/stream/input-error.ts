import { GovexValidatorError } from "../errors.js";

/** A read error of the input file as a GovexValidatorError (not found, a directory, unreadable). */
export function inputError(path: string, err: unknown): GovexValidatorError {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === "ENOENT") {
    return new GovexValidatorError(
      "input_not_found",
      {
        "zh-CN": `找不到文件 ${path}。请检查路径。`,
        en: `file not found: ${path}. Check the path.`,
      },
      { path, cause: err },
    );
  }
  if (code === "EISDIR") {
    return new GovexValidatorError(
      "input_is_directory",
      {
        "zh-CN": `${path} 是目录，不是文件。请给出要校验的文件路径。`,
        en: `${path} is a directory, not a file: give the path of the file to validate.`,
      },
      { path, cause: err },
    );
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new GovexValidatorError(
    "input_unreadable",
    {
      "zh-CN": `无法读取 ${path}：${reason}。请检查读取权限。`,
      en: `cannot read ${path}: ${reason}. Check the permissions.`,
    },
    { path, cause: err },
  );
}
