/**
 * Subscriptions to a resource's changes, their deliveries and the dead letters (specs/exchange
 * v1 `events`): the operations' handlers and the stored shapes the delivery worker shares.
 *
 * @module
 */
export * from "./event-rows.js";
export { eventHandlers } from "./routes.js";
export * from "./subscription-input.js";
