// The console's live channel (/ws/staff): the queue as it changes, every message of the
// conversations in it, and the client's typing. It catches up from the biggest id seen.

import { announce } from "/static/common/announce.js";
import { api, tokenStore } from "/static/common/api.js";
import { clearError } from "/static/common/errors.js";
import { CLOSE_UNAUTHORIZED, LiveSocket, throttle } from "/static/common/live.js";
import { liveStateText } from "/static/common/status.js";
import { $ } from "/static/common/ui.js";
import { adoptSession, openId, showLiveMessage, showTyping, withdraw } from "/static/operator/conversation.js";
import { markUnread, queueItem, setQueue } from "/static/operator/queue.js";

const TYPING_SEND_MS = 2000; // at most one typing frame per this interval

const liveStatus = $("live-status");
let live = null;
let maxId = 0; // biggest message id seen on the staff stream (catch-up point)

export function startLive() {
  const socket = new LiveSocket("/ws/staff", {
    token: () => tokenStore.get(),
    afterId: () => maxId,
    onEvent,
    onState: (state) => {
      if (liveStatus.dataset.state === state) return;
      const wasClosed = liveStatus.dataset.state === "closed";
      liveStatus.dataset.state = state;
      liveStatus.textContent = liveStateText(state);
      if (state === "closed" || (state === "open" && wasClosed)) announce(liveStateText(state));
      if (state === "open") clearError("connection");
    },
    onFatal: (code) => {
      // An expired or revoked token: the call answers 401 and brings the login form. If
      // the token still works (renewed just too late for this socket), connect again.
      if (code !== CLOSE_UNAUTHORIZED) return;
      api
        .me()
        .then(() => {
          if (live === socket) {
            socket.stop();
            startLive();
          }
        })
        .catch(() => {});
    },
  });
  live = socket;
}

export function stopLive() {
  live?.stop();
  live = null;
  maxId = 0;
}

/** Tell the client the operator is typing in the open conversation (throttled). */
export const sendTyping = throttle(() => {
  const id = openId();
  if (id) live?.send({ type: "typing", session_id: id });
}, TYPING_SEND_MS);

function onEvent(frame) {
  switch (frame.type) {
    case "ready":
      setQueue(frame.queue ?? []);
      break;
    case "session":
      adoptSession(frame.session);
      break;
    case "message":
      onMessage(frame.message);
      break;
    case "typing":
      if (frame.sender_type === "user" && frame.session_id === openId()) showTyping();
      break;
    case "withdrawn":
      if (frame.session_id) withdraw(frame.session_id, frame.reason);
      break;
    default:
      break;
  }
}

function onMessage(message) {
  if (!message?.id) return;
  const id = Number(message.id);
  if (id > maxId) maxId = id;
  const item = queueItem(message.session_id);
  if (item) item.last_message_at = message.sent_at;
  if (message.session_id === openId()) showLiveMessage(message);
  else if (item && message.sender_type === "user") markUnread(item, message.sent_at);
}
