// "Солнце · техподдержка": the user's chat page (/). Plain ES modules, no build step,
// nothing loaded from other hosts. This module signs the user in and wires the panels
// together; each panel module owns its part of the page.

import { api } from "/static/common/api.js";
import { isSignedIn, startAuth } from "/static/common/auth.js";
import { report, setError } from "/static/common/errors.js";
import { $ } from "/static/common/ui.js";
import { updateChrome } from "/static/chat/chrome.js";
import { clearComposer, focusInput, restoreDraft, send } from "/static/chat/composer.js";
import { chatGone, closeConversation, deleteChat, openSession, renameChat } from "/static/chat/conversation.js";
import { closeDrawer, showMenuButton } from "/static/chat/drawer.js";
import { onChatDeleted } from "/static/chat/live-events.js";
import {
  addSession,
  chatToOpen,
  forgetSessions,
  onSessionAction,
  onSessionPicked,
  refreshSessions,
} from "/static/chat/sessions.js";
import "/static/chat/profile.js";
import { openChat } from "/static/chat/state.js";
import { onSuggestionPicked, renderSuggestions } from "/static/chat/suggestions.js";
import { connectToHost } from "/static/widget/frame.js";

// The same page is /widget, the visitors' chat in the embeddable panel.
const inWidget = $("app").dataset.page === "widget";

/** Signed in: list the chats and open the last one (or a new one). */
async function enterChat() {
  let loaded;
  openChat.ready = new Promise((resolve) => {
    loaded = resolve;
  });
  restoreDraft();
  try {
    await refreshSessions();
    let target = await chatToOpen();
    if (!target) {
      target = (await api.createSession()).id;
      await refreshSessions();
    }
    await openSession(target);
  } catch (error) {
    report(error, "sessions");
  } finally {
    loaded();
  }
  if (isSignedIn()) focusInput();
}

/** Signed out: nothing of the last user stays on the page (an expired session's unsent
 * text is kept for after the login). */
function resetChat(leaving) {
  forgetSessions();
  closeConversation();
  clearComposer(leaving);
  renderSuggestions([]);
  updateChrome();
}

async function newSession() {
  try {
    const session = await api.createSession();
    setError(null);
    addSession(session); // first: the list is read again as far as it is shown, this one too
    await refreshSessions().catch(() => {});
    addSession(session);
    closeDrawer(false);
    await openSession(session.id);
    focusInput();
  } catch (error) {
    report(error, "new-session");
  }
}

onSessionPicked((id) => {
  closeDrawer(false);
  if (id !== openChat.id) openSession(id);
  focusInput();
});

onSessionAction((action, id) => (action === "rename" ? renameChat(id) : deleteChat(id)));
onChatDeleted((id) => chatGone(id));

onSuggestionPicked((text) => {
  send(text);
  focusInput();
});

$("new-session").addEventListener("click", newSession);

if (inWidget) connectToHost();

startAuth({
  visitor: inWidget,
  mainViewId: "chat-view",
  mainViewName: "chat",
  errorSlotId: "chat-error-slot",
  onEnter: enterChat,
  onLeave: resetChat,
  onView: (view) => {
    showMenuButton(view === "main");
    closeDrawer(false);
  },
});
