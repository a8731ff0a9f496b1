/**
 * Share requests (共享申请) of the exchange node: the `sharing` operations of specs/exchange v1,
 * and the grant the access rules check (`loadGrant`).
 *
 * @module
 */
export { sharingHandlers } from "./routes.js";
export {
  chinaDateTime,
  effectiveStatus,
  isShareRequestOverdue,
  loadGrant,
  type Period,
  type ShareApproval,
  type ShareDecision,
  type ShareRefusal,
  type ShareRequestBody,
  type ShareRequestInput,
  type ShareRequestRow,
  type ShareRequestStatus,
  shareRequestBody,
} from "./share-request.js";
