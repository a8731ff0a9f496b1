/** Renders the message of one structural or input code. `field` is a ready-made label, e.g. 「公民身份号码」(residentId). */
export type MessageFn = (params: Record<string, unknown>, field: string) => string;
export type MessageTable = Readonly<Record<string, MessageFn>>;
