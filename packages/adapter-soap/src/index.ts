/**
 * @govex/adapter-soap: a govex `Source` over a legacy WSDL/SOAP web service, through the
 * `soap` package. Operation inputs are templates, rows are picked out of the parsed answer
 * with JSONata or JSON Pointer, credentials come from the environment only.
 * @module
 */
export type { SoapSourceConfig } from "./config.js";
export { soapSourceSchema } from "./config.js";
export { createSource } from "./source.js";
