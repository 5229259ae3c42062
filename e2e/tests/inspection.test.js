// Issue 4 at phone width: an inspector records an inspection with minutes and a photo and
// finalises it, and the docket's quota warning for that project drops; a rectification
// order goes to the contractor, is sent back once and accepted on resubmission.
import { test } from "node:test";
import assert from "node:assert/strict";
import { drawnJpeg, login, session, shoot } from "../lib/harness.js";

const phone = { viewport: { width: 375, height: 812 } };

test("an inspection with a photo, then a rectification order to the end, at 375 px", async (t) => {
  const s = await session(t);
  if (!s) return;
  const { server, browser } = s;
  const url = server.url;
  const inspector = await (await browser.newContext(phone)).newPage();
  inspector.on("dialog", (d) => d.accept());
  await login(inspector, url, "inspector");

  // A current construction quota warning from the docket, and its project.
  await inspector.goto(`${url}/docket?area=inspection`);
  const row = inspector.locator("tr[data-rule='inspection.construction_quota'][data-severity='warning']").first();
  const key = await row.getAttribute("data-key");
  assert.ok(key, "the demo has a current construction quota warning");
  await row.locator("a").click();
  await inspector.waitForURL(/\/docket\/[0-9a-f-]+$/);

  let finalised = 0;
  for (let round = 0; round < 3; round++) {
    // From the finding: record the inspection it asks for.
    await inspector.goto(`${url}/docket?area=inspection&include_resolved=true`);
    await inspector.locator(`tr[data-key='${key}'] a`).click();
    await Promise.all([inspector.waitForURL(/\/inspections\/new/), inspector.click("a:has-text('记录检查')")]);
    assert.ok(await inspector.isChecked("input[name=kind_construction]"), "the kind comes from the finding");
    await inspector.fill("#inspectors", "王检查，李检查");
    await inspector.selectOption("#std_construction", "pass");
    await inspector.fill("#minutes", `第${round + 1}次：听取企业汇报，实地查看仓储中心建设进度，与计划一致。`);
    if (round === 0) await shoot(inspector, "21-inspection-form");
    await Promise.all([inspector.waitForURL(/\/inspections\/[0-9a-f-]+\?saved=1/), inspector.click("button:has-text('保存')")]);

    // Finalising without a photo is refused, with the reason beside the upload.
    if (round === 0) {
      await inspector.click("[data-testid=finalise]");
      await inspector.waitForSelector("[data-field-error=photos], .error-summary");
      assert.ok((await inspector.textContent(".error-summary")).includes("至少上传 1 张"));
    }
    await inspector.setInputFiles("#photo", { name: "现场.jpg", mimeType: "image/jpeg", buffer: await drawnJpeg(inspector) });
    await Promise.all([inspector.waitForURL(/saved=1#photos/), inspector.click("button:has-text('上传照片')")]);
    assert.equal(await inspector.locator("ul.photos img").count(), 1);
    if (round === 0) await shoot(inspector, "22-inspection-photo");
    await Promise.all([inspector.waitForURL(/saved=1/), inspector.click("[data-testid=finalise]")]);
    assert.equal((await inspector.textContent("[data-testid=status]")).trim(), "已定稿");
    finalised++;
    await inspector.goto(`${url}/docket?area=inspection`);
    if ((await inspector.locator(`tr[data-key='${key}']`).count()) === 0) break;
  }
  assert.equal(await inspector.locator(`tr[data-key='${key}']`).count(), 0, `warning still there after ${finalised} inspections`);

  // The contractor's project, from the contractor's own list.
  const contractor = await (await browser.newContext(phone)).newPage();
  await login(contractor, url, "contractor");
  await contractor.goto(`${url}/projects`);
  const projectHref = await contractor.locator("table.list tbody tr:first-child a").first().getAttribute("href");
  const projectId = projectHref.split("/").pop();

  // The inspector issues a rectification order.
  await inspector.goto(`${url}/orders/new?project_id=${projectId}`);
  await inspector.fill("#title", "村级服务站未挂牌");
  await inspector.fill("#requirements", "十日内在服务站门口悬挂统一标识，并提交照片。");
  await Promise.all([inspector.waitForURL(/\/orders\/[0-9a-f-]+\?saved=1/), inspector.click("button:has-text('开具并通知企业')")]);
  const orderUrl = inspector.url().split("?")[0];

  // The contractor sees it (notified), answers; the inspector sends it back once.
  await contractor.goto(`${url}/notifications`);
  assert.ok((await contractor.textContent("main")).includes("收到整改通知：村级服务站未挂牌"));
  await contractor.goto(orderUrl);
  await contractor.fill("#text", "已悬挂标识。");
  await Promise.all([contractor.waitForURL(/saved=1/), contractor.click("[data-testid=submit-rectification]")]);
  await inspector.goto(orderUrl);
  await inspector.fill("#note", "照片中看不到标识，请重新拍摄。");
  await Promise.all([inspector.waitForURL(/saved=1/), inspector.click("[data-testid=reject]")]);
  await contractor.goto(orderUrl);
  assert.equal((await contractor.textContent("[data-testid=order-state]")).trim(), "被退回，待重新整改");
  assert.ok((await contractor.textContent("main")).includes("照片中看不到标识"));
  await contractor.fill("#text", "已重新拍摄标识照片，见附件。");
  await Promise.all([contractor.waitForURL(/saved=1/), contractor.click("[data-testid=submit-rectification]")]);
  await contractor.setInputFiles("#photo", { name: "标识.jpg", mimeType: "image/jpeg", buffer: await drawnJpeg(contractor) });
  await Promise.all([contractor.waitForURL(/saved=1/), contractor.click("button:has-text('上传照片')")]);
  await shoot(contractor, "23-order-contractor");
  await inspector.goto(orderUrl);
  await Promise.all([inspector.waitForURL(/saved=1/), inspector.click("[data-testid=accept]")]);
  assert.equal((await inspector.textContent("[data-testid=order-state]")).trim(), "整改完成");
  await shoot(inspector, "24-order-accepted");
});
