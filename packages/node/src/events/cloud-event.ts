/**
 * Change events as CloudEvents 1.0 (specs/data/v1 `cloudevent`; CloudEvents 1.0.2 spec.md §3)
 * and their HTTP binary mode (http-protocol-binding.md §3.1: attributes in `ce-` headers, the
 * data as the body).
 */

import { randomUUID } from "node:crypto";
import type { CloudEvent } from "@govex/client";
import { getValidator, type ValidationIssue } from "@govex/validator";

/** The type of an upserted record's event (the spec's examples name it). */
export const RECORD_UPDATED = "dev.govex.record.updated";
/** The type of a deleted record's event. */
export const RECORD_DELETED = "dev.govex.record.deleted";

/** A CloudEvents 1.0 event in structured JSON form: the one type subscribers read, too. */
export type { CloudEvent };

/** One change of a provider's feed (specs/provider v1 `Change`). */
export interface ProviderChange {
  key: string;
  op: "upsert" | "delete";
  time: string;
  record?: Record<string, unknown>;
}

/**
 * What an event's `data` holds in the outbox: the resource, the operation, the record key and
 * the record as the provider sent it. Subscribers get it through their access rules (see
 * delivery-data.ts), never as stored.
 */
export interface ChangeData {
  resourceCode: string;
  op: "upsert" | "delete";
  key: string;
  record?: Record<string, unknown>;
}

/**
 * The event source of a service: `urn:govex:` and its X-Road-style path
 * INSTANCE/CLASS/MEMBER/SYSTEM/SERVICE (an absolute URI, as specs/data/v1 asks).
 */
export function serviceSource(path: {
  instance: string;
  memberClass: string;
  member: string;
  system: string;
  service: string;
}): string {
  const parts = [path.instance, path.memberClass, path.member, path.system, path.service];
  return `urn:govex:${parts.map(encodeURIComponent).join("/")}`;
}

/** The outbox event of one provider change. */
export function changeEvent(
  change: ProviderChange,
  context: { source: string; resourceCode: string },
): CloudEvent {
  const data: ChangeData = {
    resourceCode: context.resourceCode,
    op: change.op,
    key: change.key,
    ...(change.op === "upsert" && change.record !== undefined ? { record: change.record } : {}),
  };
  return {
    specversion: "1.0",
    id: randomUUID(),
    source: context.source,
    type: change.op === "delete" ? RECORD_DELETED : RECORD_UPDATED,
    subject: context.resourceCode,
    time: change.time,
    datacontenttype: "application/json",
    data,
  };
}

/** Issues of an event against specs/data/v1 `cloudevent` (empty when valid). */
export async function cloudEventIssues(event: unknown): Promise<ValidationIssue[]> {
  const validator = await getValidator("cloudevent");
  return validator.validate(event, { lang: "en", maxErrors: 5 });
}

// CloudEvents HTTP binding §3.1.3.2: header values are percent-encoded outside printable
// ASCII, and for space, double quote and percent.
const UNSAFE = /[^\x21\x23-\x24\x26-\x7e]/gu;

/** A `ce-` header value (CloudEvents HTTP binding §3.1.3.2). */
export function encodeCeHeader(value: string): string {
  return value.replace(UNSAFE, (c) => {
    try {
      return encodeURIComponent(c);
    } catch {
      return "%EF%BF%BD"; // a lone surrogate has no UTF-8 form: U+FFFD
    }
  });
}

/**
 * The HTTP binary-mode headers of an event: `ce-` attributes (extensions included) and
 * `content-type` from `datacontenttype`.
 */
export function binaryHeaders(event: CloudEvent): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event)) {
    if (name === "data" || value === undefined || value === null) continue;
    if (name === "datacontenttype") headers["content-type"] = String(value);
    else headers[`ce-${name}`] = encodeCeHeader(String(value));
  }
  return headers;
}
