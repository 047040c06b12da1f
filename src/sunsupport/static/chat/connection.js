// The connection banner of the customer's page: «Переподключаемся…» while the live channel
// is down, gone (with any "no connection" error) as soon as it is back.

import { announce } from "/static/common/announce.js";
import { clearError } from "/static/common/errors.js";
import { $ } from "/static/common/ui.js";

const banner = $("connection-status");

/** The live channel's state: "connecting", "open" or "closed". */
export function setConnection(state) {
  if (state === "closed" && banner.hidden) {
    banner.hidden = false;
    announce("Нет связи с сервером. Переподключаемся…");
  } else if (state === "open" && !banner.hidden) {
    banner.hidden = true;
    clearError("connection");
    announce("Связь восстановлена");
  }
}

/** Signed out or no chat open: no banner. */
export function resetConnection() {
  banner.hidden = true;
}
