// The Skills Library in the real app: startup, empty start, create a skill, reject an unsafe name inline.
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

/** The first of these test ids on screen, or false. */
async function firstShown(ids) {
  for (const id of ids) if (await byTestId(id).isDisplayed()) return id;
  return false;
}

/**
 * Startup (agents-and-workflow.md §9.2): the dependency splash stops only when a blocking check
 * fails (these tests need no agents, so they go on without them), then a fresh data dir shows the
 * setup screen, whose defaults are kept.
 */
async function passStartup() {
  const ids = ["library-page", "setup-get-started", "startup-continue"];
  let shown = await browser.waitUntil(() => firstShown(ids), { timeout: 20_000 });
  if (shown === "startup-continue") {
    await byTestId("startup-continue").click();
    shown = await browser.waitUntil(() => firstShown(ids.slice(0, 2)), { timeout: 10_000 });
  }
  if (shown === "setup-get-started") await byTestId("setup-get-started").click();
}

/** Name on the dialog's first step, domain on its second, then Create. */
async function submitNewSkill(name, domain) {
  await byTestId("create-skill-open").click();
  await byTestId("create-skill-name").setValue(name);
  await byTestId("create-skill-next").click();
  await byTestId("create-skill-domain").setValue(domain);
  await byTestId("create-skill-submit").click();
}

test("a fresh library shows the empty state", async () => {
  await passStartup();
  await byTestId("library-empty").waitForDisplayed({ timeout: 15_000 });
});

test("creating sales-kpis opens its workflow and adds its card", async () => {
  await submitNewSkill("sales-kpis", "Sales analytics");
  await byTestId("workflow-page-sales-kpis").waitForDisplayed({ timeout: 10_000 });
  await byTestId("nav-library").click();
  const card = byTestId("skill-card-sales-kpis");
  await card.waitForDisplayed({ timeout: 10_000 });
  assert.match(await card.getText(), /Sales analytics/);
  assert.equal(await byTestId("create-skill-dialog").isExisting(), false);
});

test("an unsafe name is rejected inline and the dialog goes back to it", async () => {
  await submitNewSkill("../evil", "Security");
  const error = byTestId("create-skill-error");
  await error.waitForDisplayed({ timeout: 10_000 });
  assert.match(await error.getText(), /name/i);
  assert.equal(await byTestId("create-skill-name").getValue(), "../evil");
  assert.equal(await byTestId("skill-card-sales-kpis").isDisplayed(), true);
  await screenshot(SCREENSHOT);
});
