/**
 * A node process for the fault suite when a test needs options `govex start` does not take
 * (the event loops' intervals and leases): `startLocalNode` with the JSON options in argv[2],
 * the base URL printed on stdout once it listens, stopped by SIGINT or SIGTERM (or killed).
 */
import { type LocalNodeOptions, startLocalNode } from "../../src/local-node.js";

const options = JSON.parse(process.argv[2] ?? "{}") as LocalNodeOptions;
const local = await startLocalNode({ port: 0, logger: false, ...options });
process.stdout.write(`listening ${local.url}\n`);
const stop = () => {
  local.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
