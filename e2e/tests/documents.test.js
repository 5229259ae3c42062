// Issue 15 (first part): from a rectification order, the inspector issues the
// 限期整改通知书; its page gives the PDF and the DOCX as issued, and the order's page
// lists it. The PDF is the document (A4, fonts embedded: checked in the Rust tests); here,
// what a person clicks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { login, session, shoot } from "../lib/harness.js";

test("a rectification order's 限期整改通知书 is issued and downloaded as PDF and DOCX", async (t) => {
  const s = await session(t);
  if (!s) return;
  const year = new Date(Date.now() + 8 * 3600e3).getUTCFullYear();
  const ctx = await s.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await ctx.newPage();
  await login(page, s.url, "inspector");
  await page.goto(`${s.url}/orders`);
  await page.click("table.list tbody tr:first-child a");
  await page.waitForURL(/\/orders\/[^/?]+$/);
  const orderUrl = page.url();
  await Promise.all([page.waitForURL(/\/documents\/[0-9a-f-]+\?saved=1/), page.click("[data-testid=issue-rectification_notice]")]);
  assert.equal((await page.textContent("[data-testid=document-number]")).trim(), `交电商办〔${year}〕1号`);
  assert.equal((await page.textContent("[data-testid=document-state]")).trim(), "已印发");
  await shoot(page, "61-document");

  const [pdf] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=download-pdf]")]);
  const pdfBytes = readFileSync(await pdf.path());
  assert.equal(pdfBytes.subarray(0, 4).toString(), "%PDF");
  assert.match(pdf.suggestedFilename(), /限期整改.*\.pdf$/);
  const [docx] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=download-docx]")]);
  assert.equal(readFileSync(await docx.path()).subarray(0, 2).toString(), "PK");
  assert.match(docx.suggestedFilename(), /\.docx$/);

  // The order lists what was issued from it; a second click is told it exists.
  await page.goto(orderUrl);
  assert.match(await page.textContent("[data-testid=issued-documents]"), new RegExp(`交电商办〔${year}〕1号`));
  await page.click("[data-testid=issue-rectification_notice]");
  assert.match(await page.textContent("main"), /已印发/);

  // The register, under 报表.
  await page.goto(`${s.url}/documents`);
  assert.match(await page.textContent("[data-testid=document-total]"), /共 1 件/);
  await shoot(page, "62-register");
});
