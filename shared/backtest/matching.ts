/**
 * Scores alerts against ground truth (the simulator's labels, or triage feedback). An
 * alert is a true detection of a label when the label expects its detector, names its
 * entity (or the zone of the device, by the simulator's naming `ups-<site>-<zone>-n`), and
 * the alert begins inside the label's window (plus `graceMs` after it). Everything else is
 * a false alert. Shared by `vigil backtest` and the detection tests (test/harness).
 *
 * With `ongoing`, an alert that began before the window but was updated inside it (its
 * episode spans into the window) also detects the label: scenarios may hit one entity
 * back to back (a principal probed, then harvested; a model whose inputs drift, then its
 * outputs), and a persisting anomaly updates its alert rather than raising a new one.
 * Such detections have delay 0 and `ongoing: true`.
 */
import type { Alert } from '../events/types.ts';
import type { Label } from '../simulate/label.ts';

/** Alerts may begin this long after a label's window and still detect it. */
export const DEFAULT_GRACE_MS = 2 * 3_600_000;

export interface GroundTruthScore {
  /** Attack labels that name at least one of the detectors under test. */
  attacks: Array<{ label: Label; detected: boolean; delayMs: number | undefined; ongoing?: boolean }>;
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

/** An alert of the label's detector and entity that began before its window and was updated inside it. */
function spansInto(alert: Alert, label: Label, graceMs: number): boolean {
  const first = Date.parse(alert.first_seen);
  return (
    (label.detectors as readonly string[]).includes(alert.detector) &&
    sameEntity(alert, label) &&
    first < Date.parse(label.start) &&
    Date.parse(alert.last_seen) >= Date.parse(label.start) &&
    first <= Date.parse(label.end) + graceMs
  );
}

export function scoreAgainstLabels(
  alerts: readonly Alert[],
  labels: readonly Label[],
  detectorIds: ReadonlySet<string>,
  graceMs = DEFAULT_GRACE_MS,
  options: { ongoing?: boolean } = {},
): GroundTruthScore {
  const attacks = labels
    .filter((l) => l.benign !== true && l.detectors.some((d) => detectorIds.has(d)))
    .map((label) => {
      const hits = alerts.filter((a) => detects(a, label, graceMs));
      if (hits.length === 0 && options.ongoing === true && alerts.some((a) => spansInto(a, label, graceMs)))
        return { label, detected: true, delayMs: 0, ongoing: true };
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
