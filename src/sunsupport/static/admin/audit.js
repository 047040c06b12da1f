// The «Журнал» tab: the staff audit log, newest first, older entries on demand.

import { api } from "/static/common/api.js";
import { fullDate, parseDate } from "/static/common/dates.js";
import { $, el } from "/static/common/ui.js";
import { report } from "/static/admin/report.js";

const PAGE = 50;

const ACTIONS = {
  "user.role_changed": "Смена роли",
  "user.staff_created": "Новый сотрудник",
  "user.display_name_changed": "Имя сотрудника",
  "user.deleted": "Аккаунт удалён",
  "kb.example_taught": "Бот обучен",
  "inbox.status_changed": "Разбор «Не понял»",
  "kb.reloaded": "База знаний перечитана",
  "canned.created": "Шаблон добавлен",
  "canned.updated": "Шаблон изменён",
  "canned.deleted": "Шаблон удалён",
  "retention.purged": "Очистка по сроку хранения",
  "retention.visitors_forgotten": "Удалены неактивные гости",
};

const DETAILS = {
  role: "роль",
  before: "было",
  after: "стало",
  username: "имя",
  intent: "намерение",
  source: "откуда",
  shortcut: "шаблон",
  intents: "намерений",
  via: "способ",
  days: "дней",
  conversations: "чатов",
  messages: "сообщений",
  inbox_items: "записей «Не понял»",
  trigger: "запуск",
  accounts: "аккаунтов",
};

const dom = {
  table: $("audit-table"),
  rows: $("audit-rows"),
  empty: $("audit-empty"),
  more: $("audit-more"),
  refresh: $("audit-refresh"),
};
let oldestId = null;

function detailText(detail) {
  return Object.entries(detail ?? {})
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => `${DETAILS[key] ?? key}: ${value}`)
    .join(", ");
}

function row(entry) {
  const tr = el("tr", { attrs: { "data-testid": "audit-row", "data-id": String(entry.id) } });
  const at = parseDate(entry.at);
  tr.append(
    el("td", { text: at ? fullDate(at) : "" }),
    el("td", { text: entry.actor ?? "система" }),
    el("td", { text: ACTIONS[entry.action] ?? entry.action, attrs: { title: entry.action } }),
    el("td", { text: entry.target ?? "" }),
    el("td", { text: detailText(entry.detail) }),
  );
  return tr;
}

async function loadPage(beforeId) {
  dom.table.setAttribute("aria-busy", "true");
  try {
    const entries = (await api.audit({ limit: PAGE, beforeId })) ?? [];
    if (!beforeId) dom.rows.replaceChildren();
    dom.rows.append(...entries.map(row));
    if (entries.length) oldestId = entries[entries.length - 1].id;
    dom.more.hidden = entries.length < PAGE;
    dom.empty.hidden = dom.rows.childElementCount > 0;
  } catch (error) {
    report(error, "audit");
  } finally {
    dom.table.setAttribute("aria-busy", "false");
  }
}

/** The newest entries (the tab is shown, or "Обновить"). */
export function loadAudit() {
  oldestId = null;
  return loadPage(null);
}

export function clearAudit() {
  dom.rows.replaceChildren();
  dom.more.hidden = true;
  oldestId = null;
}

dom.more.addEventListener("click", () => loadPage(oldestId));
dom.refresh.addEventListener("click", loadAudit);
