// Issue 14 at phone width: a contractor issues tags and prints the label sheet, imports its
// ledger from XLSX with those tags; an inspector counts the station — one label read by the
// phone's camera (Chromium's fake camera playing a label from the printed sheet), one from
// a photo of a label (marked damaged), an issued but unbound label (unknown, photographed),
// one asset left unscanned — closes the count, finds the discrepancies on the docket, and
// settles the missing one as found later by typing its tag.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import XLSX from "xlsx";
import { launchBrowser, login, session, shoot } from "../lib/harness.js";

const PHONE = { viewport: { width: 375, height: 812 } };
const VILLAGE = "东关村服务站";

/** A label of the printed sheet as a PNG, drawn large enough for a phone to read. */
async function labelPng(browser, url, cookies, batch, tag) {
  const ctx = await browser.newContext({ viewport: { width: 900, height: 1300 }, deviceScaleFactor: 3 });
  await ctx.addCookies(cookies);
  const page = await ctx.newPage();
  await page.goto(`${url}/assets/labels?batch=${encodeURIComponent(batch)}&stock=a4-3x8`);
  const png = await page.locator(`g.label[data-tag='${tag}']`).screenshot();
  await ctx.close();
  return png;
}

/** A Y4M video (what Chromium's fake camera plays) of the picture centred on white. */
async function y4mOf(page, png) {
  const W = 640;
  const H = 480;
  const b64 = await page.evaluate(async ({ src, W, H }) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const c = document.createElement("canvas");
    c.width = W;
    c.height = H;
    const g = c.getContext("2d");
    g.fillStyle = "#fff";
    g.fillRect(0, 0, W, H);
    const scale = Math.min((W * 0.9) / img.width, (H * 0.9) / img.height);
    const w = img.width * scale;
    const h = img.height * scale;
    g.drawImage(img, (W - w) / 2, (H - h) / 2, w, h);
    const d = g.getImageData(0, 0, W, H).data;
    let s = "";
    for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode.apply(null, d.subarray(i, i + 0x8000));
    return btoa(s);
  }, { src: `data:image/png;base64,${png.toString("base64")}`, W, H });
  const rgba = Buffer.from(b64, "base64");
  const y = Buffer.alloc(W * H);
  const u = Buffer.alloc((W / 2) * (H / 2));
  const v = Buffer.alloc((W / 2) * (H / 2));
  for (let j = 0; j < H; j++) {
    for (let i = 0; i < W; i++) {
      const p = (j * W + i) * 4;
      y[j * W + i] = Math.round(0.299 * rgba[p] + 0.587 * rgba[p + 1] + 0.114 * rgba[p + 2]);
    }
  }
  for (let j = 0; j < H / 2; j++) {
    for (let i = 0; i < W / 2; i++) {
      let r = 0, gg = 0, b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const p = ((2 * j + dy) * W + 2 * i + dx) * 4;
        r += rgba[p]; gg += rgba[p + 1]; b += rgba[p + 2];
      }
      r /= 4; gg /= 4; b /= 4;
      u[j * (W / 2) + i] = Math.max(0, Math.min(255, Math.round(-0.169 * r - 0.331 * gg + 0.5 * b + 128)));
      v[j * (W / 2) + i] = Math.max(0, Math.min(255, Math.round(0.5 * r - 0.419 * gg - 0.081 * b + 128)));
    }
  }
  const frame = Buffer.concat([Buffer.from("FRAME\n"), y, u, v]);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]);
}

test("a station's assets are labelled, imported, counted with the camera and settled, at 375 px", async (t) => {
  const s = await session(t);
  if (!s) return;
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

  // The contractor issues four tags and prints the sheet.
  const cctx = await s.browser.newContext(PHONE);
  const contractor = await cctx.newPage();
  await login(contractor, s.url, "contractor");
  await contractor.goto(`${s.url}/assets/tags`);
  await contractor.fill("#count", "4");
  await Promise.all([contractor.waitForURL(/\/assets\/labels\?batch=/), contractor.click("[data-testid=issue-tags]")]);
  const tags = await contractor.locator("g.label").evaluateAll((gs) => gs.map((g) => g.dataset.tag));
  assert.equal(tags.length, 4, tags.join(","));
  const batch = new URL(contractor.url()).searchParams.get("batch");
  await shoot(contractor, "51-label-sheet");

  // Its ledger in Excel: three assets with the first three tags; the fourth label stays unused.
  await contractor.goto(`${s.url}/projects`);
  const project = (await contractor.locator("table.list tbody tr td a").first().textContent()).trim();
  const rows = [
    ["标签编号", "资产名称", "资产类型", "资产类别", "规格型号", "数量", "计量单位", "原值（元）", "购置日期", "发票代码及号码", "中央财政资金", "所属项目", "乡镇", "村（社区）", "存放地址", "保管人", "资产状态"],
    [tags[0], "冷藏展示柜", "固定资产", "通用设备", "LC-1200", 1, "台", 12000, "2026-03-01", "", "是", project, "天宁镇", VILLAGE, "", "王建国", "在用"],
    [tags[1], "电子台秤", "固定资产", "电子设备", "TCS-150", 1, "台", 860, "2026-03-01", "", "是", project, "天宁镇", VILLAGE, "", "王建国", "在用"],
    [tags[2], "收银电脑", "固定资产", "电子设备", "", 1, "台", 4200, "2026-03-01", "", "是", project, "天宁镇", VILLAGE, "", "王建国", "在用"],
  ];
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), "资产台账");
  const file = XLSX.write(wb, { type: "buffer", bookType: "xlsx" });
  await contractor.goto(`${s.url}/assets`);
  await contractor.setInputFiles("#file", { name: "资产台账.xlsx", mimeType: "application/octet-stream", buffer: file });
  await Promise.all([contractor.waitForURL(/imported=3/), contractor.click("[data-testid=import-assets]")]);
  assert.match(await contractor.textContent("[data-testid=imported]"), /3 项/);
  const enterprise = await contractor.evaluate(async () => (await (await fetch("/api/v1/enterprises")).json()).items[0].id);

  // Pictures of the labels, as a phone would see them.
  const cookies = await cctx.cookies();
  const [png0, png1, png3] = [
    await labelPng(s.browser, s.url, cookies, batch, tags[0]),
    await labelPng(s.browser, s.url, cookies, batch, tags[1]),
    await labelPng(s.browser, s.url, cookies, batch, tags[3]),
  ];

  // The inspector starts a count of the station.
  const inspector = await (await s.browser.newContext(PHONE)).newPage();
  await login(inspector, s.url, "inspector");
  await inspector.goto(`${s.url}/assets/counts`);
  await inspector.selectOption("#enterprise_id", enterprise);
  await inspector.selectOption("#township", "天宁镇");
  await inspector.fill("#village", VILLAGE);
  await Promise.all([inspector.waitForURL(/\/assets\/counts\/[0-9a-f-]+$/), inspector.click("[data-testid=start-count-button]")]);
  const countUrl = inspector.url();
  assert.equal((await inspector.textContent("[data-testid=count-expected]")).trim(), "3");
  await shoot(inspector, "52-count-open");

  // The first label through the phone's camera (Chromium's fake camera plays the label).
  const dir = mkdtempSync(join(tmpdir(), "jianguan-camera-"));
  const video = join(dir, "label.y4m");
  writeFileSync(video, await y4mOf(inspector, png0));
  const cam = await launchBrowser(["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", `--use-file-for-fake-video-capture=${video}`]);
  t.after(() => cam.close());
  const camCtx = await cam.newContext(PHONE);
  await camCtx.grantPermissions(["camera"], { origin: s.url });
  const phone = await camCtx.newPage();
  await login(phone, s.url, "inspector");
  await phone.goto(countUrl);
  await phone.click("[data-testid=scan-camera]");
  await phone.waitForFunction(() => document.querySelector("[data-testid=count-done]").textContent.trim() === "1", null, { timeout: 30_000 });
  assert.match(await phone.textContent("[data-scan-status]"), /冷藏展示柜：在位/);
  await shoot(phone, "53-count-camera");
  await phone.click("[data-scan-stop]");

  // The second from a photo of its label, damaged.
  await inspector.reload();
  await inspector.check("input[name=result][value=damaged]");
  await inspector.fill("#note", "秤盘变形，读数不准");
  await inspector.setInputFiles("[data-scan-photo]", { name: "标签.png", mimeType: "image/png", buffer: png1 });
  await inspector.waitForFunction(() => document.querySelector("[data-testid=count-done]").textContent.trim() === "2");
  assert.match(await inspector.textContent("[data-scan-status]"), /电子台秤：损坏/);
  // The same label again: a warning, not a second entry.
  await inspector.setInputFiles("[data-scan-photo]", { name: "标签.png", mimeType: "image/png", buffer: png1 });
  await inspector.waitForFunction(() => /已扫描过/.test(document.querySelector("[data-scan-status]").textContent));
  // The unused fourth label: unknown, photographed as evidence.
  await inspector.setInputFiles("[data-scan-photo]", { name: "标签.png", mimeType: "image/png", buffer: png3 });
  await inspector.waitForFunction(() => /未知标签/.test(document.querySelector("[data-scan-status]").textContent));
  await inspector.setInputFiles("[data-testid=scan-photo-input]", { name: "现场.png", mimeType: "image/png", buffer: png3 });
  await inspector.waitForSelector("[data-testid=scan-photo-button][data-uploaded]");
  assert.equal((await inspector.textContent("[data-testid=count-besides]")).trim(), "1");
  await shoot(inspector, "54-count-scanned");

  // Closed with the third asset unscanned.
  inspector.once("dialog", (d) => d.accept());
  await Promise.all([inspector.waitForURL(/saved=1/), inspector.click("[data-testid=close-count]")]);
  assert.equal((await inspector.textContent("[data-testid=count-state]")).trim(), "已结束");
  assert.equal(await inspector.locator("[data-testid=discrepancy]").count(), 3);
  await shoot(inspector, "55-count-closed");

  // The discrepancies are on the docket.
  await inspector.goto(`${s.url}/docket`);
  const docket = await inspector.textContent("main");
  for (const what of ["收银电脑", "缺失", "电子台秤", "损坏", "未知标签"]) {
    assert.ok(docket.includes(what), `${what} on the docket`);
  }

  // The missing computer turns up: settled as found by its tag.
  await inspector.goto(countUrl);
  const missing = inspector.locator("[data-testid=discrepancy]", { hasText: "收银电脑" });
  await missing.locator("summary", { hasText: "已找到" }).click();
  await missing.locator("input[name=code]").fill(tags[2].toLowerCase());
  await missing.locator("textarea[id$='-found']").fill("在仓库货架后面找到");
  await Promise.all([inspector.waitForURL(/saved=1/), missing.locator("[data-testid=resolve-found]").click()]);
  const settled = inspector.locator("[data-testid=discrepancy]", { hasText: "收银电脑" });
  assert.equal((await settled.locator("[data-testid=discrepancy-state]").textContent()).trim(), "已处理");
  assert.match(await settled.locator("[data-testid=resolution]").textContent(), /已找到/);
  await shoot(inspector, "56-count-settled");
  await inspector.goto(`${s.url}/docket`);
  assert.ok(!(await inspector.textContent("main")).includes("收银电脑"), "off the docket once found");
});
