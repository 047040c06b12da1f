// Dates as the pages show them (Russian, the browser's time zone).

const timeFormat = new Intl.DateTimeFormat("ru-RU", { hour: "2-digit", minute: "2-digit" });
const dayFormat = new Intl.DateTimeFormat("ru-RU", { day: "numeric", month: "short" });
const fullFormat = new Intl.DateTimeFormat("ru-RU", { dateStyle: "long", timeStyle: "short" });

/** A Date from an API value, or null when it is missing or not a date. */
export function parseDate(value) {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "14:05". */
export const clockTime = (date) => timeFormat.format(date);

/** "5 марта 2025 г., 14:05". */
export const fullDate = (date) => fullFormat.format(date);

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** Short label for a list: the time today, otherwise the date. */
export function shortWhen(value) {
  const date = parseDate(value);
  if (!date) return "";
  return sameDay(date, new Date()) ? timeFormat.format(date) : dayFormat.format(date);
}
