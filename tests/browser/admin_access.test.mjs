// Who reaches which tickets, set up in the admin pages of a real browser: an admin
// creates a group and a queue in it, creates an agent, gives the group to the agent
// through a role — and that agent then finds the queue where an agent without the role
// does not. Mistakes show beside their fields; every page meets WCAG 2 AA.
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
  goats.cli(["user", "add", "ada", "--first-name", "Ada", "--last-name", "Lovelace", "--group", "users", "--password-stdin"], "ada-password\n");
  chromium = await browser();
});

after(async () => {
  await chromium?.close();
  await goats.stop();
});

const logIn = (context, login, password) => signIn(goats, context, login, password);

/** The queues the new-ticket form offers the signed-in agent. */
async function offeredQueues(page) {
  await page.goto(goats.base + "/tickets/new");
  return page.getByLabel("Queue").locator("option").allInnerTexts();
}

test("an admin gives a new agent a new queue through a role, and only that agent sees it", async () => {
  const page = await logIn(await chromium.newContext({ locale: "en-US" }), "grace", "grace-password");
  await page.getByRole("link", { name: "Admin" }).click();

  // A group; a taken name is refused beside the field.
  await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Groups" }).click();
  await page.waitForURL(/\/admin\/groups$/);
  assert.deepEqual(await violations(page), [], "/admin/groups");
  await page.getByRole("link", { name: "Add group" }).click();
  await page.getByLabel("Name").fill("users");
  await page.getByLabel("Comment").fill("Key accounts");
  await page.getByRole("button", { name: "Add group" }).click();
  await assert.doesNotReject(page.locator("#n-name-error").waitFor());
  assert.equal(await page.getByLabel("Comment").inputValue(), "Key accounts", "what was typed stays");
  assert.deepEqual(await violations(page), [], "the group form with a mistake");
  await page.getByLabel("Name").fill("vip");
  await page.getByRole("button", { name: "Add group" }).click();
  await page.getByRole("status").getByText("Group vip added.").waitFor();

  // A queue in it: without a group it is refused beside the group, nothing lost.
  await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Queues" }).click();
  await page.waitForURL(/\/admin\/queues$/);
  assert.deepEqual(await violations(page), [], "/admin/queues");
  await page.getByRole("link", { name: "Add queue" }).click();
  await page.getByLabel("Name").fill("VIP");
  await page.getByLabel("First response").fill("an hour");
  await page.getByLabel("Solution").fill("480");
  await page.getByRole("button", { name: "Add queue" }).click();
  await assert.doesNotReject(page.locator("#q-group-error").waitFor());
  assert.equal(await page.getByLabel("Group").getAttribute("aria-invalid"), "true");
  await assert.doesNotReject(page.locator("#q-first_response_time-error").waitFor());
  assert.equal(await page.getByLabel("Solution").inputValue(), "480");
  assert.deepEqual(await violations(page), [], "the queue form with mistakes");
  await shot(page, "admin-queue-errors");
  await page.getByLabel("Group").selectOption({ label: "vip" });
  await page.getByLabel("First response").fill("60");
  await page.getByLabel("A reply to a closed ticket").selectOption({ label: "opens a new ticket" });
  await page.getByRole("button", { name: "Add queue" }).click();
  await page.waitForURL(/\/admin\/queues\/\d+$/);
  await page.getByRole("status").getByText("Queue VIP added.").waitFor();
  assert.equal(await page.getByLabel("First response").inputValue(), "60");
  await shot(page, "admin-queue");

  // A new agent, in no group of their own.
  await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Agents" }).click();
  await page.getByRole("link", { name: "Add agent" }).click();
  await page.getByLabel("Login").fill("linus");
  await page.getByLabel("First name").fill("Linus");
  await page.getByLabel("Last name").fill("Torvalds");
  await page.getByLabel("Password").fill("penguins-1991");
  await page.getByRole("button", { name: "Add agent" }).click();
  await page.waitForURL(/\/admin\/users\/\d+$/);

  // A role that grants the group, with linus as its member.
  await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Roles" }).click();
  await page.waitForURL(/\/admin\/roles$/);
  assert.deepEqual(await violations(page), [], "/admin/roles");
  await page.getByRole("link", { name: "Add role" }).click();
  await page.getByLabel("Name").fill("VIP desk");
  await page.getByRole("button", { name: "Add role" }).click();
  await page.waitForURL(/\/admin\/roles\/\d+$/);
  await page.getByRole("checkbox", { name: "Linus Torvalds (linus)" }).check();
  await page.getByRole("button", { name: "Save members" }).click();
  await page.getByRole("status").getByText("Members of VIP desk saved.").waitFor();
  await page.getByRole("checkbox", { name: "vip: rw" }).check();
  await page.getByRole("button", { name: "Save permissions" }).click();
  await page.getByRole("status").getByText("Permissions of VIP desk saved.").waitFor();
  assert.ok(await page.getByRole("checkbox", { name: "vip: rw" }).isChecked());
  assert.ok(await page.getByRole("checkbox", { name: "Linus Torvalds (linus)" }).isChecked());
  assert.deepEqual(await violations(page), [], "a role's page");
  await shot(page, "admin-role");
  // The refused forms answer 422, as they should; nothing else may go wrong.
  assert.deepEqual(page.problems.filter((p) => !/\b422\b/.test(p)), [], "no CSP violation or script error");

  // linus now files tickets in VIP; ada, without the role, does not see it.
  const linus = await logIn(await chromium.newContext({ locale: "en-US" }), "linus", "penguins-1991");
  assert.ok((await offeredQueues(linus)).includes("VIP"), "linus is offered VIP");
  const ada = await logIn(await chromium.newContext({ locale: "en-US" }), "ada", "ada-password");
  assert.ok(!(await offeredQueues(ada)).includes("VIP"), "ada is not");
});

test("the pages for states, priorities, types, salutations, signatures, contacts and companies meet WCAG 2 AA", async () => {
  const page = await logIn(await chromium.newContext({ locale: "en-US", colorScheme: "dark" }), "grace", "grace-password");
  for (const path of ["/admin/states", "/admin/states/new", "/admin/salutations", "/admin/signatures/new", "/admin/priorities", "/admin/types/new", "/admin/customer-users", "/admin/customer-companies/new", "/admin/customer-users/new"]) {
    await page.goto(goats.base + path);
    assert.deepEqual(await violations(page), [], path);
  }
  // A contact of a company that does not exist: the problem beside the field, in place.
  await page.getByLabel("Login").fill("pat");
  await page.getByLabel("First name").fill("Pat");
  await page.getByLabel("Last name").fill("Doe");
  await page.getByLabel("Email address").fill("pat@example.org");
  await page.getByLabel("Company (customer id)").fill("NOPE");
  await page.getByRole("button", { name: "Add contact" }).click();
  await assert.doesNotReject(page.locator("#f-customer_id-error").waitFor());
  assert.equal(await page.getByLabel("Email address").inputValue(), "pat@example.org");
  assert.deepEqual(await violations(page), [], "the contact form with a mistake");
  await shot(page, "admin-contact-errors");
});
