// How the admin page tells what happened: its own wording for failures, and a notice that
// confirms an action for a few seconds. One message at a time: a notice replaces an old
// error and an error replaces an old notice; both belong to the tab they came from and go
// when another tab opens (clearMessages).

import { announce } from "/static/common/announce.js";
import { describeError, report as reportWith, setError } from "/static/common/errors.js";
import { $ } from "/static/common/ui.js";

const NOTICE_MS = 5000;
const notice = $("notice");
let noticeTimer = null;

function adminError(error, action) {
  const status = error?.status;
  if (action === "canned" && status === 409) return "Шаблон с таким коротким именем уже есть. Выберите другое имя.";
  if (action === "canned" && status === 422) {
    return "Короткое имя: буквы, цифры, «_» или «-» (до 32 символов); текст — от 1 до 2000 символов.";
  }
  if (status === 404) return "Запись не найдена — возможно, её уже удалили. Обновите список.";
  if (action === "teach" && status === 422) return "Выберите намерение из списка.";
  if (action === "staff" && status === 422) return "Имя — одна строка видимых символов, не длиннее 64.";
  if (action === "stats" && status === 422) return "Проверьте даты: начало не позже конца, период не больше года.";
  if (status === 403) return "Только для администраторов.";
  return describeError(error, action);
}

function hideNotice() {
  clearTimeout(noticeTimer);
  notice.hidden = true;
  notice.textContent = "";
}

export function report(error, action) {
  hideNotice();
  reportWith(error, action, adminError);
}

/** A problem found on the page itself (a missing field): shown instead of any notice. */
export function complain(text) {
  hideNotice();
  setError(text);
}

/** Confirm an action that went well (and drop any old error). */
export function notify(text) {
  setError(null);
  clearTimeout(noticeTimer);
  notice.textContent = text;
  notice.hidden = false;
  announce(text);
  noticeTimer = setTimeout(hideNotice, NOTICE_MS);
}

/** Another tab opened (or the admin left): no message of the old one stays. */
export function clearMessages() {
  hideNotice();
  setError(null);
}
