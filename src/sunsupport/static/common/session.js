// Sliding sessions for signed-in people: while the page is in use, its token is renewed
// (POST /auth/renew) once past half its lifetime, so nobody active is sent back to the
// login form mid-conversation. A page left alone is not renewed and its token expires as
// before; renewals never reach past SESSION_MAX_HOURS after signing in (the server caps
// them). Tabs of one browser share the token (localStorage): one renewal at a time
// (a Web Lock), and a tab takes another tab's renewal of its own session instead of
// asking again. Live sockets send each renewed token on (live.js).

import { api, lastRequestTime, serverNow, tokenKey, tokenStore } from "/static/common/api.js";

const ACTIVE_WINDOW_MS = 5 * 60_000; // typing, clicks or requests this recently: active
const MAX_CHECK_MS = 30_000;
const LOCK_WAITED_MS = 20; // longer than this for the renewal lock: another tab held it
const RETRY_MS = 60_000; // after a failed renewal (network, 429): the token still works
const ACTIVITY_EVENTS = ["keydown", "pointerdown", "input", "wheel", "touchstart"];

let lastInputAt = 0;
let timer = null;
let renewing = null;
let finalToken = null; // a renewal that did not move the expiry: the session's last token
let retryAt = 0;

/** The token's timing claims in milliseconds, or null for something that is not a JWT. */
export function tokenTimes(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(payload));
    const at = (seconds) => (Number.isFinite(seconds) ? seconds * 1000 : null);
    const times = { iat: at(claims.iat), exp: at(claims.exp), authTime: at(claims.auth_time) };
    times.session = `${claims.sub}:${claims.tv ?? 0}:${claims.auth_time ?? claims.iat}`;
    return times.iat !== null && times.exp !== null ? times : null;
  } catch {
    return null;
  }
}

/** Whether `next` continues the session of `previous` (same account, version and sign-in)
 * and lasts longer. */
function isRenewalOf(next, previous) {
  const a = next && tokenTimes(next);
  const b = previous && tokenTimes(previous);
  return Boolean(a && b && a.session === b.session && a.exp > b.exp);
}

function halfLife(times) {
  return (times.exp - times.iat) / 2;
}

function isActive(times) {
  const window = Math.min(ACTIVE_WINDOW_MS, halfLife(times));
  return Math.max(lastInputAt, lastRequestTime()) >= Date.now() - window;
}

function due(token) {
  const times = token && tokenTimes(token);
  if (!times || token === finalToken || Date.now() < retryAt) return false;
  const now = serverNow(); // the token's times are the server's
  return now >= times.iat + halfLife(times) && now < times.exp && isActive(times);
}

/** Take another tab's renewal of this session; ask the server only if the newest token
 * is itself due, so that no token is ever renewed twice (however late the lock came). */
async function renewOnce(token) {
  const stored = tokenStore.stored();
  if (isRenewalOf(stored, token)) {
    tokenStore.renew(stored);
    if (!due(stored)) return;
    token = stored;
  }
  const { access_token: next } = await api.renew();
  if (tokenStore.get() !== token) return; // signed out or signed in anew meanwhile
  if (!isRenewalOf(next, token)) finalToken = next; // the session's end: no more renewals
  tokenStore.renew(next);
}

/** Resolves once storage holds a renewal of `token`, or after `ms`. A lock's holder
 * writes its renewal before letting go, but another tab's copy of localStorage is
 * updated a moment later (tabs may live in other processes): without this wait, the
 * next tab could renew the same token again. */
function renewalStored(token, ms) {
  const until = Date.now() + ms;
  return new Promise((resolve) => {
    const poll = () => {
      if (isRenewalOf(tokenStore.stored(), token) || Date.now() >= until) resolve();
      else setTimeout(poll, 25);
    };
    poll();
  });
}

function renewNow() {
  const token = tokenStore.get();
  if (renewing || !due(token)) return;
  const asked = performance.now();
  const locked = navigator.locks?.request
    ? navigator.locks.request(`sunsupport.renew:${tokenKey()}`, async () => {
        // Waited for the lock: its holder was most likely renewing this very token.
        if (performance.now() - asked > LOCK_WAITED_MS) await renewalStored(token, 1000);
        return tokenStore.get() === token ? renewOnce(token) : null;
      })
    : renewOnce(token);
  renewing = Promise.resolve(locked)
    .catch(() => {
      retryAt = Date.now() + RETRY_MS; // a 401 has already brought the login form
    })
    .finally(() => {
      renewing = null;
    });
}

function check() {
  renewNow();
  const times = tokenTimes(tokenStore.get() ?? "");
  const tenth = times ? (times.exp - times.iat) / 10 : MAX_CHECK_MS;
  timer = setTimeout(check, Math.max(1000, Math.min(MAX_CHECK_MS, tenth)));
}

function onInput() {
  lastInputAt = Date.now();
  renewNow();
}

function onStorage(event) {
  // Another tab renewed this tab's session: use its token at once (live sockets too).
  if (event.key === tokenKey() && isRenewalOf(event.newValue, tokenStore.get())) {
    tokenStore.renew(event.newValue);
  }
}

/** Signed in: renew the token in the background while the person is active. */
export function keepSessionAlive() {
  stopKeepingSessionAlive();
  lastInputAt = Date.now(); // signing in is activity
  for (const name of ACTIVITY_EVENTS) {
    document.addEventListener(name, onInput, { capture: true, passive: true });
  }
  window.addEventListener("storage", onStorage);
  check();
}

/** Signed out (or a visitor): no more renewals. */
export function stopKeepingSessionAlive() {
  clearTimeout(timer);
  timer = null;
  for (const name of ACTIVITY_EVENTS) {
    document.removeEventListener(name, onInput, { capture: true });
  }
  window.removeEventListener("storage", onStorage);
}
