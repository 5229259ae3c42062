// Issue 5 at phone width: a contractor downloads the month's XLSX template, fills it
// (here with SheetJS), uploads it, sees a cell error, fixes it and submits; an inspector
// marks it "has issues"; the contractor corrects and resubmits; the inspector approves.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import XLSX from "xlsx";
import { login, session, shoot } from "../lib/harness.js";

const phone = { viewport: { width: 375, height: 812 }, acceptDownloads: true };

function thisMonth() {
  // China time (UTC+8), as the server counts months.
  const d = new Date(Date.now() + 8 * 3600 * 1000);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** The template with every value cell filled by `value(row)`. */
function fill(bytes, value) {
  const wb = XLSX.read(bytes, { type: "buffer" });
  const ws = wb.Sheets[wb.SheetNames[0]];
  const range = XLSX.utils.decode_range(ws["!ref"]);
  for (let r = 2; r <= range.e.r; r++) {
    const v = value(r);
    ws[XLSX.utils.encode_cell({ r, c: 3 })] = typeof v === "number" ? { t: "n", v } : { t: "s", v };
  }
  range.e.c = Math.max(range.e.c, 3);
  ws["!ref"] = XLSX.utils.encode_range(range);
  return XLSX.write(wb, { type: "buffer", bookType: "xlsx" });
}

/** Confirms unusual figures when the page asks, then waits for the saved page. */
async function confirmIfAsked(page) {
  if ((await page.locator("input[name=confirm][type=checkbox]").count()) > 0) {
    await page.check("input[name=confirm][type=checkbox]");
    await page.fill("#explanation", "本月开展促销活动，销量明显增加。");
    await Promise.all([page.waitForURL(/saved=1/), page.click("[data-testid=submit-data]")]);
  }
  assert.match(page.url(), /saved=1/);
}

test("operating data through the XLSX template, reviewed and corrected, at 375 px", async (t) => {
  const s = await session(t);
  if (!s) return;
  const { server, browser } = s;
  const url = server.url;
  const month = thisMonth();
  const contractor = await (await browser.newContext(phone)).newPage();
  await login(contractor, url, "contractor");
  await contractor.goto(`${url}/data-reports`);
  await contractor.fill("form[action='/data-reports/template'] input[name=month]", month);
  const [download] = await Promise.all([contractor.waitForEvent("download"), contractor.click("[data-testid=download-template]")]);
  const template = readFileSync(await download.path());
  assert.ok(template.subarray(0, 2).toString() === "PK", "an .xlsx file");

  // Text in a number cell: the cell is named, nothing saved.
  await contractor.goto(`${url}/data-reports`);
  await contractor.setInputFiles("#file", { name: "数据.xlsx", mimeType: "application/octet-stream", buffer: fill(template, (r) => (r === 2 ? "一千左右" : 1000)) });
  await contractor.click("button:has-text('上传并核对')");
  await contractor.waitForSelector("[data-field-error=file]");
  const error = await contractor.textContent("[data-field-error=file]");
  assert.ok(error.includes("D3 单元格") && error.includes("不是数字"), error);
  await shoot(contractor, "31-data-cell-error");

  // Fixed and uploaded again; unusual figures are confirmed with a reason.
  await contractor.setInputFiles("#file", { name: "数据.xlsx", mimeType: "application/octet-stream", buffer: fill(template, () => 1000) });
  await Promise.all([contractor.waitForLoadState(), contractor.click("button:has-text('上传并核对')")]);
  await confirmIfAsked(contractor);

  // The inspector marks it "has issues".
  const inspector = await (await browser.newContext(phone)).newPage();
  await login(inspector, url, "inspector");
  await inspector.goto(`${url}/data-reports`);
  const pending = inspector.locator("[data-testid=data-report]", { has: inspector.locator("[data-testid=issues-data]") }).first();
  await pending.locator("textarea[name=note]").fill("网络零售额与平台后台数据不符，请核对。");
  await Promise.all([inspector.waitForURL(/data-reports/), pending.locator("[data-testid=issues-data]").click()]);

  // The contractor sees why, corrects and resubmits on the form.
  await contractor.goto(`${url}/data-reports`);
  assert.ok((await contractor.textContent("main")).includes("与平台后台数据不符"));
  await contractor.fill("#month", month);
  for (const input of await contractor.locator("input[name^=fig_]").all()) await input.fill("1000");
  await contractor.fill("#explanation", "已按平台后台数据核对更正。");
  await Promise.all([contractor.waitForLoadState(), contractor.click("[data-testid=submit-data]")]);
  await confirmIfAsked(contractor);
  await shoot(contractor, "32-data-resubmitted");

  // The inspector approves the corrected version.
  await inspector.goto(`${url}/data-reports`);
  const again = inspector.locator("[data-testid=data-report]", { has: inspector.locator("[data-testid=approve-data]") }).first();
  await Promise.all([inspector.waitForURL(/data-reports/), again.locator("[data-testid=approve-data]").click()]);
  await contractor.goto(`${url}/data-reports`);
  assert.equal((await contractor.locator("[data-testid=data-state]").first().textContent()).trim(), "审核通过");
});
