/**
 * vitest globalSetup: a throwaway PostgreSQL cluster and a throwaway MariaDB on 127.0.0.1 for the
 * whole run, started in parallel (about a second each: initdb / mariadb-install-db into a temp
 * dir, then the server on a free port), stopped and removed at teardown.
 *
 * Tests read the URLs with `testDatabaseUrl("postgres" | "mysql")` from test/databases.ts (or
 * `inject("postgresUrl")` / `inject("mysqlUrl")`); child processes get GOVEX_TEST_POSTGRES_URL and
 * GOVEX_TEST_MYSQL_URL. When one of those variables is already set, its server is used as is and
 * nothing is started. A server that cannot be started (package missing) is not skipped silently:
 * its URL is "" and `testDatabaseUrl` throws, naming `bash scripts/system-deps.sh`.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { chown, mkdtemp, readFile } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";
import type { TestDatabaseKind } from "./databases.js";

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
/** How long a server may take to accept connections before the setup gives up. */
const READY_TIMEOUT_MS = 30_000;
const ENV: Record<TestDatabaseKind, string> = {
  postgres: "GOVEX_TEST_POSTGRES_URL",
  mysql: "GOVEX_TEST_MYSQL_URL",
};

export interface Started {
  url: string;
  stop(): Promise<void>;
  /** Synchronous last-resort cleanup for an exit without teardown (Ctrl-C). */
  kill(): void;
}

/** A PostgreSQL a test owns, which it may stop and start again (the fault suite). */
export interface StartedPostgres extends Started {
  /** Stop the server (fast shutdown: connections are cut), keeping its data. */
  halt(): Promise<void>;
  /** Start it again on the same port and data. */
  resume(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

async function uidOf(user: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run("id", ["-u", user]), run("id", ["-g", user])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** A temp dir the server's OS user owns (the servers refuse to run as root). */
async function serverDir(prefix: string, user: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  if (isRoot) {
    const { uid, gid } = await uidOf(user).catch(() => {
      throw new Error(`the system user "${user}" does not exist`);
    });
    await chown(dir, uid, gid);
  }
  return dir;
}

/** Run a server tool, as `user` when we are root. */
async function runAs(user: string, file: string, args: string[]): Promise<void> {
  const [cmd, cmdArgs] = isRoot ? ["runuser", ["-u", user, "--", file, ...args]] : [file, args];
  await run(cmd, cmdArgs, { cwd: tmpdir(), timeout: READY_TIMEOUT_MS });
}

async function tail(file: string): Promise<string> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.split("\n").slice(-8).join("\n").trim();
}

function failure(error: unknown): string {
  const e = error as { code?: string; stderr?: string; message?: string };
  return (e.stderr?.trim() || e.message || String(error)).split("\n").slice(-6).join(" | ");
}

function postgresBinDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] === undefined)
    throw new Error("initdb not found under /usr/lib/postgresql/*/bin");
  return join(root, versions[0], "bin");
}

/** Start a throwaway PostgreSQL on 127.0.0.1 (also used by the benchmarks). */
export async function startPostgres(): Promise<StartedPostgres> {
  const bin = postgresBinDir();
  const dir = await serverDir("govex-pg-", "postgres");
  const data = join(dir, "data");
  const log = join(dir, "server.log");
  const pgCtl = join(bin, "pg_ctl");
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    await runAs("postgres", join(bin, "initdb"), [
      // C.UTF-8, not C: pg_trgm needs a UTF-8 ctype to treat Chinese characters as word characters.
      ...["-D", data, "-A", "trust", "-U", "postgres"],
      ...["-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
    ]);
    let port = 0;
    let options = "";
    // A free port can be taken between the probe and the bind: try a few.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      options = [
        `-p ${port}`,
        "-c listen_addresses=127.0.0.1",
        `-c unix_socket_directories=${dir}`,
        "-c max_connections=200",
        // Throwaway data: no durability.
        "-F -c synchronous_commit=off -c full_page_writes=off",
      ].join(" ");
      try {
        // pg_ctl -w polls the server (PQping) until it accepts connections, bounded by -t.
        await runAs("postgres", pgCtl, [
          ...["start", "-D", data, "-l", log, "-o", options, "-w", "-t", "30"],
        ]);
        break;
      } catch (error) {
        if (attempt >= 3) throw new Error(`${failure(error)}; log: ${await tail(log)}`);
      }
    }
    const pidFile = join(data, "postmaster.pid");
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      async halt() {
        await runAs("postgres", pgCtl, ["stop", "-D", data, "-m", "fast", "-w", "-t", "30"]);
      },
      async resume() {
        await runAs("postgres", pgCtl, [
          ...["start", "-D", data, "-l", log, "-o", options, "-w", "-t", "30"],
        ]);
      },
      async stop() {
        await runAs("postgres", pgCtl, ["stop", "-D", data, "-m", "immediate", "-w"]).catch(
          () => {},
        );
        remove();
      },
      kill() {
        try {
          const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
          if (pid > 0) process.kill(pid, "SIGQUIT"); // immediate shutdown
        } catch {}
        remove();
      },
    };
  } catch (error) {
    remove();
    throw error;
  }
}

function firstExisting(paths: string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}

/** Resolves when a MySQL-protocol server sends its handshake (protocol 10) on a new connection. */
function mysqlGreets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.setTimeout(2000);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("data", (chunk) => done(chunk.length > 4 && chunk[4] === 0x0a));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

async function startMariadb(): Promise<Started> {
  const server = firstExisting(["/usr/sbin/mariadbd", "/usr/sbin/mysqld", "/usr/bin/mariadbd"]);
  const installDb = firstExisting(["/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db"]);
  if (!server || !installDb) throw new Error("mariadbd or mariadb-install-db not found");
  const dir = await serverDir("govex-mariadb-", "mysql");
  const data = join(dir, "data");
  const log = join(dir, "error.log");
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const asUser = isRoot ? ["--user=mysql"] : [];
  let child: ChildProcess | undefined;
  try {
    await run(
      installDb,
      [
        ...["--no-defaults", `--datadir=${data}`, ...asUser],
        ...["--auth-root-authentication-method=normal", "--skip-test-db"],
      ],
      { timeout: READY_TIMEOUT_MS },
    );
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      child = spawn(
        server,
        [
          ...["--no-defaults", `--datadir=${data}`, `--socket=${join(dir, "mysqld.sock")}`],
          ...[
            `--port=${port}`,
            "--bind-address=127.0.0.1",
            `--pid-file=${join(dir, "mysqld.pid")}`,
          ],
          ...[`--log-error=${log}`, `--tmpdir=${dir}`, ...asUser, "--skip-name-resolve"],
          ...["--character-set-server=utf8mb4", "--max-connections=300"],
          // Throwaway data: no durability, small buffers.
          ...["--innodb-buffer-pool-size=64M", "--innodb-flush-log-at-trx-commit=0"],
          ...["--innodb-doublewrite=0", "--skip-log-bin"],
        ],
        { stdio: "ignore" },
      );
      const exited = new Promise<false>((resolve) => child?.once("exit", () => resolve(false)));
      const deadline = Date.now() + READY_TIMEOUT_MS;
      let ready = false;
      // Poll connects until the server greets, it exits, or the deadline passes.
      while (!ready && Date.now() < deadline && child.exitCode === null) {
        ready = await Promise.race([mysqlGreets(port), exited]);
        if (!ready && child.exitCode === null)
          await Promise.race([new Promise((r) => setTimeout(r, 25)), exited]);
      }
      if (ready) break;
      // An early exit is most likely a lost port race: retry; a hang is not.
      const exitedEarly = child.exitCode !== null;
      child.kill("SIGKILL");
      if (attempt >= 3 || !exitedEarly)
        throw new Error(`mariadbd did not accept connections; log: ${await tail(log)}`);
    }
    const started = child;
    return {
      url: `mysql://root@127.0.0.1:${port}/`,
      async stop() {
        if (started.exitCode === null) {
          const exited = new Promise((resolve) => started.once("exit", resolve));
          started.kill("SIGKILL"); // throwaway data: no clean shutdown needed
          await exited;
        }
        remove();
      },
      kill() {
        started.kill("SIGKILL");
        remove();
      },
    };
  } catch (error) {
    child?.kill("SIGKILL");
    remove();
    throw error;
  }
}

const START: Record<TestDatabaseKind, () => Promise<Started>> = {
  postgres: startPostgres,
  mysql: startMariadb,
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const kinds: TestDatabaseKind[] = ["postgres", "mysql"];
  const previous = Object.fromEntries(kinds.map((k) => [k, process.env[ENV[k]]]));
  const errors: Partial<Record<TestDatabaseKind, string>> = {};
  const urls: Record<TestDatabaseKind, string> = { postgres: "", mysql: "" };
  const started: Started[] = [];

  await Promise.all(
    kinds.map(async (kind) => {
      const preset = process.env[ENV[kind]];
      if (preset) {
        urls[kind] = preset;
        return;
      }
      try {
        const server = await START[kind]();
        started.push(server);
        urls[kind] = server.url;
        process.env[ENV[kind]] = server.url;
      } catch (error) {
        errors[kind] = failure(error);
        process.stderr.write(
          `\n[govex test setup] ${kind} test server not started: ${errors[kind]}\n` +
            "  Tests that need it will fail. Run `bash scripts/system-deps.sh`.\n",
        );
      }
    }),
  );
  const onExit = () => {
    for (const server of started) server.kill();
  };
  process.once("exit", onExit);

  project.provide("postgresUrl", urls.postgres);
  project.provide("mysqlUrl", urls.mysql);
  project.provide("databaseErrors", errors);

  return async () => {
    process.off("exit", onExit);
    await Promise.all(started.map((server) => server.stop()));
    for (const kind of kinds) {
      if (previous[kind] === undefined) delete process.env[ENV[kind]];
      else process.env[ENV[kind]] = previous[kind];
    }
  };
}
