// The «Журнал» tab: the staff audit log, newest first, older entries on demand.

import { api } from "/static/common/api.js";
import { fullDate, parseDate } from "/static/common/dates.js";
import { $, el } from "/static/common/ui.js";
import { intentTitle, named, roleName, statusName, targetName } from "/static/admin/names.js";
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
  username: "логин",
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

/** How a purge or a deletion was started (`trigger`, `via`). */
const HOW = { cli: "командой sunsupport", schedule: "по расписанию", self: "сам владелец" };

/** The column headers, repeated in each cell for the phone's stacked rows. */
const COLUMNS = ["Когда", "Кто", "Действие", "Объект", "Подробности"];

const dom = {
  table: $("audit-table"),
  rows: $("audit-rows"),
  empty: $("audit-empty"),
  more: $("audit-more"),
  refresh: $("audit-refresh"),
};
let oldestId = null;

/** A detail's value in Russian; `action` says what "before" and "after" hold. */
function detailValue(action, key, value) {
  if (key === "role") return roleName(value);
  if (key === "before" || key === "after") {
    if (action === "user.role_changed") return roleName(value);
    if (action === "inbox.status_changed") return statusName(value);
  }
  if (key === "intent") return `«${intentTitle(value)}»`;
  if (key === "source") return targetName(value);
  if (key === "via" || key === "trigger") return named(HOW, value);
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function detailText(action, detail) {
  return Object.entries(detail ?? {})
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => `${named(DETAILS, key)}: ${detailValue(action, key, value)}`)
    .join(", ");
}

/** Who acted: a username; "user:5" once that account is deleted; nobody: the system. */
function actorName(actor) {
  if (actor === null || actor === undefined) return "система";
  const deleted = /^user:(\d+)$/.exec(actor);
  return deleted ? `удалённый аккаунт №${deleted[1]}` : actor;
}

function cell(column, text, attrs = {}) {
  const td = el("td", { attrs });
  // Shown only on a phone, where the rows stack into cards and the header row is hidden.
  td.append(el("span", { className: "audit-label", text: COLUMNS[column] }), el("span", { text }));
  return td;
}

function row(entry) {
  const tr = el("tr", { attrs: { "data-testid": "audit-row", "data-id": String(entry.id) } });
  const at = parseDate(entry.at);
  tr.append(
    cell(0, at ? fullDate(at) : ""),
    cell(1, actorName(entry.actor), { class: "audit-actor" }),
    cell(2, named(ACTIONS, entry.action)),
    cell(3, entry.target === null || entry.target === undefined ? "" : targetName(entry.target)),
    cell(4, detailText(entry.action, entry.detail)),
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
