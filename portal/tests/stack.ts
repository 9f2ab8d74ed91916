// The browser tests' stack: `make dev`'s own server (target/debug/devserver, built
// by `make test` first) on 127.0.0.1 and a free port, with its emulator, the demo
// data and this folder's build of the portal; stopped by its PID (SIGTERM, which
// stops its emulator too) when the tests end.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const ROOT = resolve(import.meta.dirname, "../..");
const SERVER = resolve(ROOT, "target/debug/devserver");
const DIST = resolve(ROOT, "portal/dist");

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const needed: [string, string][] = [
    [SERVER, "cargo build -p devserver"],
    [resolve(DIST, "index.html"), "npm run build"],
  ];
  for (const [path, make] of needed) {
    if (!existsSync(path)) throw new Error(`${path} is missing: run \`${make}\` (make test does)`);
  }
  const server = spawn(SERVER, [], {
    cwd: ROOT,
    // A 5 MiB limit per file, so a test can send one too large.
    // No .dev/stack.json: that is the `make dev` of whoever runs the tests.
    env: {
      ...process.env,
      PORT: "0",
      PORTAL_DIST: DIST,
      RUST_LOG: "warn",
      MAX_UPLOAD_BYTES: String(5 * 1024 * 1024),
      DEV_STACK_FILE: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  const keep = (line: string): void => {
    log.push(line);
    if (log.length > 200) log.shift();
  };
  createInterface({ input: server.stderr }).on("line", keep);
  const baseUrl = await new Promise<string>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`the dev server did not start:\n${log.join("\n")}`)), 180_000);
    createInterface({ input: server.stdout }).on("line", (line) => {
      keep(line);
      const started = /Portcullis is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (started?.[1]) {
        clearTimeout(timer);
        ready(started[1]);
      }
    });
    server.on("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`the dev server exited (${code}):\n${log.join("\n")}`));
    });
  });
  project.provide("baseUrl", baseUrl);
  return () => stop(server);
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = new Promise((done) => server.once("exit", done));
  server.kill("SIGTERM");
  const late = setTimeout(() => server.kill("SIGKILL"), 30_000);
  await exited;
  clearTimeout(late);
}
