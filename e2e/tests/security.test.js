// Issue 10, as a person meets it: an API token made on the account page, shown once,
// listed with its expiry and revoked; a hostile spreadsheet refused with the limit named;
// the signed checkpoints of the audit chain on the public notice board.
import { test } from "node:test";
import assert from "node:assert/strict";
import zlib from "node:zlib";
import { login, session, shoot } from "../lib/harness.js";

test("tokens on the account page, a hostile upload refused, checkpoints in public, at 375 px", async (t) => {
  const s = await session(t);
  if (!s) return;
  const { server, browser } = s;
  const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
  const url = server.url;

  await login(page, url, "inspector");
  await page.goto(`${url}/account`);
  await page.fill("#name", "数据报送接口");
  await page.fill("#days", "30");
  await page.click("button:has-text('创建令牌')");
  const secret = (await page.textContent("[data-testid=new-token] code")).trim();
  assert.match(secret, /^jg_[0-9a-f]{64}$/);
  const row = await page.textContent("[data-testid=tokens] tbody tr");
  assert.ok(row.includes("数据报送接口") && row.includes("有效") && row.includes("从未使用"), row);
  await shoot(page, "10-token-created");
  // The token works for a machine client, then is revoked from the page.
  const me = await page.request.get(`${url}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
  assert.equal(me.status(), 200);
  await page.goto(`${url}/account`);
  assert.equal(await page.isVisible("[data-testid=new-token]"), false, "the secret is shown once");
  await page.click("[data-testid=tokens] button:has-text('撤销')", { timeout: 10_000 });
  await page.waitForURL(/\/account#tokens$/, { timeout: 10_000 });
  assert.ok((await page.textContent("[data-testid=tokens] tbody tr")).includes("已撤销"));
  const after = await page.request.get(`${url}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
  assert.equal(after.status(), 401);
  await shoot(page, "11-token-revoked");

  // A contractor uploads a few kilobytes that claim the whole grid: refused, the limit named.
  await page.click("button:has-text('退出登录')");
  await login(page, url, "contractor");
  await page.goto(`${url}/data-reports`);
  const sheet = sparseWorkbook();
  await page.setInputFiles("input[type=file][name=file]", { name: "数据.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: sheet });
  await page.click("form[action*='/data-reports/upload'] button[type=submit]");
  const summary = await page.textContent(".error-summary");
  assert.ok(summary.includes("上限"), summary);
  await shoot(page, "12-hostile-sheet-refused");

  // Anyone may see the checkpoints of the audit chain on the notice board.
  const anon = await browser.newPage({ viewport: { width: 375, height: 812 } });
  await anon.goto(`${url}/notices`);
  const cp = await anon.textContent("[data-testid=checkpoints]");
  assert.ok(cp.includes("审计记录检查点") && /[0-9a-f]{64}/.test(cp), cp);
  await shoot(anon, "13-notices-checkpoints");
});

/**
 * A workbook whose dimension and one cell claim XFD1048576, the grid's far corner: a few
 * hundred bytes. Zipped by hand (stored, no compression), since a spreadsheet library
 * would walk the whole claimed grid to write it.
 */
function sparseWorkbook() {
  const parts = [
    ["xl/workbook.xml", '<workbook xmlns:r="r"><sheets><sheet name="生产经营数据" sheetId="1" r:id="rId1"/></sheets></workbook>'],
    ["xl/_rels/workbook.xml.rels", '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>'],
    ["xl/worksheets/sheet1.xml",
      '<worksheet><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>报送月份</t></is></c></row>' +
      '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>'],
  ];
  return storedZip(parts.map(([name, text]) => [Buffer.from(name), Buffer.from(text)]));
}

function storedZip(entries) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(data.length, 20);
    dir.writeUInt32LE(data.length, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    central.push(dir, name);
    offset += local.length + name.length + data.length;
  }
  const dirSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dirSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...central, end]);
}
