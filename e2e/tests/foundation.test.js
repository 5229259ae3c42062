// Issue 2: an inspector logs in, meets the USCC check, creates an enterprise and a
// project, and logs out; at phone width, with screenshots of every page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { login, session, shoot } from "../lib/harness.js";

test("inspector creates an enterprise and a project at phone width", async (t) => {
  const s = await session(t);
  if (!s) return;
  const { server, browser } = s;
  const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
  const url = server.url;

  await page.goto(`${url}/`);
  assert.match(new URL(page.url()).pathname, /^\/login/, "anonymous visitors are sent to the login page");
  await shoot(page, "01-login");

  await login(page, url, "inspector");
  // An inspector lands on today's docket; the county's overview is one click away.
  assert.match(new URL(page.url()).pathname, /^\/docket$/);
  assert.match(await page.textContent("h1"), /^今日待办/);
  assert.ok((await page.textContent("[data-testid=who]")).includes("检查组成员"));
  // At phone width the menu is folded behind the menu button.
  assert.equal(await page.isVisible("nav.side"), false);
  await page.click("label.menu-button");
  assert.equal(await page.isVisible("nav.side"), true);
  await shoot(page, "02-home");

  await page.click("nav.side >> text=企业");
  await page.waitForURL(/\/enterprises$/);
  await shoot(page, "03-enterprises");
  await page.click("text=新增企业");
  await page.fill("#name", "交城县田园电商有限公司");
  await page.fill("#uscc", "91350100M000100Y44"); // last character corrupted
  await page.fill("#contact_person", "赵六");
  await page.click("button:has-text('保存')");
  const error = await page.textContent("[data-field-error=uscc]");
  assert.ok(error.includes("校验位错误") && error.includes("第 18 位"), error);
  assert.ok(await page.isVisible(".error-summary"), "errors are summarised at the top");
  assert.equal(await page.inputValue("#name"), "交城县田园电商有限公司", "nothing typed is lost");
  assert.equal(await page.inputValue("#contact_person"), "赵六");
  await shoot(page, "04-enterprise-uscc-error");

  await page.fill("#uscc", "91350100M000100Y43");
  await page.click("button:has-text('保存')");
  await page.waitForURL(/\/enterprises\/[0-9a-f-]+\?saved=1$/);
  assert.equal((await page.textContent("h1")).trim(), "交城县田园电商有限公司");
  assert.ok(await page.isVisible("text=已保存"));
  await shoot(page, "05-enterprise-created");

  await page.click("text=为该企业新增项目");
  await page.fill("#name", "会立乡农产品上行服务站");
  await page.selectOption("#system", "public_service");
  await page.selectOption("#township", "会立乡");
  await page.fill("#central_funds", "350,000");
  await page.fill("#construction_start", "2026-12-01");
  await page.fill("#construction_end", "2027-05-31");
  await page.fill("#targets", "村级服务站 6 个\n培训人次 300 人次");
  await shoot(page, "06-project-form");
  await page.click("button:has-text('保存')");
  await page.waitForURL(/\/projects\/[0-9a-f-]+\?saved=1$/);
  const body = await page.textContent("main");
  for (const text of ["会立乡农产品上行服务站", "交城县田园电商有限公司", "¥350,000.00", "村级服务站：6 个", "计划中"]) {
    assert.ok(body.includes(text), `project page lacks ${text}`);
  }
  await shoot(page, "07-project-created");

  await page.click("button:has-text('退出登录')");
  await page.waitForURL(/\/login\?logged_out=1$/);
  assert.ok(await page.isVisible("text=您已安全退出"));
  await shoot(page, "08-logged-out");
  await page.goto(`${url}/projects`);
  assert.match(new URL(page.url()).pathname, /^\/login/, "logged out for real");
});
