// Staff: operators and admins with the name customers see on their replies and handover
// notes (PATCH /admin/staff/{id}); an empty name shows the username.

import { api } from "/static/common/api.js";
import { $, el } from "/static/common/ui.js";
import { roleName } from "/static/admin/names.js";
import { complain, notify, report } from "/static/admin/report.js";

const MAX_NAME = 64;

const dom = { items: $("staff-items"), empty: $("staff-empty") };
const saving = new Set(); // ids of the staff whose name is being saved

function staffNode(member) {
  const row = el("li", {
    className: "canned-item staff-item",
    attrs: { "data-testid": "staff-item", "data-id": String(member.id) },
  });
  const who = el("div", { className: "canned-body" });
  who.append(
    el("span", { className: "canned-shortcut", text: member.username }),
    el("span", { className: "hint", text: roleName(member.role) }),
  );
  const form = el("form", { className: "staff-form", attrs: { novalidate: "" } });
  const save = el("button", {
    className: "btn btn-primary btn-small",
    text: "Сохранить",
    attrs: { type: "submit", "data-testid": "staff-save" },
  });
  save.disabled = saving.has(String(member.id)); // a save under way when the list reloaded
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
    save,
  );
  row.append(who, form);
  return row;
}

function rowOf(id) {
  return dom.items.querySelector(`[data-id="${CSS.escape(id)}"]`);
}

/** What the admin was doing in the list: names typed and not saved, and the focus. */
function editsInProgress() {
  const typed = new Map();
  for (const input of dom.items.querySelectorAll("input")) {
    if (input.value !== input.defaultValue) typed.set(input.closest("[data-id]").dataset.id, input.value);
  }
  const active = dom.items.contains(document.activeElement) ? document.activeElement : null;
  const focus = active && {
    id: active.closest("[data-id]")?.dataset.id,
    control: active.tagName.toLowerCase(), // a row has one input and one button
    selection: active instanceof HTMLInputElement ? [active.selectionStart, active.selectionEnd] : null,
  };
  return { typed, focus };
}

function restoreEdits({ typed, focus }) {
  for (const [id, value] of typed) {
    const input = rowOf(id)?.querySelector("input");
    if (input) input.value = value;
  }
  const target = focus?.id && rowOf(focus.id)?.querySelector(focus.control);
  if (!target) return;
  target.focus();
  if (focus.selection && target instanceof HTMLInputElement) target.setSelectionRange(...focus.selection);
}

export async function loadStaff() {
  dom.items.setAttribute("aria-busy", "true");
  try {
    const staff = (await api.staff()) ?? [];
    // The tab reloads the list each time it is shown: what was being typed meanwhile stays.
    const editing = editsInProgress();
    dom.items.replaceChildren(...staff.map(staffNode));
    restoreEdits(editing);
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
  const id = row.dataset.id;
  saving.add(id);
  form.querySelector("button").disabled = true;
  try {
    const saved = await api.setDisplayName(id, name || null);
    // The list may have been reloaded meanwhile: the row on screen now takes the name.
    const shown = rowOf(id)?.querySelector("input");
    if (shown) {
      shown.value = saved?.display_name ?? "";
      shown.defaultValue = shown.value; // saved: no longer an edit to keep
    }
    notify(saved?.display_name ? `Клиенты видят имя «${saved.display_name}».` : `Клиенты видят логин ${saved?.username ?? ""}.`);
  } catch (error) {
    report(error, "staff");
  } finally {
    saving.delete(id);
    const button = rowOf(id)?.querySelector("button");
    if (button) button.disabled = false;
  }
});
