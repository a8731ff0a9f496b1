/** A message per issue code, from the params. */
export type MessageTable = Record<string, (params: Record<string, unknown>) => string>;
