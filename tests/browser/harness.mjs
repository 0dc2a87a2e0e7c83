// A goats server of its own for each browser test file: a fresh SQLite database in a
// temporary directory, agents and queues made with the goats CLI, and a headless
// Chromium driven by playwright-core.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, "target");
const bin = process.env.GOATS_BIN ?? join(targetDir, "debug", "goats");
export const screenshots = join(root, "target", "screenshots");

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export class Goats {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "goats-browser-"));
    this.env = { ...process.env, GOATS_DATABASE_URL: `sqlite://${this.dir}/goats.db`, GOATS_LOG_LEVEL: "warn" };
    delete this.env.GOATS_CONFIG;
  }

  /** Runs the goats CLI against this server's database. */
  cli(args, input) {
    return execFileSync(bin, args, { cwd: this.dir, env: this.env, input, encoding: "utf8" });
  }

  /** Starts the server; `config` (YAML) becomes its goats.yaml. */
  async start(config) {
    if (config) writeFileSync(join(this.dir, "goats.yaml"), config);
    this.cli(["migrate"]);
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    this.proc = spawn(bin, ["serve", "--listen", `127.0.0.1:${this.port}`], {
      cwd: this.dir,
      env: this.env,
      stdio: ["ignore", "inherit", "inherit"],
    });
    for (let i = 0; i < 200; i++) {
      try {
        if ((await fetch(`${this.base}/readyz`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`goats did not become ready on ${this.base}`);
  }

  /** A REST API call as `login`. */
  async api(login, password, method, path, body) {
    if (!this.tokens?.[login]) {
      const res = await fetch(`${this.base}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ login, password }),
      });
      if (!res.ok) throw new Error(`API login of ${login}: ${res.status} ${await res.text()}`);
      this.tokens = { ...this.tokens, [login]: (await res.json()).access_token };
    }
    const res = await fetch(`${this.base}/api/v1${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${this.tokens[login]}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? null : res.json();
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      const exited = new Promise((r) => this.proc.once("exit", r));
      this.proc.kill("SIGTERM");
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Headless Chromium as Debian ships it; pages record CSP violations and script errors. */
export async function browser() {
  mkdirSync(screenshots, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A new page whose console errors (CSP violations included) are collected. */
export async function watchedPage(context) {
  const page = await context.newPage();
  page.problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") page.problems.push(msg.text());
  });
  page.on("pageerror", (err) => page.problems.push(String(err)));
  return page;
}

/** A watched page in `context`, signed in to `goats` as an agent, on the dashboard. */
export async function signIn(goats, context, login, password) {
  const page = await watchedPage(context);
  await page.goto(goats.base + "/login");
  await page.getByLabel("Username").fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/dashboard/);
  return page;
}

export async function shot(page, name) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** What axe-core finds against WCAG 2 A/AA on the page, one line per rule. It runs
 * through the DevTools protocol: the page's CSP stays on for everything else. */
export async function axeViolations(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa"] }));
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
}
