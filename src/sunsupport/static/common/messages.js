// Chat messages on screen: one row per message (author, time, the text in a bubble) and a
// list kept in id order. The text goes in as textContent, never as HTML.

import { clockTime, fullDate, parseDate } from "/static/common/dates.js";
import { el } from "/static/common/ui.js";

const SENDER_LABELS = { user: "Вы", bot: "Бот Солнца", operator: "Оператор" };

/** "user", "bot" or "operator"; anything unknown is drawn as the bot. */
export function senderKind(sender) {
  return SENDER_LABELS[sender] ? sender : "bot";
}

/**
 * One message row: a meta line (author, time) and the bubble. The bubble carries
 * data-testid="message" and holds the message text only; `labels` renames the authors
 * (the console says «Клиент»).
 */
export function messageNode({ id, sender, text, sentAt, labels }) {
  const names = labels ?? SENDER_LABELS;
  const kind = senderKind(sender);
  const item = el("li", { className: `msg msg--${kind}` });
  if (id !== undefined && id !== null) item.dataset.id = String(id);

  const meta = el("div", { className: "msg-meta" });
  meta.append(el("span", { className: "msg-author", text: names[kind] ?? SENDER_LABELS[kind] }));
  const date = parseDate(sentAt) ?? new Date();
  const time = el("time", {
    className: "msg-time",
    text: clockTime(date),
    attrs: { datetime: date.toISOString(), title: fullDate(date) },
  });
  meta.append(time);

  const bubble = el("div", {
    className: "msg-bubble",
    text: text ?? "",
    attrs: { "data-testid": "message", "data-sender": kind },
  });
  item.append(meta, bubble);
  return item;
}

/** The row of message `id` in `list`, if it is on screen. */
export function messageRow(list, id) {
  return list.querySelector(`li[data-id="${CSS.escape(String(id))}"]`);
}

/** Put `node` (message `id`) into `list` in id order, after rows still waiting for their id. */
export function insertInOrder(list, node, id) {
  let after = list.lastElementChild;
  while (after && (!after.dataset.id || Number(after.dataset.id) > Number(id))) {
    after = after.previousElementSibling;
  }
  if (after) after.after(node);
  else list.prepend(node);
}
