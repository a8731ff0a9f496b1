/** Load something with the API context; keeps the error as text for the page to show. */
import { type Ref, ref, shallowRef } from "vue";
import { type ApiContext, ApiError } from "./lib/api.js";
import { api } from "./state.js";

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

export function useLoad<T>(fn: (context: ApiContext) => Promise<T>): {
  data: Ref<T | undefined>;
  loading: Ref<boolean>;
  error: Ref<string>;
  reload: () => Promise<void>;
} {
  const data = shallowRef<T | undefined>(undefined);
  const loading = ref(false);
  const error = ref("");
  async function reload() {
    const context = api.value;
    if (!context) return;
    loading.value = true;
    error.value = "";
    try {
      data.value = await fn(context);
    } catch (caught) {
      error.value = errorText(caught);
    } finally {
      loading.value = false;
    }
  }
  return { data: data as Ref<T | undefined>, loading, error, reload };
}
