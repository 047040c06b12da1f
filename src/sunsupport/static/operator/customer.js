// Who a conversation belongs to, as the console shows them: the display name (a visitor's
// generated «Гость 4821», or the name they set), a mark for visitors from the widget, and
// the email if they left one.

import { el } from "/static/common/ui.js";

/** The customer's name in a queue item or conversation (with the username as fallback). */
export function customerName(item) {
  return item?.display_name || item?.username || "клиент";
}

/** A queue row's name, with the visitor mark. */
export function customerNode(item) {
  const node = el("span", { className: "queue-user", text: customerName(item) });
  if (item?.visitor) node.append(" ", visitorMark());
  return node;
}

/** The conversation header's line: name, visitor mark, email. */
export function renderCustomer(target, item, fallback) {
  const name = item ? customerName(item) : fallback;
  const parts = [el("span", { className: "customer-name", text: name })];
  if (item?.visitor) parts.push(" ", visitorMark());
  if (item?.email) {
    const email = el("a", {
      className: "customer-email",
      text: item.email,
      attrs: { href: `mailto:${item.email}`, "data-testid": "customer-email" },
    });
    parts.push(" · ", email);
  }
  target.replaceChildren(...parts);
}

function visitorMark() {
  return el("span", {
    className: "visitor-mark",
    text: "гость",
    attrs: { "data-testid": "visitor-mark", title: "Посетитель с сайта, без регистрации" },
  });
}
