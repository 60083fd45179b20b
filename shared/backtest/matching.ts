/**
 * Scores alerts against ground truth (the simulator's labels, or triage feedback). An
 * alert is a true detection of a label when the label expects its detector, names its
 * entity (or the zone of the device, by the simulator's naming `ups-<site>-<zone>-n`), and
 * the alert begins inside the label's window (plus `graceMs` after it). Everything else is
 * a false alert. Shared by `vigil backtest` and the detection tests (test/harness).
 */
import type { Alert } from '../events/types.ts';
import type { Label } from '../simulate/label.ts';

/** Alerts may begin this long after a label's window and still detect it. */
export const DEFAULT_GRACE_MS = 2 * 3_600_000;

export interface GroundTruthScore {
  /** Attack labels that name at least one of the detectors under test. */
  attacks: Array<{ label: Label; detected: boolean; delayMs: number | undefined }>;
  /** Alerts of a benign look-alike's listed detectors on its entity, in its window. */
  benignHits: Alert[];
  falseAlerts: Alert[];
  alerts: Alert[];
}

export function sameEntity(alert: Alert, label: Label): boolean {
  if (alert.entity.id === label.entity.id) return true;
  return (
    label.entity.type === 'zone' &&
    alert.entity.type === 'device' &&
    alert.entity.id.includes(label.entity.id.replace('/', '-'))
  );
}

export function inWindow(alert: Alert, label: Label, graceMs: number): boolean {
  const t = Date.parse(alert.first_seen);
  return t >= Date.parse(label.start) && t <= Date.parse(label.end) + graceMs;
}

/** The label expects this alert's detector, on its entity, in its window. */
export function detects(alert: Alert, label: Label, graceMs: number): boolean {
  return (
    (label.detectors as readonly string[]).includes(alert.detector) &&
    sameEntity(alert, label) &&
    inWindow(alert, label, graceMs)
  );
}

export function scoreAgainstLabels(
  alerts: readonly Alert[],
  labels: readonly Label[],
  detectorIds: ReadonlySet<string>,
  graceMs = DEFAULT_GRACE_MS,
): GroundTruthScore {
  const attacks = labels
    .filter((l) => l.benign !== true && l.detectors.some((d) => detectorIds.has(d)))
    .map((label) => {
      const hits = alerts.filter((a) => detects(a, label, graceMs));
      const first = Math.min(...hits.map((a) => Date.parse(a.first_seen)));
      return {
        label,
        detected: hits.length > 0,
        delayMs: hits.length > 0 ? first - Date.parse(label.start) : undefined,
      };
    });
  const benignHits = alerts.filter((a) => labels.some((l) => l.benign === true && detects(a, l, 0)));
  const falseAlerts = alerts.filter(
    (a) => !labels.some((l) => l.benign !== true && sameEntity(a, l) && inWindow(a, l, graceMs)),
  );
  return { attacks, benignHits, falseAlerts, alerts: [...alerts] };
}
