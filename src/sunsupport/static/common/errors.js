// Russian texts for every failure a page can meet, and the page's one error element.

import { ApiError, onServerAnswered } from "/static/common/api.js";
import { $ } from "/static/common/ui.js";
import { plural } from "/static/common/words.js";

export const SESSION_EXPIRED = "Сессия истекла, войдите снова.";
export const SIGNED_OUT =
  "Вы вышли из аккаунта: пароль был изменён или выполнен выход на всех устройствах. Войдите снова.";

/** The login form's message for a refused token (its `detail` says why). */
export function unauthorizedText(error) {
  const detail = typeof error?.detail === "string" ? error.detail : "";
  return detail.startsWith("Token revoked") ? SIGNED_OUT : SESSION_EXPIRED;
}

const FIELD_PROBLEMS = {
  password_too_common: "Этот пароль слишком распространён — его легко угадать. Придумайте другой.",
  password_like_username: "Пароль не должен содержать имя пользователя.",
  username_script:
    "Имя пользователя пишется буквами одного алфавита — латиницей или кириллицей, без смешения.",
};

/** A Russian explanation of a 422 for a rule with its own error type, else null. */
export function fieldProblem(detail) {
  if (!Array.isArray(detail)) return null;
  for (const item of detail) {
    if (FIELD_PROBLEMS[item?.type]) return FIELD_PROBLEMS[item.type];
  }
  return null;
}

/** "1 секунду", "3 секунды", "5 секунд". */
export function seconds(n) {
  return plural(n, "секунду", "секунды", "секунд");
}

function waitText(error) {
  const s = error.retryAfter;
  return s && s > 0 ? `Подождите ${seconds(s)} и попробуйте снова.` : "Подождите немного и попробуйте снова.";
}

/** Which fields a 422 response complains about (pydantic's `loc` lists). */
function invalidFields(detail) {
  const fields = new Set();
  if (Array.isArray(detail)) {
    for (const item of detail) {
      const loc = Array.isArray(item?.loc) ? item.loc : [];
      const field = loc[loc.length - 1];
      if (typeof field === "string") fields.add(field);
    }
  }
  return fields;
}

const USERNAME_RULE = "Имя пользователя: от 4 до 20 символов — буквы, цифры, «_», «.» или «-».";
const PASSWORD_RULE = "Пароль: от 8 до 128 символов.";

/** Check the form before asking the server: null, or { field, text } for the first problem. */
export function validateCredentials(username, password, registering) {
  if (!username) return { field: "username", text: "Введите имя пользователя." };
  if (!password) return { field: "password", text: "Введите пароль." };
  if (!registering) return null;
  if (!/^[\p{L}\p{N}_.-]{4,20}$/u.test(username)) return { field: "username", text: USERNAME_RULE };
  if (password.length < 8 || password.length > 128) return { field: "password", text: PASSWORD_RULE };
  return null;
}

function generic(error) {
  if (error.isNetwork) return "Нет связи с сервером. Проверьте подключение и попробуйте снова.";
  if (error.status === 429) return `Слишком много запросов. ${waitText(error)}`;
  if (error.status >= 500) return "На сервере что-то пошло не так. Попробуйте ещё раз чуть позже.";
  if (error.status === 413) return "Слишком большой запрос.";
  return "Не получилось выполнить запрос. Попробуйте ещё раз.";
}

/** A readable Russian message for `error` raised while doing `action`. */
export function describeError(error, action) {
  const status = error?.status;
  if (status === 503 && error.retryAfter) {
    // The service's own "not now" (its queue is full or its database is away), whatever
    // was being done: say how long to wait.
    const kept = action === "send" ? " Текст сообщения сохранён." : "";
    return `Сервер временно недоступен. ${waitText(error)}${kept}`;
  }
  switch (action) {
    case "register":
      if (status === 409) {
        return "Это имя пользователя уже занято или слишком похоже на занятое. Выберите другое или войдите.";
      }
      if (status === 422) {
        const problem = fieldProblem(error.detail);
        if (problem) return problem;
        const fields = invalidFields(error.detail);
        if (fields.has("password") && !fields.has("username")) return PASSWORD_RULE;
        if (fields.has("username")) return USERNAME_RULE;
        return `${USERNAME_RULE} ${PASSWORD_RULE}`;
      }
      if (status === 429) return `Слишком много попыток регистрации. ${waitText(error)}`;
      break;
    case "login":
      if (status === 401 || status === 422) return "Неверное имя пользователя или пароль.";
      if (status === 429) return `Слишком много попыток входа. ${waitText(error)}`;
      break;
    case "send":
      if (status === 422) return "Сообщение должно быть длиной от 1 до 2000 символов.";
      if (status === 413) return "Сообщение слишком длинное: не больше 2000 символов.";
      if (status === 429) return `Вы пишете слишком часто. ${waitText(error)}`;
      if (status === 404) return "Этот чат не найден — возможно, он был удалён. Откройте другой чат.";
      if (status === 403) return "Нет доступа к этому чату.";
      if (status === 409) return "Этот чат закрыт. Начните новый чат.";
      if (status >= 500) return "Сообщение не отправлено: сервер не ответил. Текст сохранён — попробуйте ещё раз.";
      if (error?.isNetwork) return "Сообщение не отправлено: нет связи с сервером. Текст сохранён — попробуйте ещё раз.";
      break;
    case "new-session":
      if (status === 429) return `Слишком много новых чатов подряд. ${waitText(error)}`;
      if (status >= 500) return "Не удалось создать чат: ошибка сервера. Попробуйте ещё раз.";
      break;
    case "history":
      if (status === 404) return "Этот чат не найден — возможно, он был удалён.";
      if (status === 403) return "Нет доступа к этому чату.";
      if (status >= 500) return "Не удалось загрузить историю: ошибка сервера. Попробуйте ещё раз.";
      break;
    case "clear":
      if (status === 404) return "Этот чат не найден — возможно, он уже удалён.";
      if (status === 403) return "Нет доступа к этому чату.";
      if (status >= 500) return "Не удалось очистить историю: ошибка сервера. Попробуйте ещё раз.";
      break;
    case "rename":
      if (status === 422) return "Название чата: от 1 до 80 символов.";
      if (status === 404) return "Этот чат не найден — возможно, он уже удалён.";
      if (status >= 500) return "Не удалось переименовать чат: ошибка сервера. Попробуйте ещё раз.";
      break;
    case "delete":
      if (status === 403) return "Нет доступа к этому чату.";
      if (status >= 500) return "Не удалось удалить чат: ошибка сервера. Попробуйте ещё раз.";
      break;
    case "feedback":
      if (status === 404) return "Это сообщение не найдено — возможно, история очищена.";
      if (status === 403) return "Нет доступа к этому чату.";
      if (status >= 500) return "Не удалось сохранить оценку ответа: ошибка сервера.";
      break;
    case "rating":
      if (status === 409) return "Оценить можно только завершённый разговор.";
      if (status === 422) return "Оценка — от 1 до 5, комментарий не длиннее 2000 символов.";
      if (status >= 500) return "Не удалось сохранить оценку: ошибка сервера. Попробуйте ещё раз.";
      break;
    case "sessions":
      if (status >= 500) return "Не удалось загрузить список чатов: ошибка сервера.";
      break;
    default:
      break;
  }
  return generic(error ?? {});
}

let shownAt = 0; // performance.now() when the error on screen was set

/**
 * Show `text` in the page's single error element (#error); null hides it. An error with a
 * `cause` ("connection") also goes away by itself once that cause is gone.
 */
export function setError(text, cause = null) {
  const node = $("error");
  node.textContent = text ?? "";
  node.hidden = !text;
  shownAt = performance.now();
  if (text && cause) node.dataset.cause = cause;
  else delete node.dataset.cause;
}

/** Hide the error if it was shown for `cause` (its cause is gone). */
export function clearError(cause) {
  if ($("error").dataset.cause === cause) setError(null);
}

const UNREACHABLE = new Set([502, 503, 504]); // a proxy's answer: the service is not there

/**
 * "connection" for failures that end when the server answers again (no network, or a proxy
 * saying the service is unreachable), else null. A 500, and the service's own 503 with a
 * Retry-After, are the failed action's answer: they stay until the next action, however
 * many other requests succeed meanwhile.
 */
export function causeOf(error) {
  if (error?.isNetwork) return "connection";
  if (error?.status === 503 && error.retryAfter) return null;
  return UNREACHABLE.has(error?.status) ? "connection" : null;
}

// An answer to a request sent after the failure ends a "no connection" or "service
// unreachable" message (one that was already under way when it failed proves nothing).
onServerAnswered((sentAt) => {
  if (sentAt >= shownAt) clearError("connection");
});

/**
 * Show a failure of `action` in Russian, except an expired token, which already sent the
 * user to the login form. `describe` (error, action) → text; pages add their own cases.
 */
export function report(error, action, describe = describeError) {
  if (error?.handled) return;
  if (!(error instanceof ApiError)) console.warn(error); // a bug, not a server answer
  setError(describe(error, action), causeOf(error));
}
