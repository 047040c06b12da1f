// Answering the client: Enter sends, Shift+Enter starts a new line, "/" opens the canned
// replies (canned.js). Only the operator who has the conversation (or an admin) may answer.

import { api } from "/static/common/api.js";
import { discardDrafts, keepDraft, takeDraft } from "/static/common/drafts.js";
import { setError } from "/static/common/errors.js";
import { $ } from "/static/common/ui.js";
import { onCannedInput, onCannedKey, slashToken } from "/static/operator/canned.js";
import { isMine, openId, renderChrome, renderMessage, scrollToBottom } from "/static/operator/conversation.js";
import { report } from "/static/operator/errors.js";
import { sendTyping } from "/static/operator/live-events.js";

const dom = { form: $("operator-composer"), input: $("operator-input"), send: $("operator-send") };
let sending = false;

async function sendReply() {
  const text = dom.input.value.trim();
  const id = openId();
  if (!text || !id || sending) return;
  if (!isMine()) {
    setError("Сначала возьмите разговор.");
    return;
  }
  sending = true;
  dom.send.disabled = true;
  setError(null);
  try {
    const message = await api.reply(id, text);
    if (dom.input.value.trim() === text) dom.input.value = "";
    if (id === openId()) {
      renderMessage(message);
      scrollToBottom();
    }
  } catch (error) {
    report(error, "reply");
  } finally {
    sending = false;
    renderChrome();
    dom.input.focus();
  }
}

/** Signed out: the box empties. When the session expired, its text is kept (with the
 * conversation it was written in) for after the login; signing out on purpose discards it. */
export function leaveComposer({ expired = false, owner = null } = {}) {
  if (expired) keepDraft(owner, dom.input.value, { place: openId() });
  else discardDrafts();
  dom.input.value = "";
}

/** Signed in again: the reply being written when the session expired, in its conversation. */
export async function restoreReply(owner, select) {
  const draft = takeDraft(owner);
  if (!draft) return;
  if (draft.place && draft.place !== openId()) await select(draft.place);
  if (!dom.input.value.trim()) dom.input.value = draft.text;
}

dom.form.addEventListener("submit", (event) => {
  event.preventDefault();
  sendReply();
});

dom.input.addEventListener("input", () => {
  onCannedInput();
  if (dom.input.value.trim() && !slashToken()) sendTyping();
});

dom.input.addEventListener("keydown", (event) => {
  if (event.isComposing || onCannedKey(event)) return;
  if (event.key !== "Enter" || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) return;
  event.preventDefault();
  dom.form.requestSubmit();
});
