// Opening a chat: its latest messages, status and rating, then its live channel. Earlier
// messages on demand, and clearing the chat's history.

import { api } from "/static/common/api.js";
import { report, setError } from "/static/common/errors.js";
import { $ } from "/static/common/ui.js";
import { markSeen } from "/static/chat/attention.js";
import { updateChrome } from "/static/chat/chrome.js";
import { focusInput } from "/static/chat/composer.js";
import { startLive, stopLive } from "/static/chat/live-events.js";
import { clearMessages, renderEarlier, renderMessage, scrollToBottom, setBusy } from "/static/chat/messages.js";
import { setRating } from "/static/chat/rating.js";
import { refreshSessions, rememberSession, renderSessions } from "/static/chat/sessions.js";
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
  try {
    await api.clearHistory(id);
    if (openChat.id !== id) return;
    setError(null);
    clearMessages();
    loadEarlierButton.hidden = true;
    oldestId = null;
    renderSuggestions([]);
    updateChrome();
    refreshSessions().catch((error) => report(error, "sessions"));
    focusInput();
  } catch (error) {
    report(error, "clear");
  }
}

loadEarlierButton.addEventListener("click", loadEarlier);
$("clear-history").addEventListener("click", clearHistory);
