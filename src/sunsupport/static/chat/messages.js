// The open chat's messages: each message once, in id order, 👍/👎 under the bot's answers.

import { insertInOrder, messageRow as rowIn, senderKind, storedMessageNode } from "/static/common/messages.js";
import { $, nearBottom as isNearBottom, scrollToBottom as scrollDown } from "/static/common/ui.js";
import { feedbackNode, setFeedback } from "/static/chat/feedback.js";

const list = $("message-list");
const scroller = $("scroller");
let maxId = 0; // the biggest message id on screen (the live channel catches up from it)

export const biggestId = () => maxId;
export const hasMessages = () => list.childElementCount > 0;
export const nearBottom = () => isNearBottom(scroller);
export const scrollToBottom = () => scrollDown(scroller);

/** Empty the list; `forgetIds` also restarts the live channel's catch-up point. */
export function clearMessages({ forgetIds = false } = {}) {
  list.replaceChildren();
  if (forgetIds) maxId = 0;
}

/** While the chat loads, a skeleton instead of an empty list (which would look final). */
export function setBusy(busy) {
  list.setAttribute("aria-busy", String(busy));
  $("conversation-skeleton").hidden = !busy;
}

export function messageRow(id) {
  return rowIn(list, id);
}

export function noteId(id) {
  const n = Number(id);
  if (Number.isFinite(n) && n > maxId) maxId = n;
}

/** A message the user just sent, shown before the server has given it an id. */
export function appendPending(node) {
  list.append(node);
}

function toNode(m) {
  const node = storedMessageNode(m);
  if (senderKind(m.sender_type) === "bot" && node.dataset.id) node.append(feedbackNode(m.feedback ?? null));
  return node;
}

/**
 * Show a message once, in id order: a second copy (POST answer + live event) is skipped.
 * Returns whether the message was new on screen.
 */
export function renderMessage(m) {
  if (m?.id === undefined || m.id === null) return false;
  const existing = messageRow(m.id);
  noteId(m.id);
  if (existing) {
    if (m.feedback !== undefined) setFeedback(existing, m.feedback ?? null);
    return false;
  }
  insertInOrder(list, toNode(m), m.id);
  return true;
}

/** Add an earlier page of messages above the others, keeping the view where it was. */
export function renderEarlier(items) {
  const before = scroller.scrollHeight;
  for (const m of items) renderMessage(m);
  scroller.scrollTop += scroller.scrollHeight - before;
}
