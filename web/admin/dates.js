// Times from the admin API are Unix milliseconds; shown in the merchant's own locale and zone.
const format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function timeElement(h, milliseconds) {
  const date = new Date(Number(milliseconds));
  if (Number.isNaN(date.getTime())) return h('span', {}, '');
  return h('time', { datetime: date.toISOString() }, format.format(date));
}

export function formatDate(milliseconds) {
  const date = new Date(Number(milliseconds));
  return Number.isNaN(date.getTime()) ? '' : format.format(date);
}
