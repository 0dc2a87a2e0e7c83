// goats' own behaviour in the agent pages. Loaded before Alpine (CSP build), so the
// components below exist when Alpine starts. No inline scripts anywhere: the pages'
// Content-Security-Policy forbids them.
"use strict";

document.documentElement.classList.add("js");

document.addEventListener("alpine:init", () => {
  // The user menu in the header.
  window.Alpine.data("menu", () => ({
    open: false,
    toggle() {
      this.open = !this.open;
    },
    close() {
      this.open = false;
    },
  }));

  // Articles / History tabs of the ticket zoom.
  window.Alpine.data("tabs", () => ({
    tab: "articles",
    get isArticles() {
      return this.tab === "articles";
    },
    get isHistory() {
      return this.tab === "history";
    },
    showArticles() {
      this.tab = "articles";
    },
    showHistory() {
      this.tab = "history";
    },
  }));
});

// Toasts: the server sends {"goats:toast": {kind, message}} in HX-Trigger.
document.addEventListener("goats:toast", (event) => {
  const box = document.getElementById("toasts");
  if (!box || !event.detail) return;
  const toast = document.createElement("div");
  toast.className = event.detail.kind === "error" ? "toast toast-error" : "toast";
  toast.setAttribute("role", event.detail.kind === "error" ? "alert" : "status");
  toast.textContent = event.detail.message;
  box.appendChild(toast);
  setTimeout(() => toast.remove(), event.detail.kind === "error" ? 8000 : 4000);
});

// A refused field: the server sends {"goats:field-error": {field, message}} in
// HX-Trigger, on the form that was sent. The message goes beside the field and is
// announced; what was typed stays. A form without that field gets a toast instead.
let fieldErrors = 0;
document.addEventListener("goats:field-error", (event) => {
  const { field, message } = event.detail ?? {};
  const form = event.target.closest?.("form");
  const input = form?.querySelector(`[name="${CSS.escape(field ?? "")}"]`);
  if (!input) {
    document.dispatchEvent(new CustomEvent("goats:toast", { detail: { kind: "error", message } }));
    return;
  }
  let note = form.querySelector(`[data-field-error="${CSS.escape(field)}"]`);
  if (!note) {
    note = document.createElement("p");
    note.className = "field-error";
    note.id = `field-error-${++fieldErrors}`;
    note.dataset.fieldError = field;
    note.setAttribute("role", "alert");
    input.insertAdjacentElement("afterend", note);
  }
  note.textContent = message;
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", note.id);
  input.focus();
});

// Sending the form again clears what was refused last time.
document.addEventListener("htmx:beforeRequest", (event) => {
  const form = event.target.closest?.("form");
  for (const note of form?.querySelectorAll("[data-field-error]") ?? []) {
    const input = form.querySelector(`[aria-describedby="${note.id}"]`);
    input?.removeAttribute("aria-invalid");
    input?.removeAttribute("aria-describedby");
    note.remove();
  }
});

// A flash toast the server rendered into the page fades like the others.
function fadeFlashes() {
  for (const flash of document.querySelectorAll("[data-flash]")) {
    flash.removeAttribute("data-flash");
    setTimeout(() => flash.remove(), 4000);
  }
}
document.addEventListener("DOMContentLoaded", fadeFlashes);
document.addEventListener("htmx:afterSettle", fadeFlashes);

// A failed request HTMX could not reach the server for.
document.addEventListener("htmx:sendError", () => {
  const message = document.body.dataset.offlineMessage;
  document.dispatchEvent(new CustomEvent("goats:toast", { detail: { kind: "error", message } }));
});

// Preference selects save as soon as they change.
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]")) event.target.form.requestSubmit();
});

// The list's "select all" box ticks every ticket shown.
document.addEventListener("change", (event) => {
  if (!event.target.matches("[data-select-all]")) return;
  for (const box of document.querySelectorAll('input[name="ids"]')) box.checked = event.target.checked;
});

// "Insert reply text" also makes the article a reply.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-select-kind]");
  if (!button) return;
  const radio = button.form?.querySelector(`input[name="kind"][value="${button.dataset.selectKind}"]`);
  if (radio) radio.checked = true;
});

// The error page's back button.
document.addEventListener("click", (event) => {
  const back = event.target.closest("[data-back]");
  if (back && history.length > 1) {
    event.preventDefault();
    history.back();
  }
});

// Keyboard: j / k move through the ticket list, Enter opens; on a ticket, j / k go to
// the next / previous ticket of the list the agent came from.
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  if (event.key === "/") {
    const search = document.getElementById("global-search");
    if (search) {
      event.preventDefault();
      search.focus();
    }
    return;
  }
  if (event.key !== "j" && event.key !== "k") return;
  const links = Array.from(document.querySelectorAll("[data-ticket-link]"));
  if (links.length > 0) {
    const at = links.indexOf(document.activeElement);
    const next = event.key === "j" ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
    links[next].focus();
    event.preventDefault();
    return;
  }
  const list = JSON.parse(sessionStorage.getItem("goats:list") || "[]");
  const here = document.querySelector("[data-ticket-id]");
  if (!here) return;
  const at = list.indexOf(here.dataset.ticketId);
  const target = at < 0 ? undefined : list[event.key === "j" ? at + 1 : at - 1];
  if (target) window.location.href = "/tickets/" + target;
});

// Remember the order of the last ticket list seen, for j / k on a ticket.
function rememberList() {
  const ids = Array.from(document.querySelectorAll("[data-ticket-link]")).map((a) =>
    a.getAttribute("href").split("/").pop(),
  );
  if (ids.length > 0) sessionStorage.setItem("goats:list", JSON.stringify(ids));
}
document.addEventListener("DOMContentLoaded", rememberList);
document.addEventListener("htmx:afterSettle", rememberList);

// Live updates: the server streams events (server-sent events, filtered by what this
// agent may see). Reminders and escalations for this agent pop up as toasts with a
// link and, for reminders, a snooze button; news about tickets refreshes the list or
// the open ticket, unless the agent is typing in it.
function csrfHeaders() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}");
  } catch {
    return {};
  }
}

function noticeToast(data) {
  const box = document.getElementById("toasts");
  if (!box) return;
  const toast = document.createElement("div");
  toast.className = "toast toast-notice";
  toast.setAttribute("role", "alert");
  toast.dataset.liveKind = data.kind;
  const text = document.createElement("span");
  text.textContent = data.message;
  toast.appendChild(text);
  const open = document.createElement("a");
  open.href = "/tickets/" + data.ticket_id;
  open.textContent = document.body.dataset.openLabel;
  toast.appendChild(open);
  if (data.kind === "pending_reminder") {
    const snooze = document.createElement("button");
    snooze.type = "button";
    snooze.textContent = document.body.dataset.snoozeLabel;
    snooze.addEventListener("click", async () => {
      const body = new URLSearchParams({ snooze_minutes: "60" });
      const response = await fetch("/api/tickets/" + data.ticket_id + "/status", {
        method: "POST",
        headers: { ...csrfHeaders(), "HX-Request": "true" },
        body,
      });
      if (response.ok) toast.remove();
    });
    toast.appendChild(snooze);
  }
  box.appendChild(toast);
  setTimeout(() => toast.remove(), 30000);
}

// A choice made in a form but not sent yet: a select moved off what the page came with,
// a box ticked, a field typed in. A refresh would put the form back and lose it.
function unsent(control) {
  if (control instanceof HTMLSelectElement) {
    const options = Array.from(control.options);
    const chosen = options.map((o) => o.defaultSelected);
    // Without a `selected` attribute a single select starts on its first option.
    if (!control.multiple && options.length && !chosen.includes(true)) chosen[0] = true;
    return options.some((o, i) => o.selected !== chosen[i]);
  }
  if (control.type === "checkbox" || control.type === "radio") return control.checked !== control.defaultChecked;
  return control.value !== control.defaultValue;
}

function editing(container) {
  if (container.contains(document.activeElement) && document.activeElement.matches("input, textarea, select")) {
    return true;
  }
  if (Array.from(container.querySelectorAll("textarea")).some((area) => area.value.trim() !== "")) return true;
  return Array.from(container.querySelectorAll("input:not([type=hidden]):not([type=file]), select")).some(unsent);
}

let listRefresh;
function ticketNews(data) {
  const open = document.querySelector("#ticket[data-ticket-id]");
  if (open && open.dataset.ticketId === String(data.ticket_id) && !editing(open) && window.htmx) {
    // The portal's ticket is part of a whole page; the agents' zoom answers with itself.
    const page = open.dataset.ticketUrl;
    const context = { target: "#ticket", swap: "outerHTML" };
    if (page) context.select = "#ticket";
    window.htmx.ajax("GET", page || "/tickets/" + data.ticket_id, context);
  }
  if (document.getElementById("ticket-results")) {
    // Several changes in a burst refresh the list once.
    clearTimeout(listRefresh);
    listRefresh = setTimeout(() => document.body.dispatchEvent(new CustomEvent("goats:refresh-list")), 500);
  }
}

function followLive() {
  const url = document.body.dataset.live;
  if (!url || !window.EventSource) return;
  const source = new EventSource(url);
  // Whether the stream is up, for styles and for tests that must not act before it is.
  source.addEventListener("open", () => (document.body.dataset.liveOpen = "true"));
  source.addEventListener("error", () => delete document.body.dataset.liveOpen);
  const handle = (event) => {
    const data = JSON.parse(event.data);
    if (data.message) noticeToast(data);
    else ticketNews(data);
  };
  for (const kind of ["pending_reminder", "escalation_warning", "escalated", "notified"]) {
    source.addEventListener(kind, handle);
  }
  for (const kind of ["ticket_created", "ticket_updated", "article_added"]) source.addEventListener(kind, handle);
  window.addEventListener("beforeunload", () => source.close());
}
document.addEventListener("DOMContentLoaded", followLive);
