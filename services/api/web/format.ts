/** Formatting shared by the views. Times are shown in UTC, as the alerts record them. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const CATEGORIES = [
  'drift',
  'extraction',
  'abuse',
  'exfiltration',
  'access',
  'facility',
  'physical',
  'cyber_physical',
] as const;
export const STATUSES = ['open', 'acknowledged', 'assigned', 'resolved', 'false_positive'] as const;

export function time(iso: string | number): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toISOString().replace('T', ' ').slice(0, 19);
}

export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

export function ago(iso: string, now = Date.now()): string {
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(s)) return '';
  if (s < 90) return `${Math.max(s, 0)} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 129_600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1e9) return `${(x / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${(x / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(x / 1e3).toFixed(1)}k`;
  if (a >= 100) return x.toFixed(0);
  if (a >= 1) return x.toFixed(2).replace(/\.?0+$/, '');
  return x === 0 ? '0' : String(Number(x.toPrecision(2)));
}

export const label = (s: string): string => s.replace(/_/g, ' ');

export function value(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return num(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) return v.map((x) => value(x)).join(', ');
  return JSON.stringify(v);
}
