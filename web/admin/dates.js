// Times from the admin API are Unix milliseconds; shown in the merchant's own locale and zone.
import { h } from '../tiercart-util.js';

const format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDate(milliseconds) {
  const date = new Date(Number(milliseconds));
  return Number.isNaN(date.getTime()) ? '' : format.format(date);
}

// <time datetime="ISO">formatted</time>; an empty span for a time that cannot be read.
export function timeElement(milliseconds) {
  const date = new Date(Number(milliseconds));
  if (Number.isNaN(date.getTime())) return h('span');
  return h('time', { datetime: date.toISOString() }, format.format(date));
}
