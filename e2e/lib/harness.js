// Starts jianguan with fresh demo data, opens Debian's Chromium, and saves screenshots
// under target/screenshots/ so anyone can look at what a user sees.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const screenshotDir = join(root, "target", "screenshots");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const binary = process.env.JIANGUAN_BIN || join(root, "target", "debug", "jianguan");

/** Chromium present? Without it the tests skip loudly, and fail under CI. */
export function browserAvailable(t) {
  if (existsSync(chromiumPath)) return true;
  const msg = `!!! Chromium not found at ${chromiumPath}: browser tests NOT RUN (apt-get install chromium)`;
  if (process.env.CI) throw new Error(msg);
  console.error(msg);
  t.skip(msg);
  return false;
}

export async function startServer() {
  if (!existsSync(binary)) throw new Error(`${binary} not built: run cargo build first`);
  const dataDir = mkdtempSync(join(tmpdir(), "jianguan-e2e-"));
  const child = spawn(binary, ["demo", "--listen", "127.0.0.1:0", "--data-dir", dataDir], {
    env: { ...process.env, JIANGUAN_LOG: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server did not start in 60 s")), 60_000);
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
    lines.on("line", (line) => {
      const m = line.match(/已启动：(http:\/\/\S+?)\/?$/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r() : child.on("exit", r)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Chromium as the tests drive it; `extra` flags for one test (e.g. a fake camera). */
export async function launchBrowser(extra = []) {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", ...extra,
    ],
  });
}

/** Screenshots of the current page at phone (375 px) and desktop (1280 px) width. */
export async function shoot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  const original = page.viewportSize();
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
    await page.screenshot({ path: join(screenshotDir, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize(original);
}

export async function login(page, url, username) {
  await page.goto(`${url}/login`);
  await page.fill("#username", username);
  await page.fill("#password", "jianguan-demo");
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.click("button[type=submit]")]);
}

/**
 * A demo server and a browser for one test, both stopped when it ends; null when the
 * browser is missing (the test is then skipped, and fails under CI).
 */
export async function session(t) {
  if (!browserAvailable(t)) return null;
  const server = await startServer();
  const browser = await launchBrowser();
  t.after(async () => {
    await browser.close();
    await server.stop();
  });
  return { server, browser, url: server.url };
}

/** A real JPEG of 640 × 480, drawn by the browser itself (a coloured field, a white box). */
export async function drawnJpeg(page, colour = "#6a8f3c") {
  const dataUrl = await page.evaluate((fill) => {
    const c = document.createElement("canvas");
    c.width = 640;
    c.height = 480;
    const g = c.getContext("2d");
    g.fillStyle = fill;
    g.fillRect(0, 0, 640, 480);
    g.fillStyle = "#fff";
    g.fillRect(200, 150, 240, 180);
    return c.toDataURL("image/jpeg", 0.85);
  }, colour);
  return Buffer.from(dataUrl.split(",")[1], "base64");
}
