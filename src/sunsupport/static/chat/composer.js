// Writing to the chat. Enter sends, Shift+Enter starts a new line. A sent message shows at
// once; the bot's answer follows after a short typing pause (the server answers at once).
// Messages written meanwhile queue up and follow in order. A failed send puts the text
// back; a send cut short by an expired login comes back after login.

import { announce } from "/static/common/announce.js";
import { api } from "/static/common/api.js";
import { currentUser, isSignedIn } from "/static/common/auth.js";
import { discardDrafts, keepDraft, takeDraft } from "/static/common/drafts.js";
import { report, setError } from "/static/common/errors.js";
import { messageNode, spokenMessage } from "/static/common/messages.js";
import { $ } from "/static/common/ui.js";
import { updateChrome } from "/static/chat/chrome.js";
import { flushLive, sendTyping } from "/static/chat/live-events.js";
import { appendPending, messageRow, noteId, renderMessage, scrollToBottom } from "/static/chat/messages.js";
import { rememberSession, touchSession } from "/static/chat/sessions.js";
import { openChat } from "/static/chat/state.js";
import { humanMode } from "/static/chat/status.js";
import { renderSuggestions, shownSuggestions } from "/static/chat/suggestions.js";

const MAX_LENGTH = 2000; // server limit for one message
const MIN_TYPING_MS = 500; // the typing feel is the page's job: the server answers at once

const dom = { form: $("composer"), input: $("chat-input"), charCount: $("char-count") };
let sending = false; // the outbox is being sent (possibly still waiting for the chat to load)
let outbox = []; // { text, node, sessionId } written while an answer was pending, in order

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function focusInput() {
  dom.input.focus();
}

/** Signed out. When the session expired, what was written and not yet sent (the queue
 * and the box) is kept for after the login; signing out on purpose discards it. */
export function clearComposer({ expired = false, owner = null } = {}) {
  if (expired) {
    const texts = [...outbox.map((item) => item.text), dom.input.value].filter((t) => t.trim());
    keepDraft(owner, texts.join("\n"));
  } else {
    discardDrafts();
  }
  dom.input.value = "";
  updateCharCount();
  outbox = [];
}

function updateCharCount() {
  const length = dom.input.value.length;
  dom.charCount.hidden = length < MAX_LENGTH - 200;
  dom.charCount.textContent = `${length} / ${MAX_LENGTH}`;
}

function restoreText(text) {
  const current = dom.input.value;
  dom.input.value = current.trim() ? `${text}\n${current}` : text;
  updateCharCount();
}

/** Put back what this user was writing when the session expired. */
export function restoreDraft() {
  const draft = takeDraft(currentUser()?.username);
  if (draft && !dom.input.value) restoreText(draft.text);
}

/**
 * Send `rawText`. Nothing typed is ever swallowed: while an answer is pending, the message
 * waits in an outbox (shown as «в очереди») and goes out after the ones before it, one at
 * a time, so the server numbers them in the order they were written.
 */
export function send(rawText) {
  const text = rawText.trim();
  if (!text) {
    dom.input.focus();
    return;
  }
  if (text.length > MAX_LENGTH) {
    setError(`Сообщение слишком длинное: не больше ${MAX_LENGTH} символов.`);
    return;
  }
  if (rawText === dom.input.value) {
    dom.input.value = "";
    updateCharCount();
  }
  const node = messageNode({ sender: "user", text });
  node.classList.add("msg--pending");
  if (sending) node.classList.add("msg--queued");
  outbox.push({ text, node, sessionId: openChat.id });
  if (openChat.loaded) {
    appendPending(node);
    scrollToBottom();
  }
  if (!sending) drain();
}

async function drain() {
  sending = true;
  const owner = currentUser()?.username; // whose text it is, should the session expire
  try {
    while (outbox.length) {
      await openChat.ready; // never mix a new message into a history that is still loading
      if (!isSignedIn()) {
        outbox = [];
        break;
      }
      const item = outbox.shift();
      item.node.classList.remove("msg--queued");
      if (!item.node.isConnected && item.sessionId === openChat.id) appendPending(item.node);
      if (!(await deliver(item))) {
        // It failed: it and everything after it go back into the box, in order.
        const rest = [item, ...outbox];
        outbox = [];
        for (const failed of rest) failed.node.remove();
        const texts = rest.map((failed) => failed.text).join("\n");
        if (isSignedIn()) restoreText(texts);
        // The login form took over (clearComposer kept the box): back after login.
        else keepDraft(owner, texts, { writtenBefore: true });
        break;
      }
    }
  } finally {
    sending = false;
    updateChrome();
  }
}

/** Deliver one message and show its answer; false when it could not be sent. */
async function deliver({ text, node, sessionId: writtenIn }) {
  const previousSuggestions = shownSuggestions();
  const openedId = openChat.id;
  const sessionId = writtenIn ?? openChat.id;
  openChat.pending = { sessionId, node };
  setError(null);
  renderSuggestions([]);
  updateChrome();
  scrollToBottom();

  const started = performance.now();
  try {
    if (!openChat.pending.sessionId) {
      // No chat yet (the list failed to load earlier): start one now.
      const session = await api.createSession();
      openChat.pending.sessionId = session.id;
      openChat.id = session.id;
      rememberSession(session.id);
    }
    const target = openChat.pending.sessionId;
    const reply = await api.sendMessage(target, text);
    const wait = MIN_TYPING_MS - (performance.now() - started);
    if (reply?.answer_id !== null && wait > 0) await sleep(wait);
    node.classList.remove("msg--pending");
    openChat.pending = null;
    if (openChat.id === target && node.isConnected) {
      if (reply?.message_id !== undefined && reply?.message_id !== null) {
        if (messageRow(reply.message_id)) node.remove(); // the live copy is already shown
        else node.dataset.id = String(reply.message_id);
        noteId(reply.message_id);
      }
      if (typeof reply?.answer === "string" && reply.answer_id !== null) {
        const shown = renderMessage({
          id: reply.answer_id,
          sender_type: "bot",
          text: reply.answer,
          sent_at: new Date().toISOString(),
          feedback: null,
        });
        if (shown) announce(spokenMessage({ sender_type: "bot", text: reply.answer }));
      }
      if (!outbox.length) renderSuggestions(reply?.suggestions);
    }
    if (isSignedIn()) {
      touchSession(target, new Date().toISOString()).catch((error) => report(error, "sessions"));
    }
    return true;
  } catch (error) {
    openChat.pending = null;
    node.remove();
    if (!error?.handled) {
      if (openChat.id === openedId) renderSuggestions(previousSuggestions);
      report(error, "send");
      dom.input.focus();
    }
    return false;
  } finally {
    openChat.pending = null;
    if (isSignedIn()) {
      flushLive();
      updateChrome();
      scrollToBottom();
    }
  }
}

dom.form.addEventListener("submit", (event) => {
  event.preventDefault();
  send(dom.input.value);
});

dom.input.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || event.isComposing) return;
  if (event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) return;
  event.preventDefault(); // Enter sends; Shift+Enter makes a new line
  dom.form.requestSubmit();
});

dom.input.addEventListener("input", () => {
  updateCharCount();
  if (humanMode() && dom.input.value.trim()) sendTyping();
});
