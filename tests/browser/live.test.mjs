// Live updates in a real browser: the open ticket follows changes made elsewhere, and
// a due reminder pops up as a toast that can be snoozed.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Goats, browser, shot, watchedPage } from "./harness.mjs";

const goats = new Goats();
let chromium;

before(async () => {
  // The reminder job every second instead of every minute, so the test need not wait.
  await goats.start("jobs:\n  pending_reminder:\n    schedule: '* * * * * *'\n");
  goats.cli(["user", "add", "erin", "--first-name", "Erin", "--last-name", "Eze", "--password-stdin"], "erin-password\n");
  chromium = await browser();
});

after(async () => {
  await chromium?.close();
  await goats.stop();
});

test("the open ticket follows changes and a due reminder pops up to be snoozed", async () => {
  const page = await watchedPage(await chromium.newContext({ locale: "en-US" }));
  await page.goto(goats.base + "/login");
  await page.getByLabel("Username").fill("erin");
  await page.getByLabel("Password").fill("erin-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/dashboard/);

  const ticket = await goats.api("erin", "erin-password", "POST", "/tickets", {
    title: "Monitor flickers",
    queue_id: 4,
    article: { subject: "Monitor", body: "Since this morning." },
  });
  await page.goto(`${goats.base}/tickets/${ticket.id}`);
  await page.getByRole("heading", { name: "Monitor flickers", level: 1 }).waitFor();

  // Someone else raises the priority: the open ticket shows it without a reload.
  await goats.api("erin", "erin-password", "PATCH", `/tickets/${ticket.id}`, { priority_id: 5 });
  await page.locator('[data-field="priority"]', { hasText: "5 very high" }).waitFor({ timeout: 5000 });

  // A choice Erin has made but not sent is not swept away by the next change elsewhere.
  await page.locator("#set-queue").selectOption({ label: "Raw" });
  await page.locator("#set-queue").blur();
  await goats.api("erin", "erin-password", "PATCH", `/tickets/${ticket.id}`, { priority_id: 4 });
  await page.waitForTimeout(1500);
  assert.equal(await page.locator("#set-queue option:checked").textContent(), "Raw", "the unsent choice stayed");
  assert.equal(await page.locator('[data-field="priority"]').textContent(), "5 very high", "the ticket was not swapped");

  // The pending time passes: the reminder job tells Erin, in her browser.
  const soon = new Date(Date.now() + 2000).toISOString().replace(/\.\d+Z$/, "Z");
  await goats.api("erin", "erin-password", "PATCH", `/tickets/${ticket.id}`, { state_id: 6, pending_until: soon });
  const toast = page.locator(".toast-notice", { hasText: "Reminder:" });
  await toast.waitFor({ timeout: 10000 });
  assert.match(await toast.textContent(), /Monitor flickers/);
  await shot(page, "10-reminder-toast");
  await toast.getByRole("button", { name: "Snooze 1 h" }).click();
  await toast.waitFor({ state: "detached" });
  const snoozed = await goats.api("erin", "erin-password", "GET", `/tickets/${ticket.id}`);
  assert.ok(Date.parse(snoozed.pending_until) > Date.now() + 55 * 60 * 1000, "the pending time moved an hour on");
  assert.deepEqual(page.problems, []);
});
