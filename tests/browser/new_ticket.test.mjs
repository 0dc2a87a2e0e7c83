// What a new ticket gets when nobody chooses, and opening one with a service and an
// SLA: an admin sets the default queue and priority at /admin/ticket-defaults, an
// agent finds them chosen on the new-ticket page, picks a service — the SLA list then
// offers only that service's SLAs — and the ticket opens with all of it; an answer
// template added for that queue is then offered in the ticket's reply.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Goats, axeViolations as violations, browser, shot, signIn } from "./harness.mjs";

const goats = new Goats();
let chromium;

before(async () => {
  await goats.start();
  goats.cli(
    ["user", "add", "grace", "--first-name", "Grace", "--last-name", "Hopper", "--admin", "--password-stdin"],
    "grace-password\n",
  );
  chromium = await browser();
});

after(async () => {
  await chromium?.close();
  await goats.stop();
});

/** Adds a service, then an SLA offered for it, through the admin pages. */
async function catalog(page) {
  for (const name of ["Hardware", "Network"]) {
    await page.goto(goats.base + "/admin/services/new");
    await page.getByLabel("Name").fill(name);
    await page.getByRole("button", { name: "Add service" }).click();
    await page.getByRole("status").getByText(`Service ${name} added.`).waitFor();
  }
  await page.goto(goats.base + "/admin/slas/new");
  await page.getByLabel("Name").fill("Express");
  await page.getByLabel("Hardware").check();
  await page.getByRole("button", { name: "Add SLA" }).click();
  await page.getByRole("status").getByText("SLA Express added.").waitFor();
}

test("defaults are chosen and a service brings its SLAs", { timeout: 90_000 }, async () => {
  const page = await signIn(goats, await chromium.newContext({ locale: "en-US" }), "grace", "grace-password");
  await catalog(page);

  // The answer templates' pages, one added with the queue it is offered in.
  await page.goto(goats.base + "/admin/templates/new");
  assert.deepEqual(await violations(page), [], "/admin/templates/new");
  await page.getByLabel("Name").fill("Printer restart");
  await page.getByLabel("Text").fill("Please switch the printer off and on again.");
  await page.getByLabel("Raw").check();
  await page.getByRole("button", { name: "Add answer template" }).click();
  await page.getByRole("status").getByText("Answer template Printer restart added.").waitFor();
  await page.goto(goats.base + "/admin/templates");
  assert.deepEqual(await violations(page), [], "/admin/templates");

  await page.goto(goats.base + "/admin/ticket-defaults");
  assert.deepEqual(await violations(page), [], "/admin/ticket-defaults");
  await page.getByLabel("Queue").selectOption({ label: "Raw" });
  await page.getByLabel("Priority").selectOption({ label: "4 high" });
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("status").getByText("The defaults for new tickets are saved.").waitFor();
  assert.equal(await page.getByLabel("Queue").inputValue(), "2", "the saved queue is shown");

  await page.goto(goats.base + "/tickets/new?kind=phone");
  assert.equal(await page.getByLabel("Queue").inputValue(), "2", "the default queue is chosen");
  const priority = page.getByLabel("Priority");
  assert.equal(await priority.locator("option:checked").textContent(), "4 high", "the default priority is chosen");
  await page.getByLabel("Customer user").fill("sam@example.org");
  await page.getByLabel("Title").fill("The printer on floor 2 is offline");
  await page.getByLabel("What the customer said").fill("Since the power cut this morning.");

  // The services are the customer's (for a stranger, the default ones), fetched once
  // the customer is typed. Network offers no SLA; Hardware offers Express.
  await page.locator("#new-service option", { hasText: "Network" }).waitFor({ state: "attached" });
  const sla = page.getByLabel("SLA", { exact: true });
  // Listened for before the choice, so an answer quicker than the next line is not missed.
  const slas = page.waitForResponse((r) => r.url().includes("/tickets/new/slas"));
  await page.getByLabel("Service", { exact: true }).selectOption({ label: "Network" });
  await slas;
  assert.equal(await sla.locator("option").count(), 1, "only 'none' for a service without SLAs");
  await page.getByLabel("Service", { exact: true }).selectOption({ label: "Hardware" });
  await sla.locator("option", { hasText: "Express" }).waitFor({ state: "attached" });
  await sla.selectOption({ label: "Express" });
  // Another customer typed: their services come anew, and the SLA chosen goes with the service.
  const services = page.waitForResponse((r) => r.url().includes("/tickets/new/services"));
  await page.getByLabel("Customer user").fill("kim@example.org");
  await page.getByLabel("Title").focus();
  await services;
  await page.waitForFunction(() => document.querySelectorAll("#new-sla option").length === 1);
  assert.equal(await page.getByLabel("Service", { exact: true }).inputValue(), "", "no service chosen any more");
  await page.getByLabel("Service", { exact: true }).selectOption({ label: "Hardware" });
  await sla.locator("option", { hasText: "Express" }).waitFor({ state: "attached" });
  await sla.selectOption({ label: "Express" });
  assert.deepEqual(await violations(page), [], "the new-ticket page with a service");
  await shot(page, "new-ticket-service-sla");
  await page.getByRole("button", { name: "Create ticket" }).click();

  await page.waitForURL(/\/tickets\/\d+$/);
  for (const [field, shown] of [["queue", "Raw"], ["priority", "4 high"], ["service", "Hardware"], ["sla", "Express"]]) {
    await page.locator(`[data-field="${field}"]`).getByText(shown).waitFor();
  }
  // A reply in Raw offers the answer template made above.
  await page.locator("#reply-template option", { hasText: "Printer restart" }).waitFor({ state: "attached" });
});
