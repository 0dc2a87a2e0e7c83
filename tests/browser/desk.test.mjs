// Opening a ticket from the desk and changing several at once, in a real browser.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Goats, browser, shot, signIn, watchedPage } from "./harness.mjs";

const goats = new Goats();
let chromium;

before(async () => {
  await goats.start();
  goats.cli(["user", "add", "carla", "--first-name", "Carla", "--last-name", "Cruz", "--password-stdin"], "carla-password\n");
  goats.cli(["user", "add", "dora", "--first-name", "Dora", "--last-name", "Diaz", "--password-stdin"], "dora-password\n");
  chromium = await browser();
});

after(async () => {
  await chromium?.close();
  await goats.stop();
});

test("an agent opens phone tickets, saves a filter and closes the tickets in bulk", async () => {
  const page = await watchedPage(await chromium.newContext({ locale: "en-US" }));
  await page.goto(goats.base + "/login");
  await page.getByLabel("Username").fill("carla");
  await page.getByLabel("Password").fill("carla-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/dashboard/);

  for (const title of ["Laptop will not boot", "Laptop fan is loud"]) {
    await page.getByRole("link", { name: "New ticket" }).click();
    await page.getByLabel("Customer user").fill("dana@example.net");
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("What the customer said").fill("Called at 10:15.");
    await page.getByLabel("Queue").selectOption({ label: "Misc" });
    await page.getByRole("button", { name: "Create ticket" }).click();
    await page.getByRole("heading", { name: title, level: 1 }).waitFor();
    await page.getByRole("status").getByText(/Ticket \d+ created\./).waitFor();
  }
  // A file goes with a note and comes back as a download.
  await page.locator("#article-files").setInputFiles({ name: "boot.log", mimeType: "text/html", buffer: Buffer.from("POST failed: disk 0\n") });
  await page.getByLabel("Text", { exact: true }).fill("Boot log attached.");
  await page.getByRole("button", { name: "Add article" }).click();
  const link = page.getByRole("link", { name: "boot.log" });
  await link.waitFor();
  const download = await Promise.all([page.waitForEvent("download"), link.click()]).then(([d]) => d);
  assert.equal(download.suggestedFilename(), "boot.log");
  await shot(page, "07-new-phone-ticket");

  await page.getByRole("link", { name: "Tickets", exact: true }).click();
  await page.getByLabel("Text", { exact: true }).fill("laptop");
  await page.locator("#ticket-count", { hasText: "2 tickets" }).waitFor();
  await page.getByLabel("Save filters as").fill("Laptops");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.locator("#saved-filters").getByRole("link", { name: "Laptops" }).waitFor();

  await page.getByLabel("Select all tickets shown").check();
  await page.locator("#bulk-state").selectOption({ label: "closed successful" });
  await page.getByRole("button", { name: "Apply to selected" }).click();
  await page.getByRole("status").getByText("2 tickets changed.").waitFor();
  assert.equal(await page.locator("[data-bulk-results] li", { hasText: "Done" }).count(), 2);
  await page.locator("#ticket-results .badge", { hasText: "closed successful" }).nth(1).waitFor();
  await shot(page, "08-bulk-closed");

  // The saved filter brings the same list back.
  await page.goto(goats.base + "/dashboard");
  await page.getByRole("link", { name: "Tickets", exact: true }).click();
  await page.locator("#saved-filters").getByRole("link", { name: "Laptops" }).click();
  await page.locator("#ticket-count", { hasText: "2 tickets" }).waitFor();
  assert.deepEqual(page.problems, []);
});

test("without JavaScript a note with a file still goes through, its token in the form", async () => {
  const ticket = await goats.api("carla", "carla-password", "POST", "/tickets", {
    title: "Scanner jams",
    queue_id: 2,
    customer_user_id: "erin@example.net",
    article: { subject: "Jam", body: "Every third page.", visible_for_customer: true },
  });
  const page = await watchedPage(await chromium.newContext({ locale: "en-US", javaScriptEnabled: false }));
  await page.goto(goats.base + "/login");
  await page.getByLabel("Username").fill("carla");
  await page.getByLabel("Password").fill("carla-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/dashboard/);
  await page.goto(`${goats.base}/tickets/${ticket.id}`);
  await page.locator("#article-files").setInputFiles({ name: "jam.txt", mimeType: "text/plain", buffer: Buffer.from("tray 2\n") });
  await page.getByLabel("Text", { exact: true }).fill("Photo of the jam attached.");
  await page.getByRole("button", { name: "Add article" }).click();
  await page.waitForURL(new RegExp(`/tickets/${ticket.id}$`));
  await assert.doesNotReject(page.getByText("Photo of the jam attached.").waitFor());
  await assert.doesNotReject(page.getByRole("link", { name: "jam.txt" }).waitFor());
  await shot(page, "08-no-js-note-with-file");
});

test("a ticket with news stands out in the list until the agent has opened it", async () => {
  const ticket = await goats.api("carla", "carla-password", "POST", "/tickets", {
    title: "Toner is empty",
    queue_id: 2,
    customer_user_id: "erin@example.net",
    article: { subject: "Toner", body: "The second floor printer is out of toner.", visible_for_customer: true },
  });
  const page = await signIn(goats, await chromium.newContext({ locale: "en-US" }), "dora", "dora-password");
  await page.getByRole("link", { name: "Tickets", exact: true }).click();
  const row = page.locator("#ticket-results tr", { hasText: "Toner is empty" });
  await row.locator("[data-unread]").waitFor();
  assert.equal(await row.evaluate((tr) => getComputedStyle(tr.querySelector("td")).fontWeight), "600");
  await shot(page, "09-unread-in-list");

  await row.getByRole("link", { name: "Toner is empty" }).click();
  await page.getByRole("heading", { name: "Toner is empty", level: 1 }).waitFor();
  const article = page.locator(`#ticket [data-articles] li[data-new]`);
  assert.equal(await article.count(), 1);
  await article.getByText("New", { exact: true }).waitFor();
  await shot(page, "09-new-article-in-zoom");

  await page.getByRole("link", { name: "Tickets", exact: true }).click();
  const again = page.locator("#ticket-results tr", { hasText: "Toner is empty" });
  await again.waitFor();
  assert.equal(await again.locator("[data-unread]").count(), 0);
  assert.equal(await again.evaluate((tr) => getComputedStyle(tr.querySelector("td")).fontWeight), "400");
  await page.goto(`${goats.base}/tickets/${ticket.id}`);
  assert.equal(await page.locator("[data-articles] li[data-new]").count(), 0, "read once, new no more");
  assert.deepEqual(page.problems, []);
});
