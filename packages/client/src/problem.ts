/** An RFC 9457 problem detail as the govex specs define it (specs/exchange/v1 `Problem`). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  errors?: { path: string; code: string; message: string }[];
  [extension: string]: unknown;
}

/**
 * A non-2xx answer: the server's problem+json, or one made from the status when
 * the body was something else. `code` is the stable snake_case code to branch on.
 */
export class ProblemError extends Error {
  override name = "ProblemError";
  readonly status: number;
  readonly code: string;
  readonly type: string;
  readonly headers: Record<string, string | string[] | undefined>;

  constructor(
    readonly problem: Problem,
    headers: Record<string, string | string[] | undefined> = {},
  ) {
    super(`${problem.status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ""}`);
    this.status = problem.status;
    this.code = problem.code;
    this.type = problem.type;
    this.headers = headers;
  }
}

/**
 * A failure on the client's side of the wire: the response's signature or digest
 * did not verify, the response was too large or malformed, or the call timed out.
 * `code` is a stable snake_case code (the @govex/security codes for signatures).
 */
export class ClientError extends Error {
  override name = "ClientError";
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function isProblem(value: unknown): value is Problem {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.type === "string" && typeof v.title === "string" && typeof v.status === "number";
}

/** Build a {@link ProblemError} from a response; never throws. */
export function toProblemError(
  status: number,
  contentType: string | undefined,
  text: string,
  headers: Record<string, string | string[] | undefined>,
): ProblemError {
  if (contentType?.includes("json")) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (isProblem(parsed)) {
        return new ProblemError(
          { ...parsed, code: typeof parsed.code === "string" ? parsed.code : `http_${status}` },
          headers,
        );
      }
    } catch {
      // fall through to the synthetic problem
    }
  }
  return new ProblemError(
    {
      type: "about:blank",
      title: `HTTP ${status}`,
      status,
      code: `http_${status}`,
      ...(text ? { detail: text.slice(0, 500) } : {}),
    },
    headers,
  );
}
