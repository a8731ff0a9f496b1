/**
 * A background loop of the node (the change poller, the delivery worker): runs a round, then
 * either the next one at once (there was more to do) or after an idle wait that `wake()` cuts
 * short. `stop()` ends the wait, lets the running round finish, and resolves when it has.
 */

export interface BackgroundLoop {
  start(): void;
  /** Run the next round now (no-op when stopped). */
  wake(): void;
  stop(): Promise<void>;
  readonly running: boolean;
}

/**
 * @param round one round; resolves true when there is more to do right away
 * @param idleMs the wait after a round with nothing more to do
 * @param onError a failed round (the loop waits `idleMs` and goes on)
 */
export function backgroundLoop(
  round: () => Promise<boolean>,
  idleMs: () => number,
  onError: (error: unknown) => void,
): BackgroundLoop {
  let running = false;
  let done: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let woken = false;

  async function run() {
    while (running) {
      let more = false;
      try {
        more = await round();
      } catch (error) {
        onError(error);
      }
      if (!running) break;
      if (more || woken) {
        woken = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, idleMs());
        timer.unref();
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = undefined;
      woken = false;
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      done = run();
    },
    wake() {
      woken = true;
      wakeUp?.();
    },
    async stop() {
      running = false;
      wakeUp?.();
      await done;
      done = undefined;
    },
    get running() {
      return running;
    },
  };
}
