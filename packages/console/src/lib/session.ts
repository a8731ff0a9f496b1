/**
 * The console's session: a key id and a non-extractable private CryptoKey, kept in IndexedDB
 * (structured clone keeps a CryptoKey without exporting it) until the user signs out or the key
 * expires. Nothing secret is ever in localStorage or a cookie.
 */
import { toPem } from "./bytes.js";
import type { BrowserKey } from "./signer.js";

export interface Session extends BrowserKey {
  member: string;
  name: string;
  operator: boolean;
  /** When the node stops accepting the key (token sessions: 8 h). */
  notAfter?: string;
  /** The audit log's origin, from the node (only a name: the key to check it is the user's). */
  auditOrigin?: string;
}

const DB = "govex-console";
const STORE = "session";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>) {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = fn(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

export async function loadSession(): Promise<Session | undefined> {
  try {
    const session = await run<Session | undefined>("readonly", (s) => s.get("current"));
    if (session?.notAfter && Date.parse(session.notAfter) <= Date.now()) {
      await clearSession();
      return undefined;
    }
    return session;
  } catch {
    return undefined;
  }
}

export async function saveSession(session: Session): Promise<void> {
  await run("readwrite", (s) => s.put(session, "current"));
}

export async function clearSession(): Promise<void> {
  await run("readwrite", (s) => s.delete("current"));
}

/** A fresh Ed25519 pair for a token login: the private half cannot be exported. */
export async function generateSessionKey(): Promise<{ privateKey: CryptoKey; publicPem: string }> {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, false, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey));
  return { privateKey: pair.privateKey, publicPem: toPem(spki, "PUBLIC KEY") };
}
