// Live delivery over a WebSocket: authenticate in the first frame, reconnect with backoff,
// catch up from the biggest message id seen. Used by the chat page and the operator console.
//
// Protocol (server: src/sunsupport/live/router.py):
//   client → {"type":"auth","token":..,"after_id":N}, then {"type":"typing"} / {"type":"ping"}
//   server → ready | message | session | typing | pong | error
// Close codes: 4401 not authenticated, 4403 forbidden, 4404 no such chat (all final);
// anything else (1013 "reconnect to catch up", network loss, server restart) → reconnect.
// A renewed token (session.js) is sent on the open socket as another auth frame, so the
// server keeps it open past the first token's expiry.

import { onTokenRenewed } from "/static/common/api.js";

const PING_MS = 25_000;
const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 15_000;
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_NOT_FOUND = 4404;

function socketUrl(path) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}`;
}

export class LiveSocket {
  /**
   * @param {string} path            e.g. "/ws/chat/<id>" or "/ws/staff"
   * @param {object} options
   * @param {() => string|null} options.token      the current access token
   * @param {() => number} options.afterId         the biggest message id already seen
   * @param {(frame: object) => void} options.onEvent
   * @param {(state: "connecting"|"open"|"closed") => void} [options.onState]
   * @param {(code: number) => void} [options.onFatal]  4401/4403/4404: no more reconnects
   */
  constructor(path, { token, afterId, onEvent, onState, onFatal }) {
    this.path = path;
    this.token = token;
    this.afterId = afterId;
    this.onEvent = onEvent;
    this.onState = onState ?? (() => {});
    this.onFatal = onFatal ?? (() => {});
    this.ws = null;
    this.stopped = false;
    this.attempt = 0;
    this.retryTimer = null;
    this.pingTimer = null;
    this.ready = false;
    this.onOnline = () => this.reconnectNow();
    window.addEventListener("online", this.onOnline);
    this.sentToken = null; // the token the server knows this socket by
    this.offRenewed = onTokenRenewed(() => this.sendToken());
    this.connect();
  }

  connect() {
    if (this.stopped) return;
    const token = this.token();
    if (!token) {
      this.stop();
      this.onFatal(CLOSE_UNAUTHORIZED);
      return;
    }
    this.onState("connecting");
    let ws;
    try {
      ws = new WebSocket(socketUrl(this.path));
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    this.ready = false;
    ws.addEventListener("open", () => {
      if (ws !== this.ws) return;
      const afterId = Number(this.afterId()) || 0;
      ws.send(JSON.stringify({ type: "auth", token, after_id: afterId }));
      this.sentToken = token;
    });
    ws.addEventListener("message", (event) => {
      if (ws !== this.ws) return;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (!frame || typeof frame !== "object") return;
      if (frame.type === "ready") {
        this.ready = true;
        this.attempt = 0;
        this.onState("open");
        this.startPing();
        this.sendToken(); // renewed while the socket was connecting
      }
      if (frame.type === "pong") return;
      try {
        this.onEvent(frame);
      } catch (error) {
        console.warn(error); // one bad event must not kill the stream
      }
    });
    ws.addEventListener("close", (event) => {
      if (ws !== this.ws) return;
      this.ws = null;
      this.ready = false;
      this.stopPing();
      if (this.stopped) return;
      if ([CLOSE_UNAUTHORIZED, CLOSE_FORBIDDEN, CLOSE_NOT_FOUND].includes(event.code)) {
        this.stopped = true;
        this.onState("closed");
        this.onFatal(event.code);
        return;
      }
      this.onState("closed");
      this.scheduleRetry();
    });
  }

  scheduleRetry() {
    if (this.stopped || this.retryTimer) return;
    const base = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** this.attempt);
    this.attempt += 1;
    const delay = base / 2 + Math.random() * (base / 2); // jitter: no thundering herd
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  reconnectNow() {
    if (this.stopped || this.ws) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempt = 0;
    this.connect();
  }

  startPing() {
    this.stopPing();
    this.pingTimer = setInterval(() => this.send({ type: "ping" }), PING_MS);
  }

  /** Tell the server this page's renewed token (if it has one the socket has not sent). */
  sendToken() {
    const token = this.token();
    if (!token || token === this.sentToken) return;
    if (this.send({ type: "auth", token })) this.sentToken = token;
  }

  stopPing() {
    clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  /** Send a frame if the socket is authenticated; returns whether it went out. */
  send(frame) {
    if (!this.ws || !this.ready || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.stopPing();
    window.removeEventListener("online", this.onOnline);
    this.offRenewed();
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000, "bye");
  }
}

/** Call `fn` at most once per `ms` (leading edge). */
export function throttle(fn, ms) {
  let last = 0;
  return (...args) => {
    const now = Date.now();
    if (now - last < ms) return;
    last = now;
    fn(...args);
  };
}
