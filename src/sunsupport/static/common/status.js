// A conversation's status in words, for every page, in one place.
// bot → pending_human (the user asked for a person) → open (an operator has it) → resolved.

import { parseDate } from "/static/common/dates.js";

const HUMAN = new Set(["pending_human", "open"]);

/** The banner above the user's chat; none while the bot answers. */
const USER_TEXT = {
  pending_human: "Ждём оператора…",
  open: "Оператор на связи",
  resolved: "Разговор завершён",
};

/** The line under a conversation's title in the operator console. */
const STAFF_TEXT = {
  bot: "с ботом",
  pending_human: "ждёт оператора",
  open: "в работе",
  resolved: "завершён",
};

/** The console's connection indicator. */
const LIVE_TEXT = {
  open: "В сети",
  connecting: "Подключение…",
  closed: "Нет связи, переподключаемся…",
};

/** Whether a person (not the bot) answers the user in this status. */
export function isHumanStatus(status) {
  return HUMAN.has(status);
}

/** The user's banner text; "" for none. */
export function userStatusText(status) {
  return USER_TEXT[status] ?? "";
}

/** The console's status line: "ждёт оператора, ждёт 3 мин", "вы ведёте разговор"... */
export function staffStatusText(session, takenByOther) {
  if (session.status === "open") return takenByOther ? "у другого оператора" : "вы ведёте разговор";
  let text = STAFF_TEXT[session.status] ?? "…";
  if (session.status === "pending_human" && session.waiting_since) {
    text += `, ${waitingText(session.waiting_since)}`;
  }
  return text;
}

/** The queue's badge: waiting for an operator, or taken by me. */
export function queueBadgeText(status) {
  return status === "pending_human" ? "ждёт" : "у вас";
}

/** "ждёт 3 мин" style durations from a date until now. */
export function waitingText(since, now = Date.now()) {
  const date = parseDate(since);
  if (!date) return "";
  const minutes = Math.max(0, Math.floor((now - date.getTime()) / 60000));
  if (minutes < 1) return "ждёт меньше минуты";
  if (minutes < 60) return `ждёт ${minutes} мин`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `ждёт ${hours} ч ${minutes % 60} мин`;
  return `ждёт ${Math.floor(hours / 24)} дн`;
}

/** The live connection's state ("connecting", "open", "closed") in words. */
export function liveStateText(state) {
  return LIVE_TEXT[state] ?? LIVE_TEXT.closed;
}
