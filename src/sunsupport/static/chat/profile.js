// The profile panel (a modal dialog): change the password, sign out everywhere; how to
// reach the person is in contact.js, their data (download, delete) in my-data.js.
// Messages show inside the dialog, which covers the page's own error element.

import { api } from "/static/common/api.js";
import { currentUser, signOut } from "/static/common/auth.js";
import { describeError, fieldProblem } from "/static/common/errors.js";
import { $ } from "/static/common/ui.js";
import { fillContact, wireContact } from "/static/chat/contact.js";
import { resetDeleteStep, wireMyData } from "/static/chat/my-data.js";

const dom = {
  open: $("profile-open"),
  dialog: $("profile-dialog"),
  close: $("profile-close"),
  name: $("profile-name"),
  status: $("profile-status"),
  error: $("profile-error"),
  form: $("password-form"),
  current: $("password-current"),
  next: $("password-new"),
  submit: $("password-submit"),
  logoutAll: $("logout-all"),
  sessions: $("sessions-section"),
};

/** Show `text` as the dialog's outcome (`error`: a failure), or clear both with null. */
function say(text, { error = false } = {}) {
  dom.error.textContent = error ? text ?? "" : "";
  dom.error.hidden = !(error && text);
  dom.status.textContent = error ? "" : text ?? "";
  dom.status.hidden = error || !text;
}

/** Close the panel (which forgets what was typed in it). */
function closeProfile() {
  if (dom.dialog.open) dom.dialog.close();
}

function reset() {
  dom.form.reset();
  resetDeleteStep();
  say(null);
}

function passwordError(error) {
  if (error?.status === 403) return "Текущий пароль введён неверно.";
  if (error?.status === 422) {
    return fieldProblem(error.detail) ?? "Новый пароль: от 8 до 128 символов.";
  }
  if (error?.status === 429) return describeError(error, "login");
  return describeError(error, "password");
}

async function changePassword(event) {
  event.preventDefault();
  const current = dom.current.value;
  const next = dom.next.value;
  if (!current) {
    say("Введите текущий пароль.", { error: true });
    dom.current.focus();
    return;
  }
  if (next.length < 8 || next.length > 128) {
    say("Новый пароль: от 8 до 128 символов.", { error: true });
    dom.next.focus();
    return;
  }
  dom.submit.disabled = true;
  try {
    await api.changePassword(current, next);
    dom.form.reset();
    say("Пароль изменён. На других вкладках и устройствах нужно войти заново.");
  } catch (error) {
    if (!error?.handled) say(passwordError(error), { error: true });
  } finally {
    dom.submit.disabled = false;
  }
}

async function logoutEverywhere() {
  dom.logoutAll.disabled = true;
  try {
    await api.logoutAll();
    closeProfile();
    signOut("Вы вышли из аккаунта на всех устройствах.");
  } catch (error) {
    if (!error?.handled) say(describeError(error, "logout-all"), { error: true });
  } finally {
    dom.logoutAll.disabled = false;
  }
}

dom.open.addEventListener("click", () => {
  const user = currentUser();
  if (!user) return;
  reset();
  // A visitor (the widget) has no password: how to reach them and their data are theirs
  // to manage, and they may register to keep their chats.
  const visitor = user.role === "visitor";
  dom.form.hidden = visitor;
  dom.sessions.hidden = visitor;
  dom.name.textContent = user.display_name || user.username;
  const visitorStart = fillContact(user);
  dom.dialog.showModal();
  (visitor ? visitorStart : dom.current).focus();
});
dom.close.addEventListener("click", closeProfile);
dom.dialog.addEventListener("close", reset);
dom.form.addEventListener("submit", changePassword);
dom.logoutAll.addEventListener("click", logoutEverywhere);
wireContact({ say });
wireMyData({
  say,
  currentPassword: () => dom.current.value,
  focusCurrentPassword: () => dom.current.focus(),
  close: closeProfile,
});
