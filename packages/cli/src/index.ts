/**
 * govex: the command line of the govex SDK. `run()` is the whole CLI as a function, so tests
 * and other tools call it in-process.
 * @module
 */
export { parseValidateArgs, type ValidateArgs, validateCommand } from "./commands/validate.js";
export { type CliIo, defaultLang, processIo, UsageError } from "./io.js";
export { run } from "./run.js";
