// HTTP client for the sunsupport API: JSON in, JSON out, errors as ApiError.

// The access token lives in localStorage as the raw JWT string, under one key for the
// customer's pages (/, /widget) and another for the staff pages (/operator, /admin): one
// browser can hold a customer and an operator at once, and logging out of one keeps the
// other. Why localStorage: the chat must survive a reload and open in a new tab without a new
// login, and the API authenticates with a Bearer header (not a cookie), so there is no
// CSRF surface. The XSS risk of a script-readable token is contained by the strict
// Content-Security-Policy (no inline or foreign scripts) and by rendering every message
// as text, never as HTML; the token is also short-lived (30 minutes by default), renewed
// while the person is active (session.js), never past SESSION_MAX_HOURS after signing in.
export const CUSTOMER_TOKEN_KEY = "sunsupport.token";
export const STAFF_TOKEN_KEY = "sunsupport.staff.token";
const STAFF_PAGE = /^\/(operator|admin)(\/|$)/;
let TOKEN_KEY = STAFF_PAGE.test(location.pathname) ? STAFF_TOKEN_KEY : CUSTOMER_TOKEN_KEY;

// The widget keeps its visitor's token under a key of its own (useTokenKey), so a
// visitor never becomes the signed-in user of the service's own pages.

/** Keep this page's token under `key` (call before the first request). */
export function useTokenKey(key) {
  TOKEN_KEY = key;
}

/** The localStorage key of this page's token. */
export function tokenKey() {
  return TOKEN_KEY;
}

/** An API or network failure. `status` is 0 when the server could not be reached. */
export class ApiError extends Error {
  constructor(status, detail = null, retryAfter = null) {
    super(typeof detail === "string" ? detail : `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.detail = detail;
    this.retryAfter = retryAfter;
  }

  get isNetwork() {
    return this.status === 0;
  }
}

let unauthorizedHandler = null;
const answeredHandlers = [];
const renewedHandlers = new Set();
let lastRequestAt = 0; // Date.now() of the page's last own request (renewals do not count)

let clockSkew = 0; // this device's clock minus the server's (from the Date header), in ms

/** The server's time now, in ms: tokens' times are the server's, a device's clock may be off. */
export function serverNow() {
  return Date.now() - clockSkew;
}

/** When the page last made a request of its own (activity keeps the session alive). */
export function lastRequestTime() {
  return lastRequestAt;
}

/** `handler(token)` runs when this tab's token is replaced by the same session's renewed
 * one (live sockets send it on); returns a function that unsubscribes. */
export function onTokenRenewed(handler) {
  renewedHandlers.add(handler);
  return () => renewedHandlers.delete(handler);
}

/**
 * `handler(sentAt)` runs whenever the server answers a request (the connection is fine);
 * `sentAt` is when that request left (performance.now()), so an answer to a request sent
 * before some failure says nothing about the connection since.
 */
export function onServerAnswered(handler) {
  answeredHandlers.push(handler);
}

/** Called (once per failed request) when an authenticated call answers 401. */
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

// Each tab keeps the token it signed in with (and its renewals: another tab's renewal of
// the same session is adopted, session.js). Another tab's *new* token (a password
// change or a new login there) is not adopted: this tab's next request then meets its own,
// revoked, token and shows the login form saying why. Signing out in another tab (the
// token removed) does apply here. A tab whose token is refused only forgets it: only
// signing out removes the stored token. localStorage is only eventually consistent between
// a browser's processes, so what a refused tab reads as its own token may already be
// another tab's new one.
let current; // undefined until first read from localStorage

export const tokenStore = {
  get() {
    if (current === undefined) {
      try {
        current = localStorage.getItem(TOKEN_KEY);
      } catch {
        current = null;
      }
    }
    return current;
  },
  set(token) {
    current = token;
    try {
      localStorage.setItem(TOKEN_KEY, token);
    } catch {
      /* storage disabled: the session lasts until reload */
    }
  },
  /** What storage holds now (perhaps another tab's renewal of this tab's token). */
  stored() {
    try {
      return localStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  },
  /** Take the same session's renewed token (session.js checks it is one). */
  renew(token) {
    this.set(token);
    for (const handler of renewedHandlers) handler(token);
  },
  /** This tab stops using its token; the stored one stays (see above). */
  forget() {
    current = null;
  },
  /** Sign out: this tab's token goes from storage too, and so from the other tabs. */
  clear() {
    const mine = this.get();
    current = null;
    try {
      // Only this tab's own token: another tab may have stored a newer one since.
      if (localStorage.getItem(TOKEN_KEY) === mine) localStorage.removeItem(TOKEN_KEY);
    } catch {
      /* ignore */
    }
  },
};

window.addEventListener("storage", (event) => {
  // Only when it was this tab's token that went (not an older one, replaced here since).
  if (event.key === TOKEN_KEY && event.newValue === null && event.oldValue === current) {
    current = null;
  }
});

let renewal = null; // this tab's password change under way: its answer brings a new token

/** Seconds to wait from a Retry-After header (delta-seconds or an HTTP date). */
function parseRetryAfter(value) {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

async function request(method, path, { body, auth = true, renewing = false, activity = true } = {}) {
  if (activity) lastRequestAt = Date.now();
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const token = auth ? tokenStore.get() : null;
  if (token) headers.Authorization = `Bearer ${token}`;

  const sentAt = performance.now();
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError(0);
  }

  if (response.status < 500) for (const handler of answeredHandlers) handler(sentAt);
  const serverDate = Date.parse(response.headers.get("Date") ?? "");
  if (Number.isFinite(serverDate)) {
    const skew = Date.now() - serverDate; // the header has seconds: ignore a little
    clockSkew = Math.abs(skew) > 5000 ? skew : 0;
  }
  let data = null;
  if (response.status !== 204) {
    const text = await response.text().catch(() => "");
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
  }

  if (!response.ok) {
    const error = new ApiError(
      response.status,
      data && typeof data === "object" ? data.detail ?? null : null,
      parseRetryAfter(response.headers.get("Retry-After")),
    );
    if (response.status === 401 && auth && renewal && !renewing) await renewal.catch(() => {});
    if (response.status === 401 && auth && tokenStore.get() && tokenStore.get() !== token) {
      // This tab got a new token while the request was on its way (its password change):
      // the refusal was for the old one, or for none at all (another tab signed out
      // before this tab's answer brought the new).
      return request(method, path, { body, auth });
    }
    if (response.status === 401 && auth && unauthorizedHandler) {
      error.handled = true; // the login form takes over; callers need not report it
      unauthorizedHandler(error);
    }
    throw error;
  }
  return data;
}

const enc = encodeURIComponent;

export const api = {
  register: (username, password) =>
    request("POST", "/auth/register", { body: { username, password }, auth: false }),
  login: (username, password) =>
    request("POST", "/auth/login", { body: { username, password }, auth: false }),
  me: () => request("GET", "/auth/me"),
  updateMe: (fields) => request("PATCH", "/auth/me", { body: fields }),
  visitor: () => request("POST", "/auth/visitor", { auth: false }),
  renewVisitor: () => request("POST", "/auth/visitor/renew"),
  // The same session's next token (session.js); not the person's activity.
  renew: () => request("POST", "/auth/renew", { activity: false }),
  // A reply email's link: its one key for a token of the account the email went to.
  emailLink: (key) => request("POST", "/auth/email-link", { body: { key }, auth: false }),
  // A visitor registers with its own token: the account, and its chats, become the user's.
  registerVisitor: (username, password) =>
    request("POST", "/auth/register", { body: { username, password } }),
  changePassword: async (currentPassword, newPassword) => {
    const body = { current_password: currentPassword, new_password: newPassword };
    const answer = request("POST", "/auth/password", { body, renewing: true });
    const change = answer.then(({ access_token: token }) => {
      tokenStore.set(token); // at once: the old token stops working everywhere
      return token;
    });
    renewal = change;
    try {
      return await change;
    } finally {
      if (renewal === change) renewal = null;
    }
  },
  logoutAll: () => request("POST", "/auth/logout-all"),
  exportData: () => request("GET", "/auth/me/export"),
  deleteAccount: (password) =>
    request("DELETE", "/auth/me", { body: password === null ? {} : { password } }),
  createSession: () => request("POST", "/chat/session"),
  listSessions: (limit = 50, offset = 0) =>
    request("GET", `/chat/sessions?limit=${limit}&offset=${offset}`),
  sendMessage: (sessionId, text) =>
    request("POST", "/chat/message", { body: { session_id: sessionId, text } }),
  history: (sessionId, { limit = 100, beforeId = null } = {}) => {
    const query = new URLSearchParams({ limit: String(limit) });
    if (beforeId !== null && beforeId !== undefined) query.set("before_id", String(beforeId));
    return request("GET", `/chat/history/${enc(sessionId)}?${query}`);
  },
  clearHistory: (sessionId) => request("DELETE", `/chat/history/${enc(sessionId)}`),
  renameSession: (sessionId, title) =>
    request("PATCH", `/chat/session/${enc(sessionId)}`, { body: { title } }),
  deleteSession: (sessionId) => request("DELETE", `/chat/session/${enc(sessionId)}`),
  sessionDetail: (sessionId) => request("GET", `/chat/session/${enc(sessionId)}`),
  // Sent by itself when a reply arrives in the open chat: not the person's activity.
  markRead: (sessionId) =>
    request("POST", `/chat/session/${enc(sessionId)}/read`, { activity: false }),
  rate: (sessionId, rating, comment) =>
    request("POST", `/chat/session/${enc(sessionId)}/rating`, {
      body: { rating, comment: comment || null },
    }),
  feedback: (messageId, value) =>
    request("POST", `/chat/message/${enc(messageId)}/feedback`, { body: { value } }),

  // Operators (and admins).
  queue: () => request("GET", "/operator/queue"),
  claim: (sessionId) => request("POST", `/operator/sessions/${enc(sessionId)}/claim`),
  reply: (sessionId, text) =>
    request("POST", `/operator/sessions/${enc(sessionId)}/message`, { body: { text } }),
  release: (sessionId) => request("POST", `/operator/sessions/${enc(sessionId)}/release`),
  resolve: (sessionId) => request("POST", `/operator/sessions/${enc(sessionId)}/resolve`),
  canned: () => request("GET", "/operator/canned"),

  // Admins.
  misunderstood: (status, { limit = 50, offset = 0 } = {}) => {
    const query = new URLSearchParams({ status, limit: String(limit), offset: String(offset) });
    return request("GET", `/admin/misunderstood?${query}`);
  },
  setInboxStatus: (itemId, status) =>
    request("PATCH", `/admin/misunderstood/${enc(itemId)}`, { body: { status } }),
  teach: (itemId, intent) =>
    request("POST", `/admin/misunderstood/${enc(itemId)}/teach`, { body: { intent } }),
  intents: () => request("GET", "/admin/intents"),
  explain: (text) => request("POST", "/bot/parse", { body: { text, explain: true } }),
  createCanned: (shortcut, text) => request("POST", "/admin/canned", { body: { shortcut, text } }),
  updateCanned: (id, shortcut, text) =>
    request("PUT", `/admin/canned/${enc(id)}`, { body: { shortcut, text } }),
  deleteCanned: (id) => request("DELETE", `/admin/canned/${enc(id)}`),
  staff: () => request("GET", "/admin/staff"),
  setDisplayName: (userId, displayName) =>
    request("PATCH", `/admin/staff/${enc(userId)}`, { body: { display_name: displayName } }),
  audit: ({ limit = 50, beforeId = null } = {}) => {
    const query = new URLSearchParams({ limit: String(limit) });
    if (beforeId) query.set("before_id", String(beforeId));
    return request("GET", `/admin/audit?${query}`);
  },
  stats: (from, to) => {
    const query = new URLSearchParams();
    if (from) query.set("from", from);
    if (to) query.set("to", to);
    return request("GET", `/admin/stats?${query}`);
  },
};
