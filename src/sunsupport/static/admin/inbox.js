// The "misunderstood" inbox: what the bot did not understand, was unsure of, got a 👎
// for, or answered confidently and then saw the user ask for a human or ask again (and a
// small sample of confident answers). Teach the bot an intent for a phrase, confirm the
// bot's answer was right, or dismiss it; 50 a page. Intents show their Russian titles.

import { announce } from "/static/common/announce.js";
import { api } from "/static/common/api.js";
import { fullDate, parseDate } from "/static/common/dates.js";
import { setError } from "/static/common/errors.js";
import { thumbIcon } from "/static/common/icons.js";
import { $, el } from "/static/common/ui.js";
import { percent } from "/static/admin/format.js";
import { intentTitle, named, setIntents, statusName } from "/static/admin/names.js";
import { complain, notify, report } from "/static/admin/report.js";

const PAGE = 50;
const REASONS = {
  fallback: "не понял",
  low_confidence: "не уверен",
  downvote: "не помог",
  asked_human: "позвали человека",
  rephrased: "переспросили",
  sampled: "выборка",
};

/** The item's time as every admin tab writes it (empty, not an exception, if unreadable). */
function when(value) {
  const at = parseDate(value);
  return at ? fullDate(at) : "";
}

const dom = {
  status: $("inbox-status"),
  refresh: $("inbox-refresh"),
  heading: $("inbox-heading"),
  list: $("inbox-list"),
  empty: $("inbox-empty"),
  prev: $("inbox-prev"),
  next: $("inbox-next"),
  page: $("inbox-page"),
};
let intents = []; // [{id, title}]
let offset = 0;
let seq = 0;

/** The intents the bot knows, for the "teach" choice (and their titles everywhere). */
export async function loadIntents() {
  try {
    intents = (await api.intents()) ?? [];
    setIntents(intents);
  } catch (error) {
    report(error, "sessions");
  }
}

export function clearInbox() {
  dom.list.replaceChildren();
}

function bestIntent(item) {
  if (item.intent && item.intent !== "fallback") return item.intent;
  const guess = (item.guesses ?? []).find((g) => g.intent && g.intent !== "fallback");
  return guess?.intent ?? "";
}

function inboxNode(item) {
  const row = el("li", {
    className: "inbox-item",
    attrs: { "data-testid": "inbox-item", "data-item-id": String(item.id) },
  });
  const head = el("div", { className: "inbox-head" });
  const reason = el("span", {
    className: `reason reason--${item.reason}`,
    text: named(REASONS, item.reason),
    attrs: { "data-testid": "inbox-reason" },
  });
  if (item.reason === "downvote") reason.prepend(thumbIcon(true)); // the 👎 the user pressed
  head.append(
    reason,
    el("time", {
      className: "inbox-when",
      text: when(item.created_at),
      attrs: { datetime: item.created_at },
    }),
  );
  if (item.status !== "new") head.append(el("span", { className: "inbox-status", text: statusName(item.status) }));
  const text = el("p", { className: "inbox-text", text: item.text, attrs: { "data-testid": "inbox-text" } });

  const facts = el("p", { className: "inbox-facts" });
  const answered = item.intent
    ? `ответ бота: ${item.intent_title ?? intentTitle(item.intent)} (${percent(item.confidence)})`
    : "";
  const guesses = (item.guesses ?? [])
    .slice(0, 3)
    .map((g) => `${g.title ?? intentTitle(g.intent)} ${percent(g.confidence)}`)
    .join(", ");
  facts.textContent = [answered, guesses && `догадки: ${guesses}`].filter(Boolean).join(" · ");

  row.append(head, text);
  if (facts.textContent) row.append(facts);
  row.append(actionsNode(item));
  return row;
}

/** Open the conversation, choose an intent and teach it, confirm the answer, dismiss. */
function actionsNode(item) {
  const actions = el("div", { className: "inbox-actions" });
  if (item.session_id) {
    actions.append(
      el("a", {
        className: "btn btn-link",
        text: "Открыть разговор",
        attrs: { href: `/operator#session=${encodeURIComponent(item.session_id)}`, "data-testid": "inbox-link" },
      }),
    );
  }
  const selectId = `teach-${item.id}`;
  const label = el("label", { className: "visually-hidden", text: "Намерение", attrs: { for: selectId } });
  const select = el("select", { className: "select", attrs: { id: selectId, "data-testid": "teach-intent" } });
  select.append(el("option", { text: "— намерение —", attrs: { value: "" } }));
  const preferred = bestIntent(item);
  for (const { id, title } of intents) {
    if (id === "fallback") continue;
    const option = el("option", { text: title, attrs: { value: id } });
    if (id === preferred) option.selected = true;
    select.append(option);
  }
  const teach = el("button", {
    className: "btn btn-primary btn-small",
    text: "Научить",
    attrs: { type: "button", "data-testid": "teach", "data-action": "teach" },
  });
  actions.append(label, select, teach);
  if (item.answer_id && item.intent && item.intent !== "fallback" && item.status !== "confirmed") {
    actions.append(
      el("button", {
        className: "btn btn-secondary btn-small",
        text: "Ответ верный",
        attrs: {
          type: "button",
          "data-testid": "inbox-confirm",
          "data-action": "confirm",
          title: `Бот ответил правильно: «${item.intent_title ?? intentTitle(item.intent)}»`,
        },
      }),
    );
  }
  actions.append(
    el("button", {
      className: "btn btn-ghost btn-small",
      text: "Почему?",
      attrs: {
        type: "button",
        "data-testid": "explain",
        "data-action": "explain",
        "aria-expanded": "false",
        title: "Как бот читает эту фразу сейчас: лучшие намерения и ближайшие примеры",
      },
    }),
  );
  if (item.status !== "dismissed") {
    actions.append(
      el("button", {
        className: "btn btn-secondary btn-small",
        text: "Отклонить",
        attrs: { type: "button", "data-testid": "dismiss", "data-action": "dismiss" },
      }),
    );
  }
  return actions;
}

/** Show the page at `offset`; true once it is shown (false: failed, or overtaken). */
export async function loadInbox() {
  const mine = ++seq;
  const status = dom.status.value;
  dom.list.setAttribute("aria-busy", "true");
  try {
    const items = (await api.misunderstood(status, { limit: PAGE + 1, offset })) ?? [];
    if (mine !== seq) return false;
    if (!items.length && offset > 0) {
      offset = Math.max(0, offset - PAGE);
      return await loadInbox();
    }
    dom.list.replaceChildren(...items.slice(0, PAGE).map(inboxNode));
    dom.empty.hidden = items.length > 0;
    dom.prev.disabled = offset === 0;
    dom.next.disabled = items.length <= PAGE;
    dom.page.textContent = `Страница ${offset / PAGE + 1}`;
    return true;
  } catch (error) {
    if (mine === seq) report(error, "inbox");
    return false;
  } finally {
    if (mine === seq) dom.list.setAttribute("aria-busy", "false");
  }
}

function removeItem(row) {
  const next = row.nextElementSibling ?? row.previousElementSibling;
  row.remove();
  next?.querySelector("select")?.focus();
  if (!dom.list.childElementCount) loadInbox();
}

/** The bot's current reading of the item's text: top intents, their nearest examples. */
function explanationNode(body) {
  const box = el("div", { className: "inbox-explain", attrs: { "data-testid": "inbox-explain" } });
  box.append(el("p", { className: "inbox-explain-title", text: "Сейчас бот читает эту фразу так:" }));
  const list = el("ul", { className: "inbox-explain-list" });
  for (const intent of body.explain?.intents ?? []) {
    const li = el("li");
    li.append(el("strong", { text: `${intent.title} — ${percent(intent.confidence)}` }));
    const examples = intent.examples.map((e) => `«${e.text}» (${percent(e.similarity)})`).join(", ");
    if (examples) li.append(el("span", { text: `: похожие примеры ${examples}` }));
    list.append(li);
  }
  if (!list.childElementCount) list.append(el("li", { text: "Ни одно намерение не подходит — бот ответит, что не понял." }));
  box.append(list);
  return box;
}

async function toggleExplanation(row, button) {
  const shown = row.querySelector(".inbox-explain");
  if (shown) {
    shown.remove();
    button.setAttribute("aria-expanded", "false");
    return;
  }
  const text = row.querySelector(".inbox-text").textContent;
  const body = await api.explain(text);
  row.querySelector(".inbox-actions").before(explanationNode(body));
  button.setAttribute("aria-expanded", "true");
}

dom.list.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-action]");
  if (!button) return;
  const row = button.closest("[data-item-id]");
  const id = row.dataset.itemId;
  setError(null);
  button.disabled = true;
  try {
    if (button.dataset.action === "explain") {
      await toggleExplanation(row, button);
      return;
    }
    if (button.dataset.action === "teach") {
      const intent = row.querySelector("select").value;
      if (!intent) {
        complain("Выберите намерение, которому научить бота.");
        row.querySelector("select").focus();
        return;
      }
      await api.teach(id, intent);
      notify(`Готово: бот теперь отвечает на эту фразу как на «${intentTitle(intent)}».`);
    } else if (button.dataset.action === "confirm") {
      await api.setInboxStatus(id, "confirmed");
      notify("Подтверждено: ответ бота верный.");
    } else {
      await api.setInboxStatus(id, "dismissed");
      notify("Отклонено.");
    }
    if (dom.status.value === "new" || button.dataset.action !== "teach") removeItem(row);
    else loadInbox();
  } catch (error) {
    report(error, button.dataset.action);
  } finally {
    button.disabled = false;
  }
});

dom.status.addEventListener("change", () => {
  offset = 0;
  loadInbox();
});
dom.refresh.addEventListener("click", loadInbox);
/** Another page: it is read from its top, so the view and the keyboard focus go to the
 * list's heading (the pager stays at the bottom of a long page), and the page is said. */
async function turnPage(by) {
  offset = Math.max(0, offset + by);
  if (!(await loadInbox())) return;
  dom.heading.scrollIntoView({ block: "start" });
  dom.heading.focus({ preventScroll: true });
  announce(dom.page.textContent);
}

dom.prev.addEventListener("click", () => turnPage(-PAGE));
dom.next.addEventListener("click", () => turnPage(PAGE));
