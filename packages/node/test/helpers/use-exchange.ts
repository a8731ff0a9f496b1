/**
 * One running exchange per describe block of the HTTP tests: the node on `driver`, the test
 * provider, the departments joined — started in beforeAll, stopped (and its database dropped) in
 * afterAll.
 */
import { afterAll, beforeAll } from "vitest";
import type { DriverName } from "../../src/store/index.js";
import { freshLocation } from "../store-drivers.js";
import {
  joinDepartments,
  startTestExchange,
  startTestProvider,
  type TestExchange,
  type TestProvider,
} from "./exchange.js";

export function useTestExchange(
  driver: DriverName,
  options: { providerTimeoutMs?: number } = {},
): { readonly exchange: TestExchange; readonly provider: TestProvider } {
  const state: { exchange?: TestExchange; provider?: TestProvider } = {};
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    state.exchange = await startTestExchange(
      await freshLocation(driver, (fn) => cleanups.push(fn)),
      options,
    );
    state.provider = await startTestProvider(
      state.exchange.provider.signer,
      state.exchange.nodeVerifier,
    );
    await joinDepartments(state.exchange, state.provider);
  }, 120_000);
  afterAll(async () => {
    await state.provider?.close();
    await state.exchange?.close();
    for (const fn of cleanups.reverse()) await fn();
  });
  const must = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the test exchange starts in beforeAll");
    return value;
  };
  return {
    get exchange() {
      return must(state.exchange);
    },
    get provider() {
      return must(state.provider);
    },
  };
}
