// Numbers, shares, durations and days as the admin page writes them.

const number = new Intl.NumberFormat("ru-RU");
const oneDecimal = new Intl.NumberFormat("ru-RU", { maximumFractionDigits: 1 });

/** "1 234". */
export const count = (n) => number.format(n);

/** "4,5". */
export const decimal = (n) => oneDecimal.format(n);

/** 0.25 → "25%"; anything not a number → "—". */
export function percent(value) {
  return typeof value === "number" ? `${Math.round(value * 100)}%` : "—";
}

/** "45 с", "2,5 мин", "1,2 ч"; none → "—". */
export function formatSeconds(s) {
  if (s === null || s === undefined) return "—";
  if (s < 60) return `${Math.round(s)} с`;
  if (s < 3600) return `${oneDecimal.format(s / 60)} мин`;
  return `${oneDecimal.format(s / 3600)} ч`;
}

/** A date's UTC day as yyyy-mm-dd (the value of an <input type="date">). */
export function utcDay(date) {
  return date.toISOString().slice(0, 10);
}
