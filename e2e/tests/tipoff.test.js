// Issue 16 at phone width: a member of the public reports with a photo and no contact,
// keeps the receipt code and looks the case up; the inspector accepts and assigns it,
// records an inspection and links it, writes the reply; the responsible person approves;
// the public sees the reply and 已办结.
import { test } from "node:test";
import assert from "node:assert/strict";
import { drawnJpeg, login, session, shoot } from "../lib/harness.js";

const phone = { viewport: { width: 375, height: 812 } };

async function lookUp(page, url, code) {
  await page.goto(`${url}/report/lookup`);
  await page.fill("#code", code);
  await Promise.all([page.waitForLoadState("load"), page.click("[data-testid=lookup]")]);
  assert.ok(!page.url().includes(code.slice(0, 4)), "the code never goes into a URL");
  return (await page.textContent("[data-testid=case-state]")).trim();
}

test("a tip-off from the public to its approved reply, at 375 px", async (t) => {
  const s = await session(t);
  if (!s) return;
  const { server, browser } = s;
  const url = server.url;

  // The public: from the login page's link, no account.
  const pub = await (await browser.newContext(phone)).newPage();
  await pub.goto(`${url}/login`);
  await Promise.all([pub.waitForURL(/\/report/), pub.click("[data-testid=report-link]")]);
  assert.ok((await pub.textContent("[data-testid=contact-notice]")).includes("默认匿名"));
  await pub.selectOption("#service", "station");
  await pub.fill("#content", "西营镇某村的电商服务站最近半个月一直关门，贴的电话也打不通。");
  const projectOption = await pub.locator("#project_id option").nth(1).getAttribute("value");
  await pub.selectOption("#project_id", projectOption);
  await pub.setInputFiles("#photo", { name: "服务站.jpg", mimeType: "image/jpeg", buffer: await drawnJpeg(pub, "#8f6a3c") });
  // The page's proof-of-work is done while the person types.
  await pub.waitForFunction(() => document.querySelector("[name=proof]").value !== "", null, { timeout: 30_000 });
  await pub.waitForTimeout(3200); // a person takes longer than the form's minimum
  await shoot(pub, "60-report-form");
  await Promise.all([pub.waitForSelector("[data-testid=receipt-code]"), pub.click("[data-testid=submit-tipoff]")]);
  const code = (await pub.textContent("[data-testid=receipt-code]")).trim();
  assert.match(code, /^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){4}$/);
  await shoot(pub, "61-report-receipt");
  assert.equal(await lookUp(pub, url, code), "已收到，待受理");

  // The inspector accepts it and takes it on.
  const insp = await (await browser.newContext(phone)).newPage();
  await login(insp, url, "inspector");
  await insp.goto(`${url}/tipoffs`);
  await Promise.all([insp.waitForURL(/\/tipoffs\/[0-9a-f-]+$/), insp.click("a:has-text('西营镇某村的电商服务站')")]);
  const tipUrl = insp.url();
  assert.ok((await insp.textContent("[data-testid=tipoff-contact]")).includes("匿名"));
  await Promise.all([insp.waitForURL(/saved=1/), insp.click("[data-testid=accept]")]);
  assert.equal(await lookUp(pub, url, code), "已受理");
  const me = await insp.locator("#assignee_id option", { hasText: "检查" }).first().getAttribute("value");
  await insp.selectOption("#assignee_id", me);
  await Promise.all([insp.waitForURL(/saved=1/), insp.click("[data-testid=assign]")]);

  // An inspection of the project, recorded from the tip-off's page.
  await Promise.all([insp.waitForURL(/\/inspections\/new/), insp.click("[data-testid=record-inspection]")]);
  await insp.check("input[name=kind_construction]");
  await insp.fill("#inspectors", "王检查，李检查");
  await insp.selectOption("#std_construction", "pass");
  await insp.fill("#minutes", "根据群众举报到服务站现场检查：服务站已关门十余日，责成企业立即恢复营业。");
  await Promise.all([insp.waitForURL(/\/inspections\/[0-9a-f-]+\?saved=1/), insp.click("button:has-text('保存')")]);

  await insp.goto(tipUrl);
  const link = await insp.locator("#links option", { hasText: "检查" }).first().getAttribute("value");
  await insp.selectOption("#links", link);
  await insp.fill("#handling", "已到现场检查，责成承办企业恢复营业并公示服务时间。");
  await Promise.all([insp.waitForURL(/saved=1/), insp.click("[data-testid=handle]")]);
  assert.ok(await insp.isVisible("[data-testid=tipoff-links] a"));
  const reply = "经现场检查，该服务站已恢复正常营业，并在门口公示了营业时间和服务电话。感谢您的监督。";
  await insp.fill("#reply", reply);
  await Promise.all([insp.waitForURL(/saved=1/), insp.click("[data-testid=reply]")]);
  assert.equal(await lookUp(pub, url, code), "正在办理");

  // The responsible person approves the reply.
  const chief = await (await browser.newContext(phone)).newPage();
  await login(chief, url, "chief");
  await chief.goto(tipUrl);
  await shoot(chief, "62-tipoff-review");
  await Promise.all([chief.waitForURL(/saved=1/), chief.click("[data-testid=approve]")]);
  assert.equal((await chief.textContent("[data-testid=tipoff-state]")).trim(), "已办结");

  assert.equal(await lookUp(pub, url, code), "已办结");
  assert.ok((await pub.textContent("[data-testid=case-reply]")).includes("已恢复正常营业"));
  await shoot(pub, "63-report-lookup-closed");
});
