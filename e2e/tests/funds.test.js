// Issue 13, at phone width: a contractor hands in a claim with two invoices and a scan; an
// inspector finds it flagged as a suspected duplicate, compares the invoices side by side
// and confirms it; the chief decides the recovery; a repayment is recorded; the project's
// money changes accordingly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { login, session, shoot } from "../lib/harness.js";

const PHONE = { width: 375, height: 812 };

async function scan(page) {
  const dataUrl = await page.evaluate(() => {
    const c = document.createElement("canvas");
    c.width = 600;
    c.height = 400;
    const g = c.getContext("2d");
    g.fillStyle = "#fff";
    g.fillRect(0, 0, 600, 400);
    g.fillStyle = "#b03a2e";
    g.fillRect(20, 20, 560, 40);
    return c.toDataURL("image/jpeg", 0.85);
  });
  return Buffer.from(dataUrl.split(",")[1], "base64");
}

async function money(page, url, label) {
  await page.goto(url);
  return (await page.textContent(`[data-money='${label}']`)).trim();
}

test("a duplicate claim is caught, compared, confirmed, recovered and repaid on a phone", async (t) => {
  const s = await session(t);
  if (!s) return;
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

  // The contractor hands in a claim with two invoices: one new, and one the demo's
  // invoice 04512876 typed under another code without its leading zero.
  const contractor = await s.browser.newPage({ viewport: PHONE });
  await login(contractor, s.url, "contractor");
  await contractor.goto(`${s.url}/funds/claims/new`);
  await contractor.selectOption("#project_id", { index: 1 });
  await contractor.fill("#amount", "9,450");
  await contractor.fill("#purpose", "村级服务站货架与电脑");
  const row = async (n, code, number, seller, amount, tax) => {
    await contractor.fill(`[id='invoices[${n}].code']`, code);
    await contractor.fill(`[id='invoices[${n}].number']`, number);
    await contractor.fill(`[id='invoices[${n}].date']`, today);
    await contractor.fill(`[id='invoices[${n}].seller']`, seller);
    await contractor.fill(`[id='invoices[${n}].amount']`, amount);
    await contractor.fill(`[id='invoices[${n}].tax']`, tax);
  };
  await row(0, "1400221130", "07770001", "交城县鑫源办公用品有限公司", "4000", "200");
  await row(1, "1400221131", "4512876", "太原市晋通设备有限公司", "5000", "250");
  // Without the declaration nothing is saved, and the form says why.
  await contractor.click("[data-testid=submit-claim]");
  await contractor.waitForSelector("[data-field-error=declared]");
  await contractor.check("input[name=declared]");
  await Promise.all([contractor.waitForURL(/\/funds\/claims\/[0-9a-f-]+\?saved=1/), contractor.click("[data-testid=submit-claim]")]);
  const claimUrl = contractor.url().split("?")[0];
  await contractor.setInputFiles("#photo", { name: "发票.jpg", mimeType: "image/jpeg", buffer: await scan(contractor) });
  await Promise.all([contractor.waitForURL(/saved=1/), contractor.click("[data-testid=upload-scan]")]);
  assert.equal(await contractor.locator("ul.photos img").count(), 1);
  assert.equal((await contractor.textContent("[data-testid=claim-state]")).trim(), "待审核");
  assert.ok(!(await contractor.textContent("main")).includes("重复申请比对"), "no comparison for the contractor");
  await shoot(contractor, "41-claim-contractor");

  // The inspector finds it flagged and compares the invoices side by side.
  const inspector = await s.browser.newPage({ viewport: PHONE });
  await login(inspector, s.url, "inspector");
  const projectUrl = `${s.url}${await inspector.goto(claimUrl).then(() => inspector.getAttribute("dd a[href^='/projects/']", "href"))}`;
  const before = {
    ordered: await money(inspector, projectUrl, "决定追回"),
    repaid: await money(inspector, projectUrl, "已退回"),
  };
  await inspector.goto(`${s.url}/funds/claims?flagged=1`);
  assert.ok((await inspector.textContent("table.list")).includes("疑似重复"));
  await inspector.goto(claimUrl);
  const comparison = inspector.locator("[data-testid=comparison]").first();
  assert.ok((await comparison.textContent()).includes("发票号码相同、发票代码不同"));
  assert.ok((await comparison.locator("tr.same").count()) >= 2, "what matched is marked");
  await shoot(inspector, "42-claim-comparison");
  const form = comparison.locator("[data-testid=decide-form]");
  await form.locator("input[value=yes]").check();
  await form.locator("textarea[name=reason]").fill("核对发票原件：两次申请为同一张设备发票，代码录入有误。");
  await Promise.all([inspector.waitForURL(/saved=1/), form.locator("[data-testid=decide]").click()]);
  assert.ok(await inspector.isVisible("text=是重复申请"), "the decision is on record");

  // The recovery proposal comes pre-filled with the amount; the chief decides it.
  await Promise.all([inspector.waitForURL(/\/sanctions\/new/), inspector.locator("[data-testid=propose-recovery]").first().click()]);
  assert.equal(await inspector.inputValue("#amount"), "9450.00");
  const due = new Date(Date.now() + 8 * 3600e3 + 30 * 86400e3).toISOString().slice(0, 10);
  await inspector.fill("#deadline", due);
  await Promise.all([inspector.waitForURL(/\/sanctions\/[0-9a-f-]+\?saved=1/), inspector.click("button:has-text('提交责任人决定')")]);
  const sanctionUrl = inspector.url().split("?")[0];
  const chief = await s.browser.newPage({ viewport: PHONE });
  await login(chief, s.url, "chief");
  await chief.goto(sanctionUrl);
  await chief.fill("#note", "同意追回。");
  await Promise.all([chief.waitForURL(/saved=1/), chief.click("[data-testid=decide]")]);

  // A repayment is recorded, never above what is owed.
  await inspector.goto(sanctionUrl);
  await inspector.fill("#repay-date", today);
  await inspector.fill("#repay-amount", "3000");
  await Promise.all([inspector.waitForURL(/saved=1/), inspector.click("button:has-text('登记退回款项')")]);
  assert.equal((await inspector.textContent("[data-testid=owed]")).trim(), "¥6,450.00");
  await shoot(inspector, "43-recovery-repaid");

  // The project's money follows.
  const after = {
    ordered: await money(inspector, projectUrl, "决定追回"),
    repaid: await money(inspector, projectUrl, "已退回"),
  };
  const fen = (x) => Math.round(Number(x.replace(/[¥,]/g, "")) * 100);
  assert.equal(fen(after.ordered) - fen(before.ordered), 945000, `${before.ordered} → ${after.ordered}`);
  assert.equal(fen(after.repaid) - fen(before.repaid), 300000, `${before.repaid} → ${after.repaid}`);
  await shoot(inspector, "44-project-money");
});
