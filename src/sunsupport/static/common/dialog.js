// The page's in-page dialog (#dialog in base.html, a modal <dialog>): a confirmation
// before anything is deleted, or one line of text (a chat's new name). Escape or «Отмена»
// cancels; focus goes back to where it was.

import { $ } from "/static/common/ui.js";

const dom = {
  dialog: $("dialog"),
  form: $("dialog-form"),
  title: $("dialog-title"),
  text: $("dialog-text"),
  field: $("dialog-field"),
  label: $("dialog-label"),
  input: $("dialog-input"),
  error: $("dialog-error"),
  confirm: $("dialog-confirm"),
  cancel: $("dialog-cancel"),
};
let settle = null; // resolves the open dialog's promise

function open({ title, text = "", confirmLabel, danger = false, field = null }) {
  if (settle) settle(null); // a second dialog replaces the first
  const returnTo = document.activeElement;
  dom.title.textContent = title;
  dom.text.textContent = text;
  dom.text.hidden = !text;
  dom.confirm.textContent = confirmLabel;
  dom.confirm.classList.toggle("btn-danger", danger);
  dom.confirm.classList.toggle("btn-primary", !danger);
  dom.field.hidden = !field;
  dom.error.hidden = true;
  if (field) {
    dom.label.textContent = field.label;
    dom.input.value = field.value ?? "";
    dom.input.maxLength = field.maxLength ?? 80;
  }
  return new Promise((resolve) => {
    settle = (value) => {
      settle = null;
      if (dom.dialog.open) dom.dialog.close();
      if (returnTo?.isConnected) returnTo.focus();
      resolve(value);
    };
    dom.dialog.showModal();
    if (field) {
      dom.input.focus();
      dom.input.select();
    } else {
      dom.cancel.focus(); // the safe choice first: Enter does not delete by accident
    }
  });
}

/** Ask before doing something that cannot be undone; true when confirmed. */
export async function confirmAction({ title, text, confirmLabel = "Удалить", danger = true }) {
  return (await open({ title, text, confirmLabel, danger })) === true;
}

/** Ask for one line of text; the trimmed text, or null when cancelled. */
export async function askText({ title, label, value, confirmLabel = "Сохранить", maxLength = 80 }) {
  const result = await open({ title, confirmLabel, field: { label, value, maxLength } });
  return typeof result === "string" ? result : null;
}

dom.form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!settle) return;
  if (dom.field.hidden) {
    settle(true);
    return;
  }
  const value = dom.input.value.replace(/\s+/g, " ").trim();
  if (!value) {
    dom.error.textContent = "Введите хотя бы один символ.";
    dom.error.hidden = false;
    dom.input.focus();
    return;
  }
  settle(value);
});
dom.cancel.addEventListener("click", () => settle?.(null));
// Escape (the browser's "cancel") and any other way of closing count as «Отмена».
dom.dialog.addEventListener("cancel", (event) => {
  event.preventDefault();
  settle?.(null);
});
dom.dialog.addEventListener("close", () => settle?.(null));
