// The console's own wording for failures, on top of the shared texts.

import { describeError, report as reportWith } from "/static/common/errors.js";

export const TAKEN = "Разговор уже взял другой оператор";

function operatorError(error, action) {
  const status = error?.status;
  if (action === "claim" && status === 409) return TAKEN;
  if (status === 403) return "Этот разговор ведёт другой оператор.";
  if (status === 404) return "Разговор не найден — возможно, он удалён.";
  if (status === 409) return "Сначала возьмите разговор.";
  if (action === "reply" && status === 422) return "Ответ должен быть длиной от 1 до 2000 символов.";
  return describeError(error, action);
}

export function report(error, action = "operator") {
  reportWith(error, action, operatorError);
}
