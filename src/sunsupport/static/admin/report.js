// How the admin page tells what happened: its own wording for failures, and a notice that
// confirms an action for a few seconds.

import { describeError, report as reportWith } from "/static/common/errors.js";
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
  if (action === "stats" && status === 422) return "Проверьте даты: начало не позже конца, период не больше года.";
  if (status === 403) return "Только для администраторов.";
  return describeError(error, action);
}

export function report(error, action) {
  reportWith(error, action, adminError);
}

export function notify(text) {
  clearTimeout(noticeTimer);
  notice.textContent = text;
  notice.hidden = false;
  noticeTimer = setTimeout(() => {
    notice.hidden = true;
  }, NOTICE_MS);
}
