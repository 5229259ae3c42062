// Issue 12: nothing typed is lost. A session that ends mid-form, a page whose token went
// stale, or a closed tab gives back what was typed; a form that was saved starts empty.
import { test } from "node:test";
import assert from "node:assert/strict";
import { login, session, shoot } from "../lib/harness.js";

test("what was typed survives a timeout, a stale page and a closed tab", async (t) => {
  const s = await session(t);
  if (!s) return;
  const { server, browser } = s;
  const url = server.url;
  const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
  const page = await context.newPage();
  await login(page, url, "inspector");
  await page.goto(`${url}/projects`);
  const project = (await page.locator("table.list tbody tr:first-child a").first().getAttribute("href")).split("/").pop();
  const form = `/inspections/new?mode=record&project_id=${project}&kind=construction`;
  const minutes = "村级服务站实地查看：台账缺失，货架有过期商品。";

  // The session ends while the inspector types (the cookie is gone as after the idle timeout).
  await page.goto(`${url}${form}`);
  await page.fill("#inspectors", "王检查，李检查");
  await page.fill("#minutes", minutes);
  await context.clearCookies();
  await Promise.all([page.waitForURL(/\/login\?expired=1/), page.click("button:has-text('保存')")]);
  assert.ok((await page.textContent("[data-testid=expired]")).includes("登录已超时"));
  await shoot(page, "60-session-expired");
  await page.fill("#username", "inspector");
  await page.fill("#password", "jianguan-demo");
  await Promise.all([page.waitForURL((u) => u.pathname === "/inspections/new"), page.click("button[type=submit]")]);
  assert.equal(await page.inputValue("#minutes"), minutes, "the minutes come back after logging in");
  assert.equal(await page.inputValue("#inspectors"), "王检查，李检查");
  assert.ok(await page.isVisible("[data-testid=draft-restored]"));
  await shoot(page, "61-draft-restored");

  // A stale token: the page says it expired; going back to the form gives the text back.
  await page.fill("#minutes", minutes + "（补记）");
  await page.evaluate(() => { document.querySelectorAll("input[name=_csrf]").forEach((i) => { i.value = "stale"; }); });
  await page.click("button:has-text('保存')");
  await page.waitForSelector("text=页面已过期");
  await page.goto(`${url}${form}`);
  assert.equal(await page.inputValue("#minutes"), minutes + "（补记）");

  // A closed tab: a new one in the same browser finds it too.
  await page.close();
  const again = await context.newPage();
  await again.goto(`${url}${form}`);
  assert.equal(await again.inputValue("#minutes"), minutes + "（补记）");

  // Saved: the draft is dropped, and the next new form starts empty.
  await again.selectOption("#std_construction", "pass");
  await Promise.all([again.waitForURL(/\/inspections\/[0-9a-f-]+\?saved=1/), again.click("button:has-text('保存')")]);
  await again.goto(`${url}${form}`);
  assert.equal(await again.inputValue("#minutes"), "");
  assert.equal(await again.isVisible("[data-testid=draft-restored]"), false);
  await context.close();
});
