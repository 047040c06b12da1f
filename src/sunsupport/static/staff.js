// Shared shell of the staff pages (/operator, /admin): login form, role check, logout.
// The token is the same localStorage entry as the user page's (`sunsupport.token`).

import { api, ApiError, onUnauthorized, tokenStore } from "/static/common/api.js";
import { describeError, SESSION_EXPIRED } from "/static/common/errors.js";
import { $ } from "/static/common/ui.js";

/**
 * @param {object} options
 * @param {string[]} options.roles        roles allowed in (e.g. ["operator", "admin"])
 * @param {string} options.mainViewId     the element shown once in
 * @param {(user: object) => Promise<void>|void} options.onEnter
 * @param {() => void} options.onLeave    stop sockets and timers, clear the screen
 */
export function startStaffPage({ roles, mainViewId, onEnter, onLeave }) {
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
    logout: $("logout"),
    deniedLogout: $("denied-logout"),
    error: $("error"),
    loginErrorSlot: $("login-error-slot"),
  };
  let view = "loading";
  let busy = false;

  function setError(text) {
    dom.error.textContent = text ?? "";
    dom.error.hidden = !text;
  }

  function showView(next) {
    view = next;
    dom.app.dataset.view = next;
    dom.loginView.hidden = next !== "login";
    dom.deniedView.hidden = next !== "denied";
    dom.mainView.hidden = next !== "main";
    dom.userBox.hidden = next !== "main";
    if (next === "login") dom.loginErrorSlot.append(dom.error);
  }

  function showLogin(message = null) {
    onLeave();
    showView("login");
    setError(message);
    dom.password.value = "";
    dom.username.focus();
  }

  onUnauthorized(() => {
    tokenStore.clear();
    if (view === "login") return;
    showLogin(SESSION_EXPIRED);
  });

  async function enter() {
    const user = await api.me();
    if (!roles.includes(user.role)) {
      onLeave();
      dom.deniedName.textContent = user.username;
      showView("denied");
      return;
    }
    dom.userName.textContent = user.username;
    setError(null);
    showView("main");
    await onEnter(user);
  }

  dom.loginForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    const username = dom.username.value.trim();
    const password = dom.password.value;
    if (!username || !password) {
      setError(!username ? "Введите имя пользователя." : "Введите пароль.");
      (!username ? dom.username : dom.password).focus();
      return;
    }
    busy = true;
    dom.loginForm.classList.add("is-busy");
    setError(null);
    try {
      const { access_token: token } = await api.login(username, password);
      tokenStore.set(token);
      dom.password.value = "";
      await enter();
    } catch (error) {
      if (view === "login" && !error?.handled) {
        setError(describeError(error, "login"));
        dom.password.select();
      }
    } finally {
      busy = false;
      dom.loginForm.classList.remove("is-busy");
    }
  });

  const logout = () => {
    tokenStore.clear();
    showLogin(null);
  };
  dom.logout.addEventListener("click", logout);
  dom.deniedLogout.addEventListener("click", logout);

  (async () => {
    if (!tokenStore.get()) {
      showLogin(null);
      return;
    }
    try {
      await enter();
    } catch (error) {
      if (error?.handled) return;
      if (!(error instanceof ApiError)) console.warn(error);
      showLogin(describeError(error, "sessions"));
    }
  })();

  return { setError, showLogin };
}
