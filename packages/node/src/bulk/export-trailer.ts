/**
 * The last line of an export stream (specs/exchange v1 `pullBatch`, ExportTrailer): the record
 * count and the Content-Digest (RFC 9530 §2; SHA-256 and SM3) of every byte before it, signed by
 * the node and bound to the request's own Signature field, as RFC 9421 §2.4 binds a response.
 * A streamed answer has no Content-Digest ahead of its content, so this line is what lets the
 * consumer know it got all of it, unchanged.
 *
 * The node writes the line here; the consumer's side (`ExportReader`, and what the line's
 * signature covers) lives in @govex/client, re-exported for callers of @govex/node.
 */
import { type ExportTrailer, exportTrailerInput } from "@govex/client";
import type { Signer } from "@govex/security";

export {
  type ExportCheck,
  ExportReader,
  type ExportReaderOptions,
  type ExportTrailer,
  exportTrailerInput,
} from "@govex/client";

/** The signed last line of an export, LF included. */
export async function exportTrailerLine(
  fields: { records: number; bytes: number; digest: string; nextCursor?: string },
  signer: Signer,
  requestSignature: string | undefined,
): Promise<Buffer> {
  const unsigned = { "@govex": "end" as const, ...fields, keyId: signer.keyId };
  const signature = await signer.sign(exportTrailerInput(unsigned, requestSignature));
  const line: ExportTrailer = { ...unsigned, signature: Buffer.from(signature).toString("base64") };
  return Buffer.from(`${JSON.stringify(line)}\n`, "utf8");
}
