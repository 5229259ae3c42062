// Issue 15: the registers leave as Excel with the list's filters, and a project's
// acceptance dossier is built in the background with its progress shown, downloaded, and
// verified by the binary with no database (what an auditor who receives it does).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import XLSX from "xlsx";
import { login, session, shoot } from "../lib/harness.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const binary = process.env.JIANGUAN_BIN || join(root, "target", "debug", "jianguan");

test("a filtered list is exported as the same rows in Excel", async (t) => {
  const s = await session(t);
  if (!s) return;
  const ctx = await s.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await ctx.newPage();
  await login(page, s.url, "inspector");
  await page.goto(`${s.url}/projects?system=logistics`);
  const names = (await page.$$eval("table.list tbody tr td:first-child", (tds) => tds.map((td) => td.textContent.trim()))).sort();
  assert.ok(names.length > 0);
  const [file] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=export-xlsx]")]);
  assert.match(file.suggestedFilename(), /\.xlsx$/);
  const wb = XLSX.read(readFileSync(await file.path()));
  const rows = XLSX.utils.sheet_to_json(wb.Sheets[wb.SheetNames[0]], { header: 1 });
  assert.equal(rows[0][0], "项目名称");
  assert.deepEqual(rows.slice(1).map((r) => String(r[0])).sort(), names);
});

test("a project's acceptance dossier is built, downloaded and verifies", async (t) => {
  const s = await session(t);
  if (!s) return;
  const ctx = await s.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await ctx.newPage();
  await login(page, s.url, "inspector");
  await page.goto(`${s.url}/projects`);
  await page.click("table.list tbody tr:first-child a");
  await page.waitForURL(/\/projects\/[^/?]+$/);
  await Promise.all([page.waitForURL(/\/dossiers\/[^/?]+$/), page.click("[data-testid=build-dossier]")]);
  // The page follows the build by itself and shows the result when it ends.
  await page.waitForSelector("[data-testid=dossier-done]", { timeout: 60_000 });
  assert.match(await page.textContent("[data-testid=dossier-done]"), /档案已生成：共 \d+ 个文件/);
  await shoot(page, "63-dossier");
  const [zip] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=dossier-download]")]);
  assert.match(zip.suggestedFilename(), /^验收档案-.*\.zip$/);
  const path = await zip.path();
  assert.equal(readFileSync(path).subarray(0, 2).toString(), "PK");
  const out = spawnSync(binary, ["dossier", "verify", path], { encoding: "utf8" });
  assert.equal(out.status, 0, out.stdout + out.stderr);
  assert.match(out.stdout, /校验通过/);
});

test("a whole programme's dossier is built from the project list and verifies", async (t) => {
  const s = await session(t);
  if (!s) return;
  const ctx = await s.browser.newContext({ viewport: { width: 375, height: 812 }, acceptDownloads: true });
  const page = await ctx.newPage();
  await login(page, s.url, "viewer");
  await page.goto(`${s.url}/projects`);
  await Promise.all([page.waitForURL(/\/dossiers\/[^/?]+$/), page.click("[data-testid=build-programme-dossier]")]);
  await page.waitForSelector("[data-testid=dossier-done]", { timeout: 120_000 });
  assert.match(await page.textContent("main"), /含全部承办项目/);
  const [zip] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=dossier-download]")]);
  const out = spawnSync(binary, ["dossier", "verify", await zip.path()], { encoding: "utf8" });
  assert.equal(out.status, 0, out.stdout + out.stderr);
  assert.match(out.stdout, /综合示范项目，含全部承办项目/);
});
