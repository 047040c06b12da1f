// The profile panel's "my data": download everything stored about me as a JSON file, and
// delete the account after a second confirmation that names what goes.

import { api } from "/static/common/api.js";
import { currentUser, signOut } from "/static/common/auth.js";
import { describeError } from "/static/common/errors.js";
import { $, el } from "/static/common/ui.js";
import { plural } from "/static/common/words.js";

const EXPORT_FILE = "sunsupport-my-data.json";

// The profile panel this part lives in (profile.js): its message area, the current
// password field (the deletion needs it too) and closing it.
let panel = null;

const dom = {
  exportButton: $("export-data"),
  deleteButton: $("delete-account"),
  step: $("delete-step"),
  summary: $("delete-summary"),
  confirm: $("delete-confirm"),
  cancel: $("delete-cancel"),
};

function download(data) {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = el("a", { attrs: { href: url, download: EXPORT_FILE, hidden: "" } });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function exportData() {
  dom.exportButton.disabled = true;
  try {
    download(await api.exportData());
    panel.say("Файл с вашими данными скачан.");
  } catch (error) {
    if (!error?.handled) panel.say(describeError(error, "export"), { error: true });
  } finally {
    dom.exportButton.disabled = false;
  }
}

/** The second step: say exactly what will be deleted. */
async function askToDelete() {
  panel.say(null);
  let what = "все ваши чаты и сообщения в них";
  try {
    const data = await api.exportData();
    const messages = data.chats.reduce((sum, chat) => sum + chat.messages.length, 0);
    what = `${plural(data.chats.length, "чат", "чата", "чатов")} и ${plural(messages, "сообщение", "сообщения", "сообщений")} в них`;
  } catch (error) {
    if (error?.handled) return;
  }
  const name = currentUser()?.display_name ?? currentUser()?.username ?? "";
  dom.summary.textContent =
    `Будут удалены навсегда: аккаунт «${name}», ${what}, ваши оценки и комментарии. ` +
    "Восстановить их будет нельзя." +
    (currentUser()?.role === "visitor" ? "" : " Для подтверждения нужен текущий пароль.");
  dom.step.hidden = false;
  dom.deleteButton.hidden = true;
  dom.confirm.focus();
}

export function resetDeleteStep() {
  dom.step.hidden = true;
  dom.deleteButton.hidden = false;
}

async function deleteAccount() {
  const visitor = currentUser()?.role === "visitor"; // no password: the token suffices
  const password = visitor ? null : panel.currentPassword();
  if (!visitor && !password) {
    panel.say("Введите текущий пароль в поле выше, чтобы удалить аккаунт.", { error: true });
    panel.focusCurrentPassword();
    return;
  }
  dom.confirm.disabled = true;
  try {
    await api.deleteAccount(visitor ? null : password);
    panel.close();
    signOut("Аккаунт и все ваши данные удалены.");
  } catch (error) {
    if (error?.handled) return;
    const text = error?.status === 403 ? "Текущий пароль введён неверно." : describeError(error, "delete-account");
    panel.say(text, { error: true });
  } finally {
    dom.confirm.disabled = false;
  }
}

/** Wire the buttons; `profile` is { say, currentPassword, focusCurrentPassword, close }. */
export function wireMyData(profile) {
  panel = profile;
  dom.exportButton.addEventListener("click", exportData);
  dom.deleteButton.addEventListener("click", askToDelete);
  dom.cancel.addEventListener("click", resetDeleteStep);
  dom.confirm.addEventListener("click", deleteAccount);
}
