// An SLA made in the admin pages holds a ticket to its time: an admin adds a service
// and an SLA for it (mistakes shown beside their fields), gives a ticket both in the
// zoom, and the ticket shows when its first response is due — and, once that passes
// without an answer, is marked overdue and listed among the escalated tickets. The
// SLA's calendar counts every hour, so the test does not depend on when it runs.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Goats, axeViolations as violations, browser, shot, signIn } from "./harness.mjs";

const goats = new Goats();
let chromium;
let ticketId;

const allWeek = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => `      ${d}: ["00:00-24:00"]`).join("\n");

before(async () => {
  await goats.start(
    `jobs:\n  escalation:\n    schedule: "*/2 * * * * *"\ncalendars:\n  "1":\n    time_zone: UTC\n    holidays: []\n    working_hours:\n${allWeek}\n`,
  );
  goats.cli(
    ["user", "add", "grace", "--first-name", "Grace", "--last-name", "Hopper", "--admin", "--password-stdin"],
    "grace-password\n",
  );
  const created = await goats.api("grace", "grace-password", "POST", "/tickets", {
    title: "Printer jams on every page",
    queue_id: 2,
    customer_user_id: "sam@example.org",
    // The customer called: no answer yet, so the first-response clock runs.
    article: { subject: "Jams", body: "Since this morning.", channel: "phone", sender_type: "customer", visible_for_customer: true },
  });
  ticketId = created.id;
  chromium = await browser();
});

after(async () => {
  await chromium?.close();
  await goats.stop();
});

/** Reloads `path` until `selector` shows, for at most `seconds`. */
async function reloadUntil(page, path, selector, seconds) {
  for (let waited = 0; waited < seconds; waited += 2) {
    await page.goto(goats.base + path);
    if (await page.locator(selector).count()) return;
    await new Promise((r) => setTimeout(r, 2000));
  }
  throw new Error(`${selector} did not show on ${path} within ${seconds} s`);
}

test("an SLA created in the admin pages escalates a ticket", { timeout: 150_000 }, async () => {
  const page = await signIn(goats, await chromium.newContext({ locale: "en-US" }), "grace", "grace-password");
  const admin = page.getByRole("navigation", { name: "Administration" });

  // A service; a path typed as its name is refused beside the field.
  await page.goto(goats.base + "/admin/services");
  assert.deepEqual(await violations(page), [], "/admin/services");
  await page.getByRole("link", { name: "Add service" }).click();
  await page.getByLabel("Name").fill("Hardware::Printers");
  await page.getByLabel("Also these customers").fill("nobody-by-this-login");
  await page.getByRole("button", { name: "Add service" }).click();
  await assert.doesNotReject(page.locator("#s-name-error").waitFor());
  assert.deepEqual(await violations(page), [], "the service form with a mistake");
  await page.getByLabel("Name").fill("Hardware");
  await page.getByRole("button", { name: "Add service" }).click();
  await page.locator("#s-customers-error", { hasText: "There is no customer user nobody-by-this-login." }).waitFor();
  assert.deepEqual(await violations(page), [], "the service form with an unknown customer");
  await shot(page, "admin-service-customers-error");
  await page.getByLabel("Also these customers").fill("");
  await page.getByLabel("Name").fill("Hardware");
  await page.getByRole("button", { name: "Add service" }).click();
  await page.getByRole("status").getByText("Service Hardware added.").waitFor();

  // The SLA: a minute to answer, counted around the clock, offered for Hardware.
  await admin.getByRole("link", { name: "SLAs" }).click();
  await page.waitForURL(/\/admin\/slas$/);
  assert.deepEqual(await violations(page), [], "/admin/slas");
  await page.getByRole("link", { name: "Add SLA" }).click();
  await page.getByLabel("Name").fill("Express");
  await page.getByLabel("Calendar").selectOption({ label: "Calendar 1" });
  await page.getByLabel("First response", { exact: true }).fill("a minute");
  await page.getByLabel("Hardware").check();
  await page.getByRole("button", { name: "Add SLA" }).click();
  await assert.doesNotReject(page.locator("#l-first_response-error").waitFor());
  assert.equal(await page.getByLabel("Hardware").isChecked(), true, "what was chosen stays");
  assert.deepEqual(await violations(page), [], "the SLA form with a mistake");
  await shot(page, "admin-sla-errors");
  await page.getByLabel("First response", { exact: true }).fill("1");
  await page.locator("#l-first_response-notify").fill("50");
  await page.getByRole("button", { name: "Add SLA" }).click();
  await page.getByRole("status").getByText("SLA Express added.").waitFor();
  await admin.getByRole("link", { name: "SLAs" }).click();
  await page.getByRole("cell", { name: "1 min" }).waitFor();

  // The ticket gets the service, then the SLA its service offers.
  await page.goto(goats.base + `/tickets/${ticketId}`);
  await page.getByLabel("Service", { exact: true }).selectOption({ label: "Hardware" });
  await page.getByRole("button", { name: "Set service and SLA" }).click();
  await page.locator('[data-field="service"]').getByText("Hardware").waitFor();
  await page.getByLabel("SLA", { exact: true }).selectOption({ label: "Express" });
  await page.getByRole("button", { name: "Set service and SLA" }).click();
  await page.locator('[data-field="sla"]').getByText("Express").waitFor();

  // The escalation job (every 2 s here) gives the ticket its deadline, which then passes.
  await reloadUntil(page, `/tickets/${ticketId}`, '[data-deadline="escalation-first-response"]', 30);
  assert.deepEqual(await violations(page), [], "the zoom with a deadline");
  await reloadUntil(page, `/tickets/${ticketId}`, "[data-overdue]", 90);
  await shot(page, "sla-escalated-ticket");
  await page.goto(goats.base + "/dashboard");
  const escalated = page.getByRole("region", { name: "Escalated tickets" });
  await escalated.getByText("Printer jams on every page").waitFor();
});
