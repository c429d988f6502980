// The Skills Library in the real app: empty start, create a skill, reject an unsafe name inline.
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

const SCREENSHOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "target", "e2e-library.png");

/** @type {WebdriverIO.Browser} */
let browser;
const byTestId = (id) => browser.$(`[data-testid="${id}"]`);

before(async () => {
  browser = await remote({
    hostname: "127.0.0.1",
    port: Number(process.env.WEBDRIVER_PORT),
    logLevel: "warn",
    // An app that exits or never enables automation leaves POST /session hanging: fail fast instead of retrying.
    connectionRetryTimeout: 30_000,
    connectionRetryCount: 0,
    capabilities: { "webkitgtk:browserOptions": { binary: process.env.APP_BIN, args: [] } },
  });
});

after(async () => {
  await browser?.deleteSession();
});

/** WebKitGTK's screenshot can lag a frame behind the DOM under Xvfb; two animation frames let it catch up. */
async function screenshot(path) {
  await browser.execute(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await browser.saveScreenshot(path);
}

async function submitNewSkill(name, domain) {
  await byTestId("create-skill-open").click();
  await byTestId("create-skill-name").setValue(name);
  await byTestId("create-skill-domain").setValue(domain);
  await byTestId("create-skill-submit").click();
}

test("a fresh library shows the empty state", async () => {
  await byTestId("library-empty").waitForDisplayed({ timeout: 15_000 });
});

test("creating sales-kpis closes the dialog and adds its card", async () => {
  await submitNewSkill("sales-kpis", "Sales analytics");
  const card = byTestId("skill-card-sales-kpis");
  await card.waitForDisplayed({ timeout: 10_000 });
  assert.match(await card.getText(), /Sales analytics/);
  assert.equal(await byTestId("create-skill-dialog").isExisting(), false);
});

test("an unsafe name is rejected inline and the dialog keeps it", async () => {
  await submitNewSkill("../evil", "Security");
  const error = byTestId("create-skill-error");
  await error.waitForDisplayed({ timeout: 10_000 });
  assert.match(await error.getText(), /name/i);
  assert.equal(await byTestId("create-skill-name").getValue(), "../evil");
  assert.equal(await byTestId("skill-card-sales-kpis").isDisplayed(), true);
  await screenshot(SCREENSHOT);
});
