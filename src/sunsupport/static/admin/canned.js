// Canned replies: the operators' templates, typed as "/shortcut" in the console. Add, edit
// in the same form, delete.

import { api } from "/static/common/api.js";
import { confirmAction } from "/static/common/dialog.js";
import { setError } from "/static/common/errors.js";
import { $, el } from "/static/common/ui.js";
import { complain, notify, report } from "/static/admin/report.js";

const dom = {
  form: $("canned-form"),
  shortcut: $("canned-shortcut"),
  text: $("canned-text"),
  save: $("canned-save"),
  cancel: $("canned-cancel"),
  items: $("canned-items"),
  empty: $("canned-empty"),
};
let replies = [];
let editing = null; // the id of the reply in the form

function cannedNode(reply) {
  const row = el("li", {
    className: "canned-item",
    attrs: { "data-testid": "canned-item", "data-id": String(reply.id) },
  });
  const body = el("div", { className: "canned-body" });
  body.append(
    el("span", { className: "canned-shortcut", text: `/${reply.shortcut}` }),
    el("span", { className: "canned-text", text: reply.text }),
  );
  const actions = el("div", { className: "canned-actions" });
  actions.append(
    el("button", {
      className: "btn btn-ghost btn-small",
      text: "Изменить",
      attrs: { type: "button", "data-action": "edit", "data-testid": "canned-edit", "aria-label": `Изменить /${reply.shortcut}` },
    }),
    el("button", {
      className: "btn btn-ghost btn-small",
      text: "Удалить",
      attrs: { type: "button", "data-action": "delete", "data-testid": "canned-delete", "aria-label": `Удалить /${reply.shortcut}` },
    }),
  );
  row.append(body, actions);
  return row;
}

export async function loadCanned() {
  try {
    replies = (await api.canned()) ?? [];
    renderCanned();
  } catch (error) {
    report(error, "canned");
  }
}

export function clearCanned() {
  dom.items.replaceChildren();
}

function renderCanned() {
  dom.items.replaceChildren(...replies.map(cannedNode));
  dom.empty.hidden = replies.length > 0;
}

function resetForm() {
  editing = null;
  dom.shortcut.value = "";
  dom.text.value = "";
  dom.save.textContent = "Добавить шаблон";
  dom.cancel.hidden = true;
}

dom.form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const shortcut = dom.shortcut.value.trim().replace(/^\//, "");
  const text = dom.text.value.trim();
  if (!/^[\p{L}\p{N}_-]{1,32}$/u.test(shortcut)) {
    complain("Короткое имя: буквы, цифры, «_» или «-», до 32 символов.");
    dom.shortcut.focus();
    return;
  }
  if (!text) {
    complain("Введите текст ответа.");
    dom.text.focus();
    return;
  }
  setError(null);
  dom.save.disabled = true;
  try {
    if (editing) {
      await api.updateCanned(editing, shortcut, text);
      notify(`Шаблон /${shortcut} сохранён.`);
    } else {
      await api.createCanned(shortcut, text);
      notify(`Шаблон /${shortcut} добавлен.`);
    }
    resetForm();
    await loadCanned();
    dom.shortcut.focus();
  } catch (error) {
    report(error, "canned");
  } finally {
    dom.save.disabled = false;
  }
});

dom.cancel.addEventListener("click", () => {
  resetForm();
  setError(null);
});

dom.items.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-action]");
  if (!button) return;
  const id = Number(button.closest("[data-id]").dataset.id);
  const reply = replies.find((c) => c.id === id);
  if (!reply) return;
  if (button.dataset.action === "edit") {
    editing = id;
    dom.shortcut.value = reply.shortcut;
    dom.text.value = reply.text;
    dom.save.textContent = "Сохранить";
    dom.cancel.hidden = false;
    dom.shortcut.focus();
    return;
  }
  const confirmed = await confirmAction({
    title: `Удалить шаблон /${reply.shortcut}?`,
    text: "Операторы больше не смогут вставить этот ответ. Удаление нельзя отменить.",
    confirmLabel: "Удалить",
  });
  if (!confirmed) return;
  button.disabled = true;
  try {
    await api.deleteCanned(id);
    if (editing === id) resetForm();
    notify(`Шаблон /${reply.shortcut} удалён.`);
    await loadCanned();
    dom.shortcut.focus(); // the row (and its button) is gone
  } catch (error) {
    report(error, "canned");
    button.disabled = false;
  }
});
