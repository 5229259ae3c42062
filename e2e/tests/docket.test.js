// Issue 3: the county docket shows the demo's findings, filters work, and a contractor
// sees only their own enterprise's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { login, session, shoot } from "../lib/harness.js";

test("the docket in Chromium: county, filters, contractor", async (t) => {
  const s = await session(t);
  if (!s) return;
  const { server, browser } = s;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const url = server.url;

  await login(page, url, "inspector");
  await page.goto(`${url}/docket`);
  const rows = await page.locator("table.docket tbody tr").count();
  assert.ok(rows >= 20, `demo docket has ${rows} rows`);
  // Critical first, with the severity in words.
  assert.equal((await page.textContent("table.docket tbody tr:first-child .badge")).trim(), "紧急");
  const rules = await page.locator("table.docket tbody tr").evaluateAll((trs) => trs.map((tr) => tr.dataset.rule));
  for (const r of ["funds.duplicate_claim", "progress.severe_lag", "inspection.construction_quota", "tipoff.unanswered"]) {
    assert.ok(rules.includes(r), `${r} missing from the docket`);
  }
  await shoot(page, "11-docket");

  // Filter by area: only funds findings remain.
  await page.selectOption("#area", "funds");
  await Promise.all([page.waitForURL(/area=funds/), page.click("button:has-text('筛选')")]);
  const filtered = await page.locator("table.docket tbody tr").evaluateAll((trs) => trs.map((tr) => tr.dataset.rule));
  assert.ok(filtered.length > 0 && filtered.every((r) => r.startsWith("funds.")), filtered.join(","));

  // A finding's page quotes its clause.
  await page.click("table.docket tbody tr:first-child a");
  await page.waitForURL(/\/docket\/[0-9a-f-]+$/);
  assert.ok((await page.textContent("blockquote.clause")).includes("即刻追回资金"));
  await shoot(page, "12-finding");
  await page.click("button:has-text('退出登录')");

  // The contractor sees only its own enterprise's findings, on a phone.
  await page.setViewportSize({ width: 375, height: 812 });
  await login(page, url, "contractor");
  await page.goto(`${url}/docket`);
  assert.equal((await page.textContent("h1")).trim(), "本企业待办");
  const subjects = await page.locator("table.docket tbody td[data-label='事项']").allTextContents();
  assert.ok(subjects.length > 0, "the contractor has findings of its own");
  const body = await page.textContent("main");
  for (const other of ["顺通物流", "红枣农产品", "宏达超市"]) {
    assert.ok(!body.includes(other), `contractor sees ${other}`);
  }
  await shoot(page, "13-docket-contractor");
});
