// Number, size, rate and time formatting for tables, axes and legends.

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function bytes(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  let i = 0;
  let x = Math.abs(v);
  while (x >= 1024 && i < BYTE_UNITS.length - 1) { x /= 1024; i++; }
  const digits = i === 0 ? 0 : x >= 100 ? 0 : 1;
  return (v < 0 ? '-' : '') + x.toFixed(digits) + ' ' + BYTE_UNITS[i];
}

export function count(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return Math.abs(v) >= 10000 ? Math.round(v).toLocaleString('en') : String(Math.round(v * 10) / 10);
}

/** A growth rate: slopePerHour in the given unit (bytes or a count). */
export function rate(slopePerHour, unit) {
  if (slopePerHour === null || slopePerHour === undefined || !Number.isFinite(slopePerHour)) return '–';
  const sign = slopePerHour > 0 ? '+' : '';
  return sign + (unit === 'bytes' || unit === 'By' ? bytes(slopePerHour) : count(slopePerHour) + (unit ? ' ' + unit : '')) + '/h';
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return s + ' s';
  if (s < 7200) return Math.round(s / 60) + ' min';
  if (s < 172800) return (Math.round(s / 360) / 10) + ' h';
  return (Math.round(s / 8640) / 10) + ' d';
}

export function ago(iso, now = Date.now()) {
  const t = typeof iso === 'number' ? iso : Date.parse(iso);
  if (!Number.isFinite(t)) return '–';
  return duration((now - t) / 1000) + ' ago';
}

export function dateTime(msOrIso) {
  const t = typeof msOrIso === 'number' ? msOrIso : Date.parse(msOrIso);
  if (!Number.isFinite(t)) return '–';
  return new Date(t).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}
