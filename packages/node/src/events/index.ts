/**
 * Subscriptions to a resource's changes, their deliveries and the dead letters (specs/exchange
 * v1 `events`): the operations' handlers, the change poller that fills the transactional outbox,
 * and the delivery worker that sends signed CloudEvents to the webhooks.
 *
 * @module
 */
export * from "./background-loop.js";
export * from "./change-poller.js";
export * from "./cloud-event.js";
export * from "./delivery-access.js";
export * from "./delivery-worker.js";
export * from "./event-rows.js";
export * from "./outbox.js";
export * from "./retention.js";
export { eventHandlers } from "./routes.js";
export * from "./subscription-input.js";
