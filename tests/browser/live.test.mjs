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
  goats.cli(["user", "add", "finn", "--first-name", "Finn", "--last-name", "Faro", "--password-stdin"], "finn-password\n");
  goats.cli(["user", "add", "wendy", "--first-name", "Wendy", "--last-name", "Wu", "--password-stdin"], "wendy-password\n");
  goats.cli(
    ["user", "add", "vera", "--first-name", "Vera", "--last-name", "Vance", "--admin", "--password-stdin"],
    "vera-password\n",
  );
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

test("an agent who chose it hears of a new ticket in their queue in goats itself", async () => {
  const page = await watchedPage(await chromium.newContext({ locale: "en-US" }));
  await page.goto(goats.base + "/login");
  await page.getByLabel("Username").fill("finn");
  await page.getByLabel("Password").fill("finn-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/dashboard/);

  // From the user menu to the settings: Raw becomes one of Finn's queues, and the new
  // ticket notification comes in goats as well as by mail.
  await page.getByRole("button", { name: "Finn Faro" }).click();
  await page.getByRole("link", { name: "Notifications…" }).click();
  await page.waitForURL(/\/preferences\/notifications/);
  const row = page.getByRole("row", { name: /Ticket create notification/ });
  await row.getByLabel("In goats").check();
  await page.getByLabel("Raw", { exact: true }).check();
  await page.getByRole("button", { name: "Save" }).click();
  await page.locator(".toast", { hasText: "Notification settings saved." }).waitFor();
  assert.ok(await row.getByLabel("In goats").isChecked(), "the choice was kept");
  assert.ok(await page.getByLabel("Raw", { exact: true }).isChecked());
  await shot(page, "11-notification-settings");

  // Erin takes a customer's call in Raw: Finn's open page announces it.
  await page.goto(goats.base + "/dashboard");
  await page.locator("body[data-live-open]").waitFor({ state: "attached" });
  await goats.api("erin", "erin-password", "POST", "/tickets", {
    title: "Scanner jams",
    queue_id: 2,
    article: { subject: "Scanner", body: "Every third page.", sender_type: "customer", channel: "phone" },
  });
  const toast = page.locator(".toast-notice", { hasText: "New ticket: Scanner jams" });
  await toast.waitFor({ timeout: 10000 });
  await shot(page, "12-new-ticket-notified");
  assert.deepEqual(page.problems, []);
});

test("a watcher follows a ticket moved into a queue they cannot otherwise read", async () => {
  // A queue in a group Wendy has no part in; Vera, an admin, may move tickets into it.
  const vip = await goats.api("vera", "vera-password", "POST", "/admin/groups", { name: "vip" });
  const queue = await goats.api("vera", "vera-password", "POST", "/admin/queues", { name: "VIP", group_id: vip.id });
  const vera = (await goats.api("vera", "vera-password", "GET", "/admin/agents")).find((a) => a.login === "vera");
  await goats.api("vera", "vera-password", "PUT", `/admin/agents/${vera.id}/grants/${vip.id}/rw`);
  const ticket = await goats.api("vera", "vera-password", "POST", "/tickets", {
    title: "Board room projector",
    queue_id: 2,
    article: { subject: "Projector", body: "No picture." },
  });
  await goats.api("wendy", "wendy-password", "PUT", `/tickets/${ticket.id}/watch`);

  const page = await watchedPage(await chromium.newContext({ locale: "en-US" }));
  await page.goto(goats.base + "/login");
  await page.getByLabel("Username").fill("wendy");
  await page.getByLabel("Password").fill("wendy-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/dashboard/);
  await page.goto(`${goats.base}/tickets/${ticket.id}`);
  await page.getByRole("heading", { name: "Board room projector", level: 1 }).waitFor();

  // Moved where her groups do not reach: as a watcher she still sees it, and its changes.
  await goats.api("vera", "vera-password", "PATCH", `/tickets/${ticket.id}`, { queue_id: queue.id });
  await page.locator('[data-field="queue"]', { hasText: "VIP" }).waitFor({ timeout: 5000 });
  await goats.api("vera", "vera-password", "PATCH", `/tickets/${ticket.id}`, { priority_id: 5 });
  await page.locator('[data-field="priority"]', { hasText: "5 very high" }).waitFor({ timeout: 5000 });
  await shot(page, "13-watcher-follows");
  assert.deepEqual(page.problems, []);
});
