// The profile panel's "how to reach you": the name operators see and the email that gets
// an operator's reply while the person is away (PATCH /auth/me). A visitor (the widget)
// has no password, and may register instead, keeping its chats (its token goes with the
// registration). Part of the panel in profile.js, which opens it and shows its messages.

import { api, tokenStore } from "/static/common/api.js";
import { currentUser } from "/static/common/auth.js";
import { describeError, fieldProblem, validateCredentials } from "/static/common/errors.js";
import { $ } from "/static/common/ui.js";
import { startLive, stopLive } from "/static/chat/live-events.js";
import { openChat } from "/static/chat/state.js";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/; // the server checks properly; this catches typos

const dom = {
  form: $("contact-form"),
  name: $("contact-name"),
  email: $("contact-email"),
  submit: $("contact-submit"),
  who: $("profile-name"),
  userName: $("user-name"),
  keep: $("keep-form"),
  keepUsername: $("keep-username"),
  keepPassword: $("keep-password"),
  keepSubmit: $("keep-submit"),
};

/** The panel's message area (profile.js), set by wireContact. */
let say = () => {};

/** Fill the fields for `me`; returns the field a visitor starts at. */
export function fillContact(me) {
  const visitor = me.role === "visitor";
  dom.keep.hidden = !visitor;
  dom.keep.reset();
  dom.name.value = me.display_name && me.display_name !== me.username ? me.display_name : "";
  dom.email.value = me.email ?? "";
  return dom.name;
}

async function save(event) {
  event.preventDefault();
  const name = dom.name.value.trim();
  const email = dom.email.value.trim();
  if (email && !EMAIL.test(email)) {
    say("Проверьте адрес почты: например, ivan@example.com.", { error: true });
    dom.email.focus();
    return;
  }
  dom.submit.disabled = true;
  try {
    const me = await api.updateMe({ display_name: name || null, email: email || null });
    Object.assign(currentUser() ?? {}, me);
    dom.userName.textContent = me.display_name || me.username;
    dom.who.textContent = me.display_name || me.username;
    say(email ? "Сохранено. Ответы, пришедшие без вас, придут на почту." : "Сохранено.");
  } catch (error) {
    if (error?.handled) return;
    const invalid = error?.status === 422;
    const problem = invalid
      ? fieldProblem(error.detail) ?? "Проверьте имя (до 64 символов) и адрес почты."
      : describeError(error, "profile");
    say(problem, { error: true });
  } finally {
    dom.submit.disabled = false;
  }
}

async function keepChats(event) {
  event.preventDefault();
  const username = dom.keepUsername.value.trim();
  const password = dom.keepPassword.value;
  const problem = validateCredentials(username, password, true);
  if (problem) {
    say(problem.text, { error: true });
    (problem.field === "username" ? dom.keepUsername : dom.keepPassword).focus();
    return;
  }
  dom.keepSubmit.disabled = true;
  // The registration ends the visitor's token: the live channel would answer that by
  // signing out (and making a new visitor) before the new token is stored.
  stopLive();
  try {
    await api.registerVisitor(username, password);
    const { access_token: token } = await api.login(username, password);
    tokenStore.set(token); // the visitor's token stopped working with the registration
    window.location.reload(); // back in as the user, with the same chats
  } catch (error) {
    if (openChat.id) startLive(openChat.id); // still the visitor: back to live
    if (error?.handled) return;
    say(describeError(error, "register"), { error: true });
    dom.keepSubmit.disabled = false;
  }
}

/** Wire the forms; `panel` is { say } of the profile panel (profile.js). */
export function wireContact(panel) {
  say = panel.say;
  dom.form.addEventListener("submit", save);
  dom.keep.addEventListener("submit", keepChats);
}
