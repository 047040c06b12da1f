// The open chat's live channel: operator replies, status changes, titles and typing arrive
// here. While a send or a history load is under way, events wait and then apply in order.

import { announce } from "/static/common/announce.js";
import { api, tokenStore } from "/static/common/api.js";
import { CLOSE_UNAUTHORIZED, LiveSocket, throttle } from "/static/common/live.js";
import { spokenMessage } from "/static/common/messages.js";
import { resetConnection, setConnection } from "/static/chat/connection.js";
import { noteIncoming } from "/static/chat/attention.js";
import { hideOperatorTyping, showOperatorTyping, updateChrome } from "/static/chat/chrome.js";
import { biggestId, nearBottom, renderMessage, scrollToBottom } from "/static/chat/messages.js";
import { setRating } from "/static/chat/rating.js";
import { noteActivity, retitle } from "/static/chat/sessions.js";
import { openChat } from "/static/chat/state.js";
import { setStatus } from "/static/chat/status.js";
import { renderSuggestions } from "/static/chat/suggestions.js";

const TYPING_SEND_MS = 2000; // at most one typing frame per this interval

let live = null; // LiveSocket for the open chat
let backlog = []; // live events held while a send or a history load is under way
let onDeleted = () => {};

/** `handler(id)` runs when the open chat was deleted (in another tab). */
export function onChatDeleted(handler) {
  onDeleted = handler;
}

export function stopLive() {
  live?.stop();
  live = null;
  backlog = [];
  hideOperatorTyping();
  resetConnection();
}

export function startLive(id) {
  stopLive();
  const token = tokenStore.get();
  live = new LiveSocket(`/ws/chat/${encodeURIComponent(id)}`, {
    token: () => tokenStore.get(),
    afterId: biggestId,
    onEvent: (frame) => {
      if (id !== openChat.id) return;
      if (openChat.pending || !openChat.loaded) backlog.push(frame);
      else applyLive(frame);
    },
    onState: (state) => {
      if (id === openChat.id) setConnection(state);
    },
    onFatal: (code) => {
      // An expired or revoked token: any API call now answers 401 and brings the login
      // form. If this tab has a new token (its own password change), reconnect with it.
      if (code !== CLOSE_UNAUTHORIZED) return;
      api
        .me()
        .then(() => {
          if (tokenStore.get() !== token && openChat.id === id) startLive(id);
        })
        .catch(() => {});
    },
  });
}

/** Apply the events that waited. */
export function flushLive() {
  const frames = backlog;
  backlog = [];
  for (const frame of frames) applyLive(frame);
}

/** Tell the operator the user is typing (throttled). */
export const sendTyping = throttle(() => live?.send({ type: "typing" }), TYPING_SEND_MS);

function applyLive(frame) {
  switch (frame.type) {
    case "ready":
      if (frame.session?.id === openChat.id) setStatus(frame.session.status);
      break;
    case "message": {
      const m = frame.message;
      if (!m || m.session_id !== openChat.id) return;
      noteActivity(m.session_id, m.sent_at); // anyone's message: the chat comes to the top
      const stick = nearBottom();
      if (m.sender_type === "operator") hideOperatorTyping();
      if (!renderMessage(m)) return; // already on screen (the POST answer brought it)
      noteIncoming(m);
      // Quick replies belong to the last message only: a bot answer (from another tab)
      // brings its own, anything else takes the old ones away.
      renderSuggestions(m.sender_type === "bot" ? m.suggestions : []);
      if (m.sender_type !== "user") announce(spokenMessage(m));
      updateChrome();
      if (stick || m.sender_type === "operator") scrollToBottom();
      break;
    }
    case "session": {
      const session = frame.session;
      if (!session || session.id !== openChat.id) return;
      retitle(session.id, session.title);
      if (session.status !== "resolved") setRating(null);
      setStatus(session.status);
      break;
    }
    case "deleted":
      if (frame.session_id === openChat.id) onDeleted(frame.session_id);
      break;
    case "typing":
      if (frame.session_id === openChat.id && frame.sender_type === "operator") {
        showOperatorTyping();
      }
      break;
    default:
      break;
  }
}
