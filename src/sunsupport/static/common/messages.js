// Chat messages on screen: one row per message (author, time, the text in a bubble) and a
// list kept in id order. Handover notes (sender "system") are centred lines. Text is built
// as DOM nodes (common/richtext.js), never as HTML.

import { clockTime, fullDate, parseDate } from "/static/common/dates.js";
import { linkedText, richText } from "/static/common/richtext.js";
import { el } from "/static/common/ui.js";

const SENDER_LABELS = { user: "Вы", bot: "Бот Солнца", operator: "Оператор", system: "" };

/** "user", "bot", "operator" or "system"; anything unknown is drawn as the bot. */
export function senderKind(sender) {
  return sender in SENDER_LABELS ? sender : "bot";
}

/** Who wrote it, as the meta line says: an operator by name when the message has one. */
export function authorLabel(kind, authorName, names = SENDER_LABELS) {
  const role = names[kind] ?? SENDER_LABELS[kind];
  if (kind === "operator" && authorName) return `${authorName} · ${role.toLowerCase()}`;
  return role;
}

function timeNode(sentAt) {
  const date = parseDate(sentAt) ?? new Date();
  return el("time", {
    className: "msg-time",
    text: clockTime(date),
    attrs: { datetime: date.toISOString(), title: fullDate(date) },
  });
}

/**
 * One message row: a meta line (author, time) and the bubble. The bubble carries
 * data-testid="message" and data-sender; `labels` renames the authors (the console says
 * «Клиент»). The customer's own words are plain text with links; the bot's and the
 * operators' may use the Markdown subset.
 */
export function messageNode({ id, sender, text, sentAt, authorName = null, labels }) {
  const kind = senderKind(sender);
  const item = el("li", { className: `msg msg--${kind}` });
  if (id !== undefined && id !== null) item.dataset.id = String(id);
  const bubble = el("div", {
    className: "msg-bubble",
    attrs: { "data-testid": "message", "data-sender": kind },
  });
  if (kind === "system") {
    bubble.textContent = text ?? "";
    item.append(bubble, timeNode(sentAt));
    return item;
  }
  const meta = el("div", { className: "msg-meta" });
  meta.append(el("span", { className: "msg-author", text: authorLabel(kind, authorName, labels) }));
  meta.append(timeNode(sentAt));
  if (kind === "user") bubble.append(linkedText(text));
  else {
    bubble.classList.add("msg-bubble--rich");
    bubble.append(richText(text));
  }
  item.append(meta, bubble);
  return item;
}

/** The node of a stored message as the API and the live events carry it. */
export function storedMessageNode(m, labels) {
  return messageNode({
    id: m.id,
    sender: m.sender_type,
    text: m.text,
    sentAt: m.sent_at,
    authorName: m.author_name,
    labels,
  });
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

/** What a screen reader hears when a message arrives (never the user's own). */
export function spokenMessage(m, names = SENDER_LABELS) {
  const kind = senderKind(m.sender_type);
  if (kind === "system") return m.text ?? "";
  return `${authorLabel(kind, m.author_name, names)}: ${m.text ?? ""}`;
}
