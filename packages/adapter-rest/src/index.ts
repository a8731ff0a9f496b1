/**
 * @govex/adapter-rest: a govex `Source` over a department's existing JSON API. Paths and
 * parameters are templates, rows are picked out with JSONata or JSON Pointer, credentials
 * come from the environment only.
 * @module
 */
export type { RestSourceConfig } from "./config.js";
export { restSourceSchema } from "./config.js";
export { createSource } from "./source.js";
