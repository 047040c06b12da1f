// Writing to the chat. Enter sends, Shift+Enter starts a new line. A sent message shows at
// once; the bot's answer follows after a short typing pause (the server answers at once). A
// failed send keeps the text; a send cut short by an expired login comes back after login.

import { api } from "/static/common/api.js";
import { isSignedIn } from "/static/common/auth.js";
import { report, setError } from "/static/common/errors.js";
import { messageNode } from "/static/common/messages.js";
import { $ } from "/static/common/ui.js";
import { updateChrome } from "/static/chat/chrome.js";
import { flushLive, sendTyping } from "/static/chat/live-events.js";
import { appendPending, messageRow, noteId, renderMessage, scrollToBottom } from "/static/chat/messages.js";
import { refreshSessions, rememberSession } from "/static/chat/sessions.js";
import { openChat } from "/static/chat/state.js";
import { humanMode } from "/static/chat/status.js";
import { renderSuggestions, shownSuggestions } from "/static/chat/suggestions.js";

const MAX_LENGTH = 2000; // server limit for one message
const MIN_TYPING_MS = 500; // the typing feel is the page's job: the server answers at once
const DRAFT_KEY = "sunsupport.draft"; // text typed when the token expired mid-send

const dom = { form: $("composer"), input: $("chat-input"), charCount: $("char-count") };
let sending = false; // a send is under way (possibly still waiting for the chat to load)

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function focusInput() {
  dom.input.focus();
}

export function clearComposer() {
  dom.input.value = "";
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

/** Put back the text whose send the expired login interrupted. */
export function restoreDraft() {
  try {
    const draft = sessionStorage.getItem(DRAFT_KEY);
    if (draft && !dom.input.value) restoreText(draft);
    sessionStorage.removeItem(DRAFT_KEY);
  } catch {
    /* storage disabled */
  }
}

function saveDraft(text) {
  try {
    sessionStorage.setItem(DRAFT_KEY, text);
  } catch {
    /* storage disabled */
  }
}

export async function send(rawText) {
  const text = rawText.trim();
  if (!text) {
    dom.input.focus();
    return;
  }
  if (text.length > MAX_LENGTH) {
    setError(`Сообщение слишком длинное: не больше ${MAX_LENGTH} символов.`);
    return;
  }
  if (openChat.pending || sending) return;
  sending = true;
  const typed = rawText === dom.input.value ? rawText : null;
  try {
    await openChat.ready; // never mix a new message into a history that is still loading
    if (isSignedIn()) await deliver(text, typed !== null && dom.input.value === typed);
  } finally {
    sending = false;
  }
}

async function deliver(text, fromInput) {
  const previousSuggestions = shownSuggestions();
  if (fromInput) {
    dom.input.value = "";
    updateCharCount();
  }
  const node = messageNode({ sender: "user", text });
  node.classList.add("msg--pending");
  const openedId = openChat.id;
  openChat.pending = { sessionId: openedId, node };
  setError(null);
  renderSuggestions([]);
  appendPending(node);
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
    const sessionId = openChat.pending.sessionId;
    const reply = await api.sendMessage(sessionId, text);
    const wait = MIN_TYPING_MS - (performance.now() - started);
    if (wait > 0) await sleep(wait);
    node.classList.remove("msg--pending");
    openChat.pending = null;
    if (openChat.id === sessionId && node.isConnected) {
      if (reply?.message_id !== undefined && reply?.message_id !== null) {
        if (messageRow(reply.message_id)) node.remove(); // the live copy is already shown
        else node.dataset.id = String(reply.message_id);
        noteId(reply.message_id);
      }
      if (typeof reply?.answer === "string" && reply.answer_id !== null) {
        renderMessage({
          id: reply.answer_id,
          sender_type: "bot",
          text: reply.answer,
          sent_at: new Date().toISOString(),
          feedback: null,
        });
      }
      renderSuggestions(reply?.suggestions);
    }
    if (isSignedIn()) refreshSessions().catch((error) => report(error, "sessions"));
  } catch (error) {
    openChat.pending = null;
    node.remove();
    if (error?.handled) {
      saveDraft(text); // the login form took over; the text comes back after login
    } else {
      restoreText(text);
      if (openChat.id === openedId) renderSuggestions(previousSuggestions);
      report(error, "send");
      dom.input.focus();
    }
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
