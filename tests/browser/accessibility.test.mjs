// axe-core (from npm) checks every main page against WCAG 2 A/AA — labels, contrast,
// landmarks, focusable names — in the light and the dark theme.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Goats, axeViolations as violations, browser, shot } from "./harness.mjs";

const goats = new Goats();
let chromium;
let ticketId;

before(async () => {
  await goats.start();
  goats.cli(["user", "add", "ada", "--first-name", "Ada", "--last-name", "Lovelace", "--password-stdin"], "ada-password\n");
  goats.cli(
    ["user", "add", "grace", "--first-name", "Grace", "--last-name", "Hopper", "--admin", "--password-stdin"],
    "grace-password\n",
  );
  const created = await goats.api("ada", "ada-password", "POST", "/tickets", {
    title: "Screen flickers",
    queue_id: 2,
    customer_user_id: "sam@example.org",
    article: { subject: "Flicker", body: "Since the update.", visible_for_customer: true },
  });
  ticketId = created.id;
  chromium = await browser();
});

after(async () => {
  await chromium?.close();
  await goats.stop();
});

for (const theme of ["light", "dark"]) {
  test(`the main pages meet WCAG 2 AA in the ${theme} theme`, async () => {
    const page = await (await chromium.newContext({ locale: "en-US", colorScheme: theme })).newPage();
    await page.goto(goats.base + "/login");
    assert.deepEqual(await violations(page), [], "login page");
    await page.getByLabel("Username").fill("ada");
    await page.getByLabel("Password").fill("ada-password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(/\/dashboard/);
    for (const path of ["/dashboard", "/tickets", `/tickets/${ticketId}`, "/tickets/new", "/preferences", "/preferences/notifications", "/preferences/password"]) {
      await page.goto(goats.base + path);
      assert.deepEqual(await violations(page), [], path);
    }
  });
}

test("an agent is out of office from the preferences page, with a substitute", async () => {
  const page = await (await chromium.newContext({ locale: "en-US" })).newPage();
  await page.goto(goats.base + "/login");
  await page.getByLabel("Username").fill("ada");
  await page.getByLabel("Password").fill("ada-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/dashboard/);
  await page.getByRole("button", { name: "Ada Lovelace" }).click();
  await page.getByRole("link", { name: "All preferences…" }).click();
  await page.waitForURL(/\/preferences$/);
  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel("I am out of office").check();
  await page.getByLabel("First day").fill(today);
  await page.getByLabel("Last day").fill("2000-01-01");
  await page.getByLabel("Substitute").selectOption({ label: "Grace Hopper" });
  await page.getByRole("button", { name: "Save" }).nth(1).click();
  await assert.doesNotReject(page.locator("#p-end-error").waitFor());
  assert.equal(await page.getByLabel("Last day").getAttribute("aria-invalid"), "true");
  assert.equal(await page.getByLabel("First day").inputValue(), today, "what was typed stays");
  assert.deepEqual(await violations(page), [], "the out-of-office form with an error");
  await shot(page, "preferences-out-of-office-error");
  await page.getByLabel("Last day").fill("2099-12-31");
  await page.getByRole("button", { name: "Save" }).nth(1).click();
  await page.getByRole("status").getByText("Out of office saved.").waitFor();
  await page.getByText("You are out of office until 2099-12-31.").waitFor();
  assert.equal(await page.getByLabel("Substitute").inputValue() !== "", true);
  await shot(page, "preferences-out-of-office");
  await page.getByLabel("I am out of office").uncheck();
  await page.getByRole("button", { name: "Save" }).nth(1).click();
  await page.getByRole("status").getByText("Out of office saved.").waitFor();
  assert.equal(await page.getByText("You are out of office").count(), 0);
});

test("an administrator adds an agent, grants a permission and sees every route with its hits", async () => {
  const page = await (await chromium.newContext({ locale: "en-US" })).newPage();
  await page.goto(goats.base + "/login");
  await page.getByLabel("Username").fill("grace");
  await page.getByLabel("Password").fill("grace-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/dashboard/);
  await page.getByRole("link", { name: "Admin" }).click();
  await page.waitForURL(/\/admin\/users/);
  assert.deepEqual(await violations(page), [], "/admin/users");
  await page.getByRole("link", { name: "Add agent" }).click();
  await page.getByLabel("Login").fill("linus");
  await page.getByLabel("First name").fill("Linus");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Add agent" }).click();
  // Each problem beside its field, announced with it; what was typed stays.
  await assert.doesNotReject(page.locator("#u-last-error").waitFor());
  assert.equal(await page.getByLabel("Last name").getAttribute("aria-invalid"), "true");
  assert.equal(await page.getByLabel("Login").inputValue(), "linus");
  assert.match(await page.locator("#u-password-error").innerText(), /8 characters/);
  assert.deepEqual(await violations(page), [], "the agent form with errors");
  await shot(page, "admin-user-errors");
  await page.getByLabel("Last name").fill("Torvalds");
  await page.getByLabel("Password").fill("penguins-1991");
  await page.getByRole("button", { name: "Add agent" }).click();
  await page.waitForURL(/\/admin\/users\/\d+$/);
  await page.getByRole("checkbox", { name: "users: note" }).check();
  await page.getByRole("button", { name: "Save permissions" }).click();
  // The same URL as before: the saved page is the one with the flash.
  await page.getByRole("status").getByText("Permissions of linus saved.").waitFor();
  assert.ok(await page.getByRole("checkbox", { name: "users: note" }).isChecked());
  assert.deepEqual(await violations(page), [], "an agent's page");
  await shot(page, "admin-user");
  await page.getByRole("link", { name: "Routes" }).click();
  await page.waitForURL(/\/admin\/routes/);
  const row = page.getByRole("row").filter({ hasText: "ticket_zoom" });
  await assert.doesNotReject(row.waitFor());
  assert.match(await row.innerText(), /agent\/tickets\.yaml:\d+/);
  const dashboard = page.getByRole("row").filter({ hasText: "pages/dashboard.html" }).or(page.getByRole("row").filter({ hasText: /GET\s+\/dashboard\s/ }));
  assert.match(await dashboard.first().innerText(), /\b[1-9]\d*$/, "the dashboard was hit");
  assert.deepEqual(await violations(page), [], "/admin/routes");
  await shot(page, "admin-routes");

  // The delivery log: the in-app feed delivered the ticket made before the tests.
  await page.getByRole("link", { name: "Delivery log" }).click();
  await page.waitForURL(/\/admin\/deliveries$/);
  await page.getByRole("cell", { name: "ticket_created" }).first().waitFor();
  await page.getByLabel("Outcome").selectOption("gave_up");
  await page.getByRole("button", { name: "Search" }).click();
  await page.waitForURL(/outcome=gave_up/);
  await page.getByText("No delivery attempt matches.").waitFor();
  await page.getByLabel("Outcome").selectOption("");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("cell", { name: "toast" }).first().waitFor();
  assert.deepEqual(await violations(page), [], "/admin/deliveries");
  await shot(page, "admin-deliveries");

  // A mail account: a mistake beside its field, then a connection test that fails in
  // place (nothing listens on port 9), and the account saved.
  await page.getByRole("link", { name: "Mail accounts" }).click();
  await page.waitForURL(/\/admin\/mail-accounts$/);
  assert.deepEqual(await violations(page), [], "/admin/mail-accounts");
  await page.getByRole("link", { name: "Add mail account" }).click();
  await page.getByLabel("Server").fill("127.0.0.1:9");
  await page.getByLabel("Login").fill("desk@example.com");
  await page.getByRole("button", { name: "Add mail account" }).click();
  await assert.doesNotReject(page.locator("#m-password-error").waitFor());
  assert.equal(await page.getByLabel("Login").inputValue(), "desk@example.com");
  await page.getByLabel("Password").fill("secret");
  await page.getByLabel("Type").selectOption("IMAP");
  await page.getByRole("button", { name: "Test connection" }).click();
  await page.locator("#mail-test-result", { hasText: "The connection failed" }).waitFor({ timeout: 15000 });
  assert.equal(await page.getByLabel("Password").inputValue(), "secret", "the form stays as typed");
  assert.deepEqual(await violations(page), [], "the mail account form");
  await shot(page, "admin-mail-account-test");
  await page.getByRole("button", { name: "Add mail account" }).click();
  await page.waitForURL(/\/admin\/mail-accounts\/\d+$/);
  await page.getByRole("status").getByText("Mail account desk@example.com added.").waitFor();

  // A system address: a mistake beside its field, then saved; an auto-response sent
  // from it, given to the Raw queue.
  await page.getByRole("link", { name: "System addresses" }).click();
  await page.waitForURL(/\/admin\/system-addresses$/);
  assert.deepEqual(await violations(page), [], "/admin/system-addresses");
  await page.getByRole("link", { name: "Add system address" }).click();
  await page.getByLabel("Email address").fill("sales@example");
  await page.getByLabel("Display name").fill("Sales");
  await page.getByRole("button", { name: "Add system address" }).click();
  await assert.doesNotReject(page.locator("#a-queue-error").waitFor());
  assert.equal(await page.getByLabel("Display name").inputValue(), "Sales");
  assert.deepEqual(await violations(page), [], "the system address form with a mistake");
  await shot(page, "admin-system-address-errors");
  await page.getByLabel("Queue").selectOption({ label: "Raw" });
  await page.getByRole("button", { name: "Add system address" }).click();
  await page.waitForURL(/\/admin\/system-addresses\/\d+$/);
  await page.getByRole("status").getByText("System address sales@example added.").waitFor();

  await page.getByRole("link", { name: "Auto-responses" }).click();
  await page.waitForURL(/\/admin\/auto-responses$/);
  assert.deepEqual(await violations(page), [], "/admin/auto-responses");
  await page.getByRole("link", { name: "Add auto-response" }).click();
  await page.getByLabel("Name").fill("Thanks for your mail");
  await page.getByLabel("Sent from").selectOption({ label: "Sales <sales@example>" });
  await page.getByLabel("Text").fill("We opened ticket <OTRS_TICKET_TicketNumber> for you.");
  await page.getByRole("button", { name: "Add auto-response" }).click();
  await page.getByRole("status").getByText("Auto-response Thanks for your mail added.").waitFor();
  assert.deepEqual(await violations(page), [], "an auto-response's page");
  await page.getByRole("link", { name: "Auto-responses" }).click();
  await page.getByRole("link", { name: "Raw" }).click();
  await page.getByLabel("a mail opens a new ticket").selectOption({ label: "Thanks for your mail" });
  assert.deepEqual(await violations(page), [], "a queue's auto-responses");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("status").getByText("The auto-responses of Raw are saved.").waitFor();
  const raw = page.getByRole("row").filter({ hasText: "Raw" });
  assert.match(await raw.innerText(), /Thanks for your mail/);
  await shot(page, "admin-auto-responses");

  // The notifications: the default ones listed, one opened, made once a day, saved.
  await page.getByRole("link", { name: "Notifications" }).click();
  await page.waitForURL(/\/admin\/notifications$/);
  assert.deepEqual(await violations(page), [], "/admin/notifications");
  await page.getByRole("link", { name: "Ticket owner update notification" }).click();
  await page.getByLabel("At most once a day per agent and ticket").check();
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("status").getByText("Notification Ticket owner update notification saved.").waitFor();
  assert.ok(await page.getByLabel("At most once a day per agent and ticket").isChecked());
  assert.deepEqual(await violations(page), [], "a notification's page");
  await shot(page, "admin-notification");

  // A ticket field: a list without values refused beside them, then added; the ticket
  // list offers it as a filter and finds nothing before a ticket holds the value.
  await page.getByRole("link", { name: "Ticket fields" }).click();
  await page.waitForURL(/\/admin\/fields$/);
  assert.deepEqual(await violations(page), [], "/admin/fields");
  await page.getByRole("link", { name: "Add ticket field" }).click();
  await page.getByLabel("Name").fill("Severity");
  await page.getByLabel("Label").fill("Severity");
  await page.getByLabel("Type").selectOption({ label: "List (one value)" });
  await page.getByRole("button", { name: "Add ticket field" }).click();
  await assert.doesNotReject(page.locator("#f-values-error").waitFor());
  assert.equal(await page.getByLabel("Name").inputValue(), "Severity");
  assert.deepEqual(await violations(page), [], "the field form with a mistake");
  await shot(page, "admin-field-errors");
  await page.getByLabel("Values").fill("low: Low\nhigh: High");
  await page.getByRole("button", { name: "Add ticket field" }).click();
  await page.waitForURL(/\/admin\/fields\/\d+$/);
  await page.getByRole("status").getByText("Field Severity added.").waitFor();
  assert.deepEqual(await violations(page), [], "a field's page");
  await page.goto(goats.base + "/tickets?field=Severity&value=High");
  assert.equal(await page.getByLabel("Ticket field").inputValue(), "Severity");
  await page.locator("#ticket-count").getByText("0 tickets").waitFor();
  assert.deepEqual(await violations(page), [], "the list filtered by a field");
  await shot(page, "tickets-by-field");
});
