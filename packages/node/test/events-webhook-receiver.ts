/**
 * A webhook receiver for the events tests: a real HTTP server on 127.0.0.1 that records every
 * request (headers and raw body) and answers as the test scripts it per path — a status, a
 * dropped connection, or no answer at all (until the server closes).
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Behaviour = number | "drop" | "hang";

export interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** What the receiver answered. */
  answered: Behaviour;
  at: number;
}

export interface Receiver {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  received: Received[];
  /**
   * Answers for a path, used in turn; the last one repeats (default 204). With `when`, only
   * requests whose body contains it are scripted; the others get 204.
   */
  script(path: string, answers: Behaviour[], when?: string): void;
  /** The requests of a path that were acknowledged (2xx). */
  acknowledged(path: string): Received[];
  /** Resolves when `predicate` holds after a request (checked at once too), or rejects at the deadline. */
  until(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** Called on every request before it is answered (for concurrency checks). */
  onRequest?: (request: Received) => void;
  /** Called when a request's answer is sent. */
  onAnswered?: (request: Received) => void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const scripts = new Map<string, { answers: Behaviour[]; when: string | undefined }>();
  const waiters = new Set<() => void>();
  const hanging = new Set<ServerResponse>();
  const receiver: Receiver = {
    url: "",
    received: [],
    script(path, answers, when) {
      scripts.set(path, { answers: [...answers], when });
    },
    acknowledged(path) {
      return receiver.received.filter(
        (r) => r.path === path && typeof r.answered === "number" && r.answered < 300,
      );
    },
    until(predicate, timeoutMs = 20_000) {
      if (predicate()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the receiver did not see the expected requests in ${timeoutMs} ms`));
        }, timeoutMs);
        const check = () => {
          if (!predicate()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
    close: async () => {},
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      const body = Buffer.concat(chunks);
      const scripted = scripts.get(path);
      const answers =
        scripted && (scripted.when === undefined || body.toString().includes(scripted.when))
          ? scripted.answers
          : [204];
      const answer = (answers.length > 1 ? answers.shift() : answers[0]) as Behaviour;
      const record: Received = {
        path,
        headers: { ...req.headers },
        body,
        answered: answer,
        at: performance.now(),
      };
      receiver.received.push(record);
      receiver.onRequest?.(record);
      const done = () => {
        receiver.onAnswered?.(record);
        for (const waiter of [...waiters]) waiter();
      };
      if (answer === "drop") {
        req.socket.destroy();
        done();
      } else if (answer === "hang") {
        hanging.add(res);
        res.on("close", () => hanging.delete(res));
        done();
      } else {
        res.statusCode = answer;
        res.end(answer === 204 ? undefined : "x");
        done();
      }
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    server.close();
    await once(server, "close");
  };
  return receiver;
}
