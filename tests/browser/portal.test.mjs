// The customer portal in a real browser: a contact logs in at /customer, finds their
// ticket, reads the agent's answer (never the internal note), answers back, closes it,
// and opens a new ticket — the pages meeting WCAG 2 AA on the way.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Goats, axeViolations as violations, browser, shot, watchedPage } from "./harness.mjs";

const goats = new Goats();
let chromium;
let ticket;

before(async () => {
  await goats.start();
  goats.cli(["user", "add", "grace", "--first-name", "Grace", "--last-name", "Hopper", "--admin", "--password-stdin"], "grace-password\n");
  await goats.api("grace", "grace-password", "POST", "/admin/customer-companies", { customer_id: "ACME", name: "ACME Corp" });
  await goats.api("grace", "grace-password", "POST", "/admin/customer-users", {
    login: "jane",
    email: "jane@acme.example",
    customer_id: "ACME",
    first_name: "Jane",
    last_name: "Doe",
    password: "jane-password",
  });
  const created = await goats.api("grace", "grace-password", "POST", "/tickets", {
    title: "VPN drops every hour",
    queue_id: 2,
    customer_id: "ACME",
    customer_user_id: "jane",
    article: { subject: "VPN", body: "The VPN drops every hour since Monday.", sender_type: "customer", visible_for_customer: true },
  });
  await goats.api("grace", "grace-password", "POST", `/tickets/${created.id}/articles`, {
    subject: "Internal",
    body: "Probably the firewall lease; do not tell the customer yet.",
  });
  await goats.api("grace", "grace-password", "POST", `/tickets/${created.id}/articles`, {
    subject: "Re: VPN",
    body: "Please update the VPN client to version 5 and tell us if it still drops.",
    visible_for_customer: true,
  });
  ticket = await goats.api("grace", "grace-password", "GET", `/tickets/${created.id}`);
  chromium = await browser();
});

after(async () => {
  await chromium?.close();
  await goats.stop();
});

test("a customer reads the answer, answers back and opens a new ticket", async () => {
  const context = await chromium.newContext({ locale: "en-US", colorScheme: "light" });
  const page = await watchedPage(context);

  // A wrong password keeps them out, with a message.
  await page.goto(goats.base + "/customer");
  await page.waitForURL(/\/customer\/login/);
  assert.deepEqual(await violations(page), [], "portal login");
  await page.getByLabel("Username").fill("jane");
  await page.getByLabel("Password").fill("not-her-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("alert").waitFor();
  await page.getByLabel("Password").fill("jane-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/customer$/);
  // The refused login answered 401, as it should; from here on nothing may fail.
  page.problems.length = 0;

  // Her ticket is listed; a search by its number finds it.
  await page.getByRole("link", { name: "VPN drops every hour" }).waitFor();
  assert.deepEqual(await violations(page), [], "portal ticket list");
  await page.getByLabel("Search").fill(ticket.number);
  await page.keyboard.press("Enter");
  await page.getByRole("link", { name: "VPN drops every hour" }).click();
  await page.waitForURL(new RegExp(`/customer/tickets/${ticket.id}$`));

  // The agent's answer is there, the internal note is not.
  const thread = page.getByRole("list", { name: "Messages" });
  await thread.getByText("update the VPN client to version 5").waitFor();
  assert.equal(await page.getByText("firewall lease").count(), 0, "an internal note shows in the portal");
  assert.deepEqual(await violations(page), [], "portal ticket page");

  // Her answer is added to the thread.
  await page.getByLabel("Text", { exact: true }).fill("Updated to version 5, it still drops.");
  await page.getByRole("button", { name: "Send answer" }).click();
  await page.getByText("Your answer was added.").waitFor();
  await thread.getByText("Updated to version 5, it still drops.").waitFor();
  await shot(page, "portal-ticket");

  // While she looks at it, the agent answers and adds an internal note: the answer
  // shows up on the open page, the note never does.
  await page.locator("body[data-live-open]").waitFor();
  await goats.api("grace", "grace-password", "POST", `/tickets/${ticket.id}/articles`, {
    subject: "Internal",
    body: "Lease renewal logged at the firewall.",
  });
  await goats.api("grace", "grace-password", "POST", `/tickets/${ticket.id}/articles`, {
    subject: "Re: VPN",
    body: "Thanks, we renewed the lease; it should hold now.",
    visible_for_customer: true,
  });
  await thread.getByText("we renewed the lease").waitFor();
  assert.equal(await page.getByText("Lease renewal logged").count(), 0, "an internal note reached the portal live");
  assert.equal(page.url(), goats.base + `/customer/tickets/${ticket.id}`, "no reload");
  const articles = await goats.api("grace", "grace-password", "GET", `/tickets/${ticket.id}/articles`);
  const hers = articles.filter((a) => a.sender_type === "customer").at(-1);
  assert.match(hers.body, /still drops/);

  // Solved after all: she closes it, and the page says so without a close button.
  await page.getByRole("button", { name: "Close this ticket" }).click();
  await page.getByText("The ticket was closed.").waitFor();
  assert.equal(await page.getByRole("button", { name: "Close this ticket" }).count(), 0);
  const closed = await goats.api("grace", "grace-password", "GET", `/tickets/${ticket.id}`);
  assert.equal(closed.state, "closed successful");

  // A new ticket: the browser asks for the topic first, and nothing typed is lost.
  await page.getByRole("link", { name: "New ticket" }).first().click();
  await page.waitForURL(/\/customer\/tickets\/new$/);
  assert.deepEqual(await violations(page), [], "portal new ticket");
  await page.getByLabel("Subject").fill("Printer in room 4");
  await page.getByLabel("Your message").fill("The printer in room 4 prints blank pages.");
  await page.getByRole("button", { name: "Open ticket" }).click();
  assert.equal(await page.getByLabel("Topic").evaluate((el) => el.validity.valueMissing), true);
  assert.match(page.url(), /\/customer\/tickets\/new$/);
  assert.equal(await page.getByLabel("Your message").inputValue(), "The printer in room 4 prints blank pages.");
  await page.getByLabel("Topic").selectOption({ label: "Misc" });
  await page.getByRole("button", { name: "Open ticket" }).click();
  await page.waitForURL(/\/customer\/tickets\/\d+$/);
  await page.getByText(/Ticket \d+ opened\./).waitFor();
  await shot(page, "portal-new-ticket");
  await page.getByRole("heading", { name: "Printer in room 4", level: 1 }).waitFor();

  // She changes her password: a repeat that differs is refused beside the field.
  await page.getByRole("link", { name: "Password" }).click();
  await page.waitForURL(/\/customer\/password$/);
  assert.deepEqual(await violations(page), [], "portal password page");
  await page.getByLabel("Current password").fill("jane-password");
  await page.getByLabel("New password", { exact: true }).fill("jane-new-password");
  await page.getByLabel("New password again").fill("jane-new-passwort");
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByText("The two new passwords differ.").waitFor();
  await shot(page, "portal-password-error");
  page.problems.length = 0; // the refusal answered 422, as it should
  await page.getByLabel("Current password").fill("jane-password");
  await page.getByLabel("New password", { exact: true }).fill("jane-new-password");
  await page.getByLabel("New password again").fill("jane-new-password");
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByText("Your password was changed.").waitFor();

  // Both tickets are in her list; after logging out the portal asks for a login again.
  await page.goto(goats.base + "/customer");
  await page.getByRole("link", { name: "Printer in room 4" }).waitFor();
  await shot(page, "portal-tickets");
  await page.getByRole("button", { name: "Log out" }).click();
  await page.waitForURL(/\/customer\/login/);
  await page.goto(goats.base + `/customer/tickets/${ticket.id}`);
  await page.waitForURL(/\/customer\/login/);
  await page.getByLabel("Username").fill("jane");
  await page.getByLabel("Password").fill("jane-new-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(new RegExp(`/customer/tickets/${ticket.id}$`));

  // Her settings: a new name, and German, which the portal then speaks.
  await page.getByRole("link", { name: "Settings" }).click();
  await page.waitForURL(/\/customer\/preferences$/);
  assert.deepEqual(await violations(page), [], "portal settings page");
  await page.getByLabel("Last name").fill("Roe");
  await page.getByLabel("Language").selectOption("de");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("status").getByText("Einstellungen gespeichert.").waitFor();
  assert.equal(await page.getAttribute("html", "lang"), "de");
  await page.getByRole("heading", { name: "Meine Einstellungen" }).waitFor();
  assert.match(await page.getByRole("banner").innerText(), /Roe/);
  assert.deepEqual(await violations(page), [], "portal settings page in German");
  await shot(page, "portal-settings-de");
  assert.deepEqual(page.problems, []);
  await context.close();
});
