// Operator console (/operator): the live queue, a conversation view, claim / reply /
// release / resolve, canned replies by "/shortcut". Plain ES modules, no build step.
// This module signs the operator in and wires the panels together.

import { currentUser, startAuth } from "/static/common/auth.js";
import { setError } from "/static/common/errors.js";
import { $ } from "/static/common/ui.js";
import { clearBadge } from "/static/operator/alerts.js";
import { loadCanned } from "/static/operator/canned.js";
import { leaveComposer, restoreReply } from "/static/operator/composer.js";
import { closeConversation, openId, select } from "/static/operator/conversation.js";
import { startLive, stopLive } from "/static/operator/live-events.js";
import { onQueuePicked, startQueue, stopQueue } from "/static/operator/queue.js";

function sessionFromHash() {
  const match = /(?:^#|&)session=([^&]+)/.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : null;
}

async function enterConsole(user) {
  $("admin-link").hidden = user.role !== "admin";
  startLive();
  startQueue();
  loadCanned().catch(() => {});
  const linked = sessionFromHash();
  if (linked) await select(linked);
  await restoreReply(user.username, select);
}

function leaveConsole(leaving) {
  leaveComposer(leaving);
  stopLive();
  stopQueue();
  closeConversation();
  clearBadge();
  setError(null);
}

onQueuePicked(select);

window.addEventListener("hashchange", () => {
  const id = sessionFromHash();
  if (id && currentUser() && id !== openId()) select(id);
});

startAuth({
  roles: ["operator", "admin"],
  mainViewId: "console-view",
  errorSlotId: "conv-error-slot",
  onEnter: enterConsole,
  onLeave: leaveConsole,
});
