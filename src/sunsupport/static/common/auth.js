// Signing in, for every page: the login form (with registration on the user's page), the
// role check of the staff pages, logout, and an expired session sending the user back to the
// form with «Сессия истекла, войдите снова.». One implementation for all three pages.
//
// Views, in #app[data-view]: "loading" until the stored token is checked, then "login",
// "denied" (signed in without an allowed role; staff pages only) or the page's main view.
// The token is a localStorage entry (api.js): one for the customer's pages, one for the staff pages.

import { api, onUnauthorized, tokenKey, tokenStore, useTokenKey } from "/static/common/api.js";
import { report, setError, unauthorizedText, validateCredentials } from "/static/common/errors.js";
import { keepSessionAlive, stopKeepingSessionAlive } from "/static/common/session.js";
import { $ } from "/static/common/ui.js";

const VISITOR_TOKEN_KEY = "sunsupport.visitorToken";
const LINK_FAILED = {
  user: "Ссылка из письма устарела или больше не действует. Войдите, чтобы продолжить разговор.",
  visitor: "Ссылка из письма устарела или больше не действует. Можно написать нам снова здесь.",
};

/** A reply email's link (`?key=…&session=…`) signs its reader in: the key is exchanged for
 * a token of the account the email went to, kept under this page's storage key (the
 * widget's own storage, in a frame, is another site's and is not there). The key leaves the
 * address bar at once. Returns null, or the notice to show when the key did not work. */
async function redeemEmailLink(visitor) {
  const url = new URL(window.location.href);
  const key = url.searchParams.get("key");
  if (key === null) return null;
  url.searchParams.delete("key");
  history.replaceState(history.state, "", `${url.pathname}${url.search}${url.hash}`);
  try {
    const { access_token: token } = await api.emailLink(key);
    tokenStore.set(token);
    return null;
  } catch {
    return visitor ? LINK_FAILED.visitor : LINK_FAILED.user;
  }
}

/** Who signed in last in this tab (sessionStorage): the login form after an expired
 * session starts with the name filled in, even after a reload. */
const lastName = {
  key: () => `sunsupport.lastUser:${tokenKey()}`,
  get() {
    try {
      return sessionStorage.getItem(this.key());
    } catch {
      return null;
    }
  },
  set(name) {
    try {
      if (name) sessionStorage.setItem(this.key(), name);
      else sessionStorage.removeItem(this.key());
    } catch {
      /* storage disabled */
    }
  },
};

let view = "loading";
let user = null;
let signOutNow = () => {};

/** Leave the main view for the login form, showing `message` (sign-out everywhere,
 * a deleted account): the token is forgotten first. */
export function signOut(message = null) {
  signOutNow(message);
}

/** The signed-in user ({ id, username, role }) while the main view shows, else null. */
export function currentUser() {
  return user;
}

/** Whether the page's main view shows (the user is signed in and let in). */
export function isSignedIn() {
  return view === "main";
}

/**
 * Start the page: check the stored token, then show the main view or the login form.
 * @param {object} options
 * @param {string[]|null} [options.roles]  roles let in (null: everyone signed in)
 * @param {string} options.mainViewId      the element shown once signed in
 * @param {string} [options.mainViewName]  its #app[data-view] value (the CSS keys on it)
 * @param {string} options.errorSlotId     where the error element goes in the main view
 * @param {(user: object) => Promise<void>|void} options.onEnter  fill the main view
 * @param {(leaving: {expired: boolean, owner: string|null}) => void} options.onLeave
 *   stop sockets and timers, clear the screen; `expired`: the session ended by itself
 *   (keep what `owner` was writing for after the login), else signed out on purpose
 * @param {(view: string) => void} [options.onView]  after every change of view
 * @param {boolean} [options.visitor]     the widget: no login form; without a token (or
 *   when it expires) the page becomes a new visitor, kept under its own storage key
 */
export function startAuth({
  roles = null,
  mainViewId,
  mainViewName = "main",
  errorSlotId,
  onEnter,
  onLeave,
  onView = () => {},
  visitor = false,
}) {
  if (visitor) useTokenKey(VISITOR_TOKEN_KEY);
  const dom = {
    app: $("app"),
    loginView: $("login-view"),
    deniedView: $("denied-view"),
    deniedName: $("denied-name"),
    mainView: $(mainViewId),
    loginForm: $("login-form"),
    username: $("login-username"),
    password: $("login-password"),
    userBox: $("user-box"),
    userName: $("user-name"),
    error: $("error"),
    loginErrorSlot: $("login-error-slot"),
    mainErrorSlot: $(errorSlotId),
  };
  let busy = false;

  function showView(next) {
    view = next;
    dom.app.dataset.view = next === "main" ? mainViewName : next;
    if (dom.loginView) dom.loginView.hidden = next !== "login";
    if (dom.deniedView) dom.deniedView.hidden = next !== "denied";
    dom.mainView.hidden = next !== "main";
    dom.userBox.hidden = next !== "main";
    if (next === "login") dom.loginErrorSlot.append(dom.error);
    if (next === "main") dom.mainErrorSlot.append(dom.error);
    onView(next);
  }

  /** The login form. `expired`: the session ended by itself (not signed out), so what
   * was being written is kept (onLeave) and the name is filled in. */
  function showLogin(message = null, { expired = false } = {}) {
    const owner = user?.username ?? lastName.get();
    user = null;
    dom.userName.textContent = "";
    stopKeepingSessionAlive();
    onLeave({ expired, owner });
    if (!expired) lastName.set(null);
    if (visitor) {
      becomeVisitor(message);
      return;
    }
    showView("login");
    setError(message);
    dom.password.value = "";
    if (expired && owner) dom.username.value = owner;
    (expired && owner ? dom.password : dom.username).focus();
  }

  onUnauthorized((error) => {
    // Only forgotten by this tab, never removed from storage: another tab's password
    // change may have stored a new one meanwhile, and this tab may not see it yet (api.js).
    tokenStore.forget();
    if (view === "login") return;
    showLogin(unauthorizedText(error), { expired: true });
  });
  signOutNow = (message) => {
    tokenStore.clear();
    showLogin(message);
  };

  async function enter({ fresh = false } = {}) {
    const me = await api.me();
    if (roles && !roles.includes(me.role)) {
      onLeave();
      dom.deniedName.textContent = me.username;
      showView("denied");
      return;
    }
    user = me;
    lastName.set(me.role === "visitor" ? null : me.username);
    dom.userName.textContent = me.display_name || me.username;
    if (me.role === "visitor") stopKeepingSessionAlive();
    else keepSessionAlive(); // the widget's visitor renews on each visit instead
    if (visitor && me.role === "visitor" && !fresh) {
      // Each visit renews the visitor's token: someone who comes back keeps their chats.
      api
        .renewVisitor()
        .then(({ access_token: token }) => tokenStore.set(token))
        .catch(() => {}); // the current token still works
    }
    setError(null);
    showView("main");
    await onEnter(me);
  }

  function setBusy(value) {
    busy = value;
    dom.loginForm.setAttribute("aria-busy", String(value));
    dom.loginForm.classList.toggle("is-busy", value);
  }

  /** The widget: a new visitor account, remembered, then the chat (and `notice`). */
  async function becomeVisitor(notice = null) {
    try {
      const { access_token: token } = await api.visitor();
      tokenStore.set(token);
      await enter({ fresh: true });
      if (notice) setError(notice);
    } catch (error) {
      showView("main");
      report(error, "sessions");
    }
  }

  dom.loginForm?.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    const registering = event.submitter?.value === "register";
    const username = dom.username.value.trim();
    const password = dom.password.value;
    const problem = validateCredentials(username, password, registering);
    if (problem) {
      setError(problem.text);
      (problem.field === "username" ? dom.username : dom.password).focus();
      return;
    }
    setError(null);
    setBusy(true);
    let stage = registering ? "register" : "login";
    try {
      if (registering) await api.register(username, password);
      stage = "login";
      const { access_token: token } = await api.login(username, password);
      tokenStore.set(token);
      dom.password.value = "";
      await enter();
    } catch (error) {
      if (view === "login") {
        report(error, stage);
        if (stage === "login" || error?.status === 409) dom.password.select();
      }
    } finally {
      setBusy(false);
    }
  });

  const logout = () => {
    tokenStore.clear();
    showLogin(null);
  };
  $("logout").addEventListener("click", logout);
  $("denied-logout")?.addEventListener("click", logout);

  (async () => {
    const notice = await redeemEmailLink(visitor);
    if (!tokenStore.get()) {
      showLogin(notice); // the widget becomes a visitor instead
      return;
    }
    try {
      await enter();
      if (notice) setError(notice);
    } catch (error) {
      if (error?.handled) return; // onUnauthorized showed the login form
      showLogin(null, { expired: true }); // not signed out: keep the name and any draft
      report(error, "sessions");
    }
  })();
}
