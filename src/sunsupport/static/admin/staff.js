// Staff: operators and admins with the name customers see on their replies and handover
// notes (PATCH /admin/staff/{id}); an empty name shows the username.

import { api } from "/static/common/api.js";
import { $, el } from "/static/common/ui.js";
import { complain, notify, report } from "/static/admin/report.js";

const ROLES = { operator: "оператор", admin: "администратор" };
const MAX_NAME = 64;

const dom = { items: $("staff-items"), empty: $("staff-empty") };

function staffNode(member) {
  const row = el("li", {
    className: "canned-item staff-item",
    attrs: { "data-testid": "staff-item", "data-id": String(member.id) },
  });
  const who = el("div", { className: "canned-body" });
  who.append(
    el("span", { className: "canned-shortcut", text: member.username }),
    el("span", { className: "hint", text: ROLES[member.role] ?? member.role }),
  );
  const form = el("form", { className: "staff-form", attrs: { novalidate: "" } });
  const inputId = `staff-name-${member.id}`;
  form.append(
    el("label", { className: "visually-hidden", text: `Имя для клиентов: ${member.username}`, attrs: { for: inputId } }),
    el("input", {
      className: "select staff-name",
      attrs: {
        id: inputId,
        type: "text",
        maxlength: String(MAX_NAME),
        placeholder: member.username,
        value: member.display_name ?? "",
        autocomplete: "off",
        "data-testid": "staff-name",
      },
    }),
    el("button", {
      className: "btn btn-primary btn-small",
      text: "Сохранить",
      attrs: { type: "submit", "data-testid": "staff-save" },
    }),
  );
  row.append(who, form);
  return row;
}

/** Names typed but not saved yet (staff id → text), and the id whose field has focus. */
function unsavedEdits() {
  const edits = new Map();
  for (const input of dom.items.querySelectorAll("input")) {
    if (input.value !== input.defaultValue) edits.set(input.closest("[data-id]").dataset.id, input.value);
  }
  const focused = dom.items.contains(document.activeElement)
    ? document.activeElement.closest("[data-id]")?.dataset.id
    : undefined;
  return { edits, focused };
}

function restoreEdits({ edits, focused }) {
  for (const row of dom.items.querySelectorAll("[data-id]")) {
    const input = row.querySelector("input");
    if (edits.has(row.dataset.id)) input.value = edits.get(row.dataset.id);
    if (row.dataset.id === focused) input.focus();
  }
}

export async function loadStaff() {
  dom.items.setAttribute("aria-busy", "true");
  try {
    const staff = (await api.staff()) ?? [];
    // The tab reloads the list each time it is shown: what was being typed meanwhile stays.
    const typing = unsavedEdits();
    dom.items.replaceChildren(...staff.map(staffNode));
    restoreEdits(typing);
    dom.empty.hidden = staff.length > 0;
  } catch (error) {
    report(error, "staff");
  } finally {
    dom.items.setAttribute("aria-busy", "false");
  }
}

export function clearStaff() {
  dom.items.replaceChildren();
}

dom.items.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const row = form.closest("[data-id]");
  const input = form.querySelector("input");
  const name = input.value.replace(/\s+/g, " ").trim();
  if (name.length > MAX_NAME) {
    complain(`Имя — не длиннее ${MAX_NAME} символов.`);
    input.focus();
    return;
  }
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    const saved = await api.setDisplayName(row.dataset.id, name || null);
    input.value = saved?.display_name ?? "";
    input.defaultValue = input.value; // saved: no longer an edit to keep
    notify(saved?.display_name ? `Клиенты видят имя «${saved.display_name}».` : `Клиенты видят логин ${saved?.username ?? ""}.`);
  } catch (error) {
    report(error, "staff");
  } finally {
    button.disabled = false;
  }
});
