// Issue 12: every role walks every page its menu offers (and the 数据报送 and 设置 pages
// behind it), at phone and desktop width, with screenshots; axe-core's WCAG 2.1 AA rules
// find nothing, and no English word or code name shows on screen.
import { describe, it, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { login, session, shoot } from "../lib/harness.js";
import { join, dirname } from "node:path";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const shots = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "target", "screenshots", "roles");

// Words a county user does meet in Latin letters: file formats, the API, units and
// proper nouns of the trade and its software.
const FORMATS = new Set(["XLSX", "DOCX", "PDF", "CSV", "JPG", "JPEG", "PNG", "WEBP", "JSON", "ZIP"]);
const ALLOWED = new Set([
  "API", "QR", "GB", "USCC", "Open311", "OCDS", "A4", "SKU", "GMV", "ID", "HTTPS",
  "Excel", "WPS", "kg", "km", "mm", "KB", "MB",
]);

/** Latin words on screen that a user should not meet, and code-style identifiers. */
function foreignWords(text) {
  const out = new Set();
  for (const m of text.matchAll(/[A-Za-z][A-Za-z0-9_.-]*/g)) {
    const w = m[0].replace(/[.-]+$/, "");
    if (/_/.test(w) || /^[a-z]+\.[a-z_]+$/.test(w)) out.add(w); // snake_case, rule codes
    else if (/^[A-Za-z]{2,}$/.test(w) && !ALLOWED.has(w) && !FORMATS.has(w.toUpperCase())) out.add(w);
  }
  return [...out];
}

async function check(page, who, name, problems) {
  mkdirSync(shots, { recursive: true });
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
    await page.screenshot({ path: join(shots, `${who}-${name}-${width}.png`), fullPage: true });
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      });
      return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
    });
    for (const v of result) problems.push(`${who} ${page.url()} @${width}: axe ${v}`);
    // What the page marks translate="no" (a login name, a token, a rule code for the
    // administrator) is meant to be read as written.
    const text = await page.evaluate(() => {
      let t = document.body.innerText;
      for (const el of document.querySelectorAll("[translate=no]")) t = t.replace(el.innerText, "");
      return t;
    });
    const words = foreignWords(text);
    if (words.length) problems.push(`${who} ${page.url()} @${width}: on screen ${words.join(", ")}`);
  }
}

/**
 * The pages a role's menu leads to: the side menu, the 数据报送 tabs, 设置's links, the
 * inspection calendar, and on each list the first record's page.
 */
async function walk(page, url, who, problems) {
  const seen = new Set();
  const queue = [new URL(page.url()).pathname];
  const links = async (selector) =>
    page.locator(selector).evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
  while (queue.length) {
    const path = queue.shift();
    if (seen.has(path)) continue;
    seen.add(path);
    const res = await page.goto(`${url}${path}`);
    assert.ok(res.ok(), `${who}: ${path} answered ${res.status()}`);
    await check(page, who, path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "record").replace(/\//g, "_") || "_", problems);
    const found = [
      ...(await links("nav.side a[href^='/']")),
      ...(await links("nav.subnav a[href^='/']")),
      ...(path === "/account" ? await links("main a[href^='/settings']") : []),
      ...(await links("main a[data-testid=calendar-link]")),
      ...(await links("main table tbody tr:first-child a[href^='/']")).slice(0, 1),
    ];
    for (const p of found) if (!seen.has(p) && !p.startsWith("/logout")) queue.push(p);
  }
  return [...seen];
}

// The five walks are the longest browser tests; each has its own server and browser, so
// two run at once (the files beside them run at once too: see package.json).
describe("every role's menu", { concurrency: 2 }, () => {
  for (const [who, expects] of [
    ["admin", ["/settings/users", "/settings/profile"]],
    ["chief", ["/sanctions", "/docket", "/market", "/funds", "/funds/disbursements", "/tipoffs"]],
    ["inspector", ["/docket", "/tipoffs", "/inspections", "/inspections/calendar", "/market", "/reviews", "/funds", "/funds/claims", "/assets", "/assets/tags", "/assets/counts", "/assets/discrepancies"]],
    ["viewer", ["/projects", "/settings/profile", "/reviews", "/funds"]],
    ["contractor", ["/docket", "/data-reports", "/funds/claims", "/assets", "/assets/tags", "/assets/counts", "/assets/discrepancies"]],
  ]) {
    it(`${who}: every menu page is accessible and in Chinese`, async (t) => {
      const s = await session(t);
      if (!s) return;
      // axe is injected as an inline script, which the product's CSP rightly refuses.
      const page = await s.browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true, locale: "zh-CN" });
      await login(page, s.url, who);
      const problems = [];
      const pages = await walk(page, s.url, who, problems);
      for (const p of expects) assert.ok(pages.includes(p), `${who} reaches ${p}: ${pages.join(" ")}`);
      if (who === "contractor") {
        assert.ok(!pages.includes("/settings/users"), pages.join(" "));
        assert.equal(await page.goto(`${s.url}/reviews`).then(() => page.textContent("h1")), "我的提交");
      }
      assert.deepEqual(problems, [], problems.join("\n"));
    });
  }
});

test("public: the login page, the notice board, reporting and the public pages are accessible and in Chinese", async (t) => {
  const s = await session(t);
  if (!s) return;
  // axe is injected as an inline script, which the product's CSP rightly refuses.
    const page = await s.browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true, locale: "zh-CN" });
  const problems = [];
  for (const path of ["/login", "/notices", "/report", "/report/lookup", "/public", "/public/141122"]) {
    const res = await page.goto(`${s.url}${path}`);
    assert.ok(res.ok(), `${path}: ${res.status()}`);
    await check(page, "public", path.replace(/\//g, "_"), problems);
  }
  assert.deepEqual(problems, [], problems.join("\n"));
});

test("the administrator makes a contractor user, who sees only its enterprise; revokes its token and disables it", async (t) => {
  const s = await session(t);
  if (!s) return;
  const admin = await s.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await login(admin, s.url, "admin");
  await admin.goto(`${s.url}/settings/users`);
  await admin.fill("#username", "station_b");
  await admin.fill("#display_name", "周站长");
  await admin.selectOption("#role", "contractor");
  await admin.selectOption("#enterprise_id", { label: "交城县顺通物流有限公司" });
  await admin.fill("#password", "station-b-pass");
  await Promise.all([admin.waitForURL(/saved=1/), admin.click("button:has-text('新增用户')")]);
  assert.ok(await admin.isVisible("tr[data-username=station_b]"));

  // The new user, on a phone: only its own enterprise anywhere it looks.
  const ctx = await s.browser.newContext({ viewport: { width: 375, height: 812 } });
  const user = await ctx.newPage();
  await user.goto(`${s.url}/login`);
  await user.fill("#username", "station_b");
  await user.fill("#password", "station-b-pass");
  await Promise.all([user.waitForURL((u) => !u.pathname.startsWith("/login")), user.click("button[type=submit]")]);
  for (const path of ["/docket", "/projects", "/enterprises", "/inspections", "/orders"]) {
    await user.goto(`${s.url}${path}`);
    const text = await user.textContent("main");
    for (const other of ["晋商电商", "红枣农产品", "宏达超市"]) {
      assert.ok(!text.includes(other), `station_b sees ${other} on ${path}`);
    }
  }
  await user.goto(`${s.url}/enterprises`);
  assert.ok((await user.textContent("main")).includes("顺通物流"));
  // It makes a token for its own system.
  await user.goto(`${s.url}/account`);
  await user.fill("#name", "站点系统对接");
  await user.click("button:has-text('创建令牌')");
  const secret = (await user.textContent("[data-testid=new-token] code")).trim();
  const api = (token) => fetch(`${s.url}/api/v1/docket`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal((await api(secret)).status, 200);

  // The administrator revokes it from the user's page, then disables the user.
  await admin.goto(`${s.url}/settings/users`);
  await Promise.all([admin.waitForURL(/\/settings\/users\/[0-9a-f-]+$/), admin.click("a:has-text('station_b')")]);
  assert.ok((await admin.textContent("[data-testid=tokens]")).includes("站点系统对接"));
  await shoot(admin, "settings-user");
  await Promise.all([admin.waitForURL(/saved=1/), admin.click("[data-testid=tokens] button:has-text('撤销')")]);
  assert.ok((await admin.textContent("[data-testid=tokens]")).includes("已撤销"));
  assert.equal((await api(secret)).status, 401);
  admin.once("dialog", (d) => d.accept());
  await Promise.all([admin.waitForURL(/saved=1/), admin.click("button:has-text('停用')")]);
  assert.ok((await admin.textContent("[data-testid=user]")).includes("已停用"));
  await user.goto(`${s.url}/docket`);
  assert.match(new URL(user.url()).pathname, /^\/login/, "the disabled user is logged out");
  await ctx.close();
});
