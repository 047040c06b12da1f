// Opening a chat: its latest messages, status and rating, then its live channel. Earlier
// messages on demand; clearing, renaming and deleting a chat (each asked first).

import { announce } from "/static/common/announce.js";
import { api } from "/static/common/api.js";
import { askText, confirmAction } from "/static/common/dialog.js";
import { report, setError } from "/static/common/errors.js";
import { $ } from "/static/common/ui.js";
import { markSeen } from "/static/chat/attention.js";
import { updateChrome } from "/static/chat/chrome.js";
import { focusInput } from "/static/chat/composer.js";
import { startLive, stopLive } from "/static/chat/live-events.js";
import { clearMessages, renderEarlier, renderMessage, scrollToBottom, setBusy } from "/static/chat/messages.js";
import { setRating } from "/static/chat/rating.js";
import {
  dropSession,
  otherSession,
  refreshSessions,
  rememberSession,
  renderSessions,
  sessionTitle,
  updateSession,
} from "/static/chat/sessions.js";
import { openChat } from "/static/chat/state.js";
import { setStatus } from "/static/chat/status.js";
import { renderSuggestions } from "/static/chat/suggestions.js";

const PAGE_SIZE = 100; // history page; a full page means there may be earlier messages

const loadEarlierButton = $("load-earlier");
let seq = 0; // guards against a slow history response for a chat no longer open
let oldestId = null;

/** Open a chat and load its latest messages; a message typed meanwhile waits for it. */
export function openSession(id) {
  const loading = loadSession(id);
  openChat.ready = loading.catch(() => {});
  return loading;
}

async function loadSession(id) {
  const mine = ++seq;
  openChat.id = id;
  oldestId = null;
  openChat.loaded = false;
  stopLive();
  setStatus(null);
  rememberSession(id);
  renderSessions();
  clearMessages({ forgetIds: true });
  loadEarlierButton.hidden = true;
  renderSuggestions([]);
  updateChrome();
  setBusy(true);
  try {
    const detail = api.sessionDetail(id).catch(() => null);
    const items = (await api.history(id, { limit: PAGE_SIZE })) ?? [];
    if (mine !== seq) return;
    clearMessages();
    for (const m of items) renderMessage(m);
    // The quick replies of the last answer, as they were under it before the reload.
    const last = items.at(-1);
    renderSuggestions(last?.sender_type === "bot" ? last.suggestions : []);
    oldestId = items[0]?.id ?? null;
    const info = await detail;
    if (mine !== seq) return;
    if (info) {
      setRating(info.rating ?? null);
      setStatus(info.status);
    }
    loadEarlierButton.hidden = items.length < PAGE_SIZE;
    openChat.loaded = true;
    setError(null);
    startLive(id);
    markSeen();
  } catch (error) {
    if (mine !== seq) return;
    report(error, "history");
    if (error?.status === 404 || error?.status === 403) refreshSessions().catch(() => {});
  } finally {
    if (mine === seq) {
      setBusy(false);
      updateChrome();
      scrollToBottom();
    }
  }
}

/** Close the open chat (logging out): no chat, no messages, no live channel. */
export function closeConversation() {
  openChat.id = null;
  oldestId = null;
  openChat.loaded = false;
  seq += 1;
  openChat.pending = null;
  stopLive();
  setStatus(null);
  clearMessages();
}

async function loadEarlier() {
  if (!openChat.id || oldestId === null) return;
  const mine = seq;
  loadEarlierButton.disabled = true;
  try {
    const items = (await api.history(openChat.id, { limit: PAGE_SIZE, beforeId: oldestId })) ?? [];
    if (mine !== seq) return;
    renderEarlier(items);
    if (items.length) oldestId = items[0].id;
    loadEarlierButton.hidden = items.length < PAGE_SIZE;
  } catch (error) {
    report(error, "history");
  } finally {
    loadEarlierButton.disabled = false;
  }
}

async function clearHistory() {
  const id = openChat.id;
  if (!id) return;
  const handedOver = openChat.status === "pending_human" || openChat.status === "open";
  const confirmed = await confirmAction({
    title: "Очистить историю чата?",
    text:
      "Все сообщения этого чата будут удалены без возможности восстановления." +
      (handedOver ? " Обращение к оператору будет отозвано." : ""),
    confirmLabel: "Очистить",
  });
  if (!confirmed || openChat.id !== id) return;
  try {
    await api.clearHistory(id);
    if (openChat.id !== id) return;
    setError(null);
    clearMessages();
    loadEarlierButton.hidden = true;
    oldestId = null;
    setStatus("bot");
    renderSuggestions([]);
    updateChrome();
    announce("История чата очищена");
    refreshSessions().catch((error) => report(error, "sessions"));
    focusInput();
  } catch (error) {
    report(error, "clear");
  }
}

/** Rename a chat (asked in the dialog). */
export async function renameChat(id) {
  const current = sessionTitle(id);
  const title = await askText({
    title: "Переименовать чат",
    label: "Название чата",
    value: current,
    maxLength: 80,
  });
  if (title === null || title === current) return;
  try {
    const session = await api.renameSession(id, title);
    updateSession(id, { title: session?.title ?? title });
    setError(null);
    announce(`Чат переименован: ${session?.title ?? title}`);
  } catch (error) {
    report(error, "rename");
  }
}

/** Delete a chat after asking; if it was open, the next one opens (or a new one). */
export async function deleteChat(id) {
  const confirmed = await confirmAction({
    title: "Удалить чат?",
    text: `Чат «${sessionTitle(id)}» и все его сообщения будут удалены без возможности восстановления.`,
    confirmLabel: "Удалить",
  });
  if (!confirmed) return;
  try {
    await api.deleteSession(id);
  } catch (error) {
    if (error?.status !== 404) {
      report(error, "delete");
      return;
    }
  }
  setError(null);
  announce("Чат удалён");
  await chatGone(id);
  focusInput();
}

/** A chat no longer exists (deleted here or in another tab): leave it. */
export async function chatGone(id) {
  dropSession(id);
  if (openChat.id !== id) return;
  try {
    let next = otherSession(id);
    if (!next) {
      next = (await api.createSession()).id;
      await refreshSessions();
    }
    await openSession(next);
  } catch (error) {
    report(error, "sessions");
  }
}

loadEarlierButton.addEventListener("click", loadEarlier);
$("clear-history").addEventListener("click", clearHistory);
