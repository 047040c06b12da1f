// Russian names for the values the admin API speaks in: roles, inbox statuses, intents and
// the objects the audit log points at ("user:2", "inbox:6"). A value without a name is
// shown as it is: never an exception, never an empty cell.

/** Account roles as the staff tab and the consoles name them. */
const ROLES = { user: "клиент", visitor: "гость", operator: "оператор", admin: "администратор" };

/** Inbox statuses as the «Не понял» tab names them (its filter says the plural). */
const STATUSES = { new: "новое", resolved: "разобрано", dismissed: "отклонено", confirmed: "подтверждено" };

/** What an audit target's kind is called: «аккаунт №2», «шаблон №1». */
const TARGETS = {
  user: "аккаунт",
  inbox: "запись «Не понял»",
  canned: "шаблон",
  example: "пример",
};

const intentTitles = new Map(); // intent id → Russian title (GET /admin/intents)

/** `table`'s name for `value` (own keys only: "constructor" is no role), else the value. */
export function named(table, value) {
  return Object.hasOwn(table, value) ? table[value] : String(value);
}

export const roleName = (role) => named(ROLES, role);

export const statusName = (status) => named(STATUSES, status);

/** Remember the knowledge base's intents: `[{id, title}]`. */
export function setIntents(intents) {
  intentTitles.clear();
  for (const { id, title } of intents) intentTitles.set(id, title || id);
}

/** An intent's title, or its id when the knowledge base no longer has it. */
export const intentTitle = (intent) => intentTitles.get(intent) ?? String(intent);

/** "user:2" → «аккаунт №2»; anything else of another shape stays as it is. */
export function targetName(target) {
  const match = /^([a-z_]+):(\d+)$/.exec(String(target));
  if (!match || !Object.hasOwn(TARGETS, match[1])) return String(target);
  return `${TARGETS[match[1]]} №${match[2]}`;
}
