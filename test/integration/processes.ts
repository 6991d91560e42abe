// Child processes of the integration tier: commands that must succeed, and servers that must be stopped.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

/** The environment of `npm test` minus npm's own variables, which would point child npm runs at this repository. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return {
    ...env,
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    // Every app installs through the one npm cache; what it holds is not asked for again.
    npm_config_prefer_offline: "true",
    NEXT_TELEMETRY_DISABLED: "1",
    ...extra,
  };
}

/** Runs a command to its end; rejects with its output when it fails. Resolves with stdout + stderr. */
export function run(cwd: string, command: string, args: readonly string[], env = cleanEnv()): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(" ")} failed (${signal ?? code}) in ${cwd}:\n${output}`));
    });
  });
}

/** `count` distinct ports free now: held open together while chosen, so none is handed out twice. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve))));
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

export interface Server {
  readonly url: string;
  /** What the server printed so far (stdout + stderr). */
  output(): string;
  /** Stops the server and every process it started; idempotent. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// A test process that exits with servers still up (a crash, a timeout) takes them along.
process.once("exit", () => {
  for (const child of running) killGroup(child, "SIGKILL");
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // its own process group: npx/npm wrappers and the server they start
  } catch {
    // already gone
  }
}

/**
 * Starts a long-running command in a process group of its own and waits until `url` answers HTTP (any status).
 * Rejects with the output when it exits first or does not answer within `timeoutMs`.
 */
export async function startServer(
  cwd: string,
  command: string,
  args: readonly string[],
  options: { url: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Server> {
  const child = spawn(command, args, { cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  running.add(child);
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const server: Server = {
    url: options.url,
    output: () => output,
    async stop() {
      killGroup(child, "SIGTERM");
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
      running.delete(child);
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let done = false;
  void exited.then(() => (done = true));
  while (!done && Date.now() < deadline) {
    try {
      // The body read to its end: an unread one keeps its connection, and the test process, alive.
      await (await fetch(options.url, { signal: AbortSignal.timeout(5_000) })).arrayBuffer();
      return server;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await server.stop();
  throw new Error(
    `${command} ${args.join(" ")} ${done ? "exited" : "did not answer"} before ${options.url} answered:\n${output}`,
  );
}
