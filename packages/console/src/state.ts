/** Application state: the session, the current page (hash route), the API context. */
import { computed, ref, shallowRef } from "vue";
import { lang } from "./i18n.js";
import type { ApiContext } from "./lib/api.js";
import { clearSession, type Session } from "./lib/session.js";

export const PAGES = [
  "catalog",
  "share-requests",
  "registry",
  "audit",
  "census",
  "evaluation",
  "dead-letters",
] as const;
export type Page = (typeof PAGES)[number] | "login";

export const session = shallowRef<Session | undefined>(undefined);

function parseHash(): { page: Page; params: URLSearchParams } {
  const hash = location.hash.replace(/^#\/?/, "");
  const [name = "", search = ""] = hash.split("?", 2);
  const page = (PAGES as readonly string[]).includes(name) ? (name as Page) : "login";
  return { page: name === "login" ? "login" : page, params: new URLSearchParams(search) };
}

export const route = ref(parseHash());
window.addEventListener("hashchange", () => {
  route.value = parseHash();
});

export function go(page: Page): void {
  location.hash = `#/${page}`;
}

export async function signOut(): Promise<void> {
  await clearSession();
  session.value = undefined;
  go("login");
}

export const api = computed<ApiContext | undefined>(() => {
  const current = session.value;
  if (!current) return undefined;
  return {
    key: { keyId: current.keyId, privateKey: current.privateKey },
    origin: location.origin,
    lang: () => lang.value,
    onUnauthorized: () => {
      // An expired or revoked session key: back to the login page.
      if (current.notAfter && Date.parse(current.notAfter) <= Date.now()) void signOut();
    },
  };
});
