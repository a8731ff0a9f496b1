/** The shape of an ajv error object (the fields govex reads). */
export interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** A compiled (precompiled or run-time) ajv validate function. */
export interface CompiledValidate {
  (data: unknown): boolean;
  errors?: AjvError[] | null;
}

/** One built-in spec: its short name ("person", "profiles/db37"), `$id` and raw schema. */
export interface BuiltinSpec {
  readonly name: string;
  readonly id: string;
  readonly file: string;
  readonly schema: Readonly<Record<string, unknown>>;
}
