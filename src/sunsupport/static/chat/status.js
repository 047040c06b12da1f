// The open chat's status (bot → pending_human → open → resolved) and the banner above it.

import { isHumanStatus, userStatusText } from "/static/common/status.js";
import { $ } from "/static/common/ui.js";
import { hideOperatorTyping, updateChrome } from "/static/chat/chrome.js";
import { renderRating } from "/static/chat/rating.js";
import { openChat } from "/static/chat/state.js";

const banner = $("chat-status");
const bannerText = $("chat-status-text");

/** Whether a person has the chat (asked for, or answering): no bot typing, typing frames go out. */
export function humanMode() {
  return isHumanStatus(openChat.status);
}

/** The open chat's status. The banner is not a live region: each change of hands is said
 * once, by its note in the conversation (or the bot's answer), not twice. */
export function setStatus(status) {
  const changed = status !== openChat.status;
  openChat.status = status ?? null;
  const text = userStatusText(openChat.status);
  banner.hidden = !text;
  banner.dataset.status = openChat.status ?? "";
  bannerText.textContent = text;
  if (openChat.status !== "open") hideOperatorTyping();
  renderRating(changed);
  updateChrome();
}
