/**
 * physical.badge's travel part, on the facility stream re-keyed by badge: one badge
 * presented at two places faster than travel allows, and the finding that says so. The
 * statistic and state are described with the detector, in badge.ts.
 */
import type { BadgeEvent, FacilityEvent } from '../../../shared/events/types.ts';
import type { Detector, Finding } from '../../../shared/pipeline/detector.ts';
import type { DetectorEnvironment } from '../../../shared/pipeline/environment.ts';
import type { DetectorState, KeyedState } from '../../../shared/pipeline/keyed-state.ts';
import type { BadgeConfig } from './badge-config.ts';

const MINUTE = 60_000;

/** [ts, site, zone, event id] */
type Presentation = [number, string, string, string];

export class TravelDetector implements Detector<FacilityEvent> {
  private readonly travel: KeyedState<Presentation[]>;

  constructor(
    private readonly config: BadgeConfig,
    state: DetectorState,
    private readonly env: DetectorEnvironment,
  ) {
    this.travel = state.keyed('travel');
  }

  private minutesBetween(a: Presentation, b: { site: string; zone: string }): number | undefined {
    const declared = this.env.sites.travelMinutes({ site: a[1], zone: a[2] }, b);
    if (declared !== undefined) return declared;
    return a[1] !== b.site ? this.config.unknown_site_travel_minutes : undefined;
  }

  update(event: FacilityEvent): Finding | null {
    if (event.kind !== 'badge' || (event.result !== 'granted' && event.result !== 'denied')) return null;
    const history = this.travel.getOrCreate(event.badge_id, () => []);
    if (history.some((p) => p[3] === event.event_id)) return null;
    let worst: { p: Presentation; minutes: number; gap: number } | undefined;
    for (const p of history) {
      if (p[1] === event.site && p[2] === event.zone) continue;
      const minutes = this.minutesBetween(p, event);
      if (minutes === undefined || minutes <= 0) continue;
      const gap = Math.abs(event.ts - p[0]) / MINUTE;
      if (gap >= minutes) continue;
      if (worst === undefined || gap / minutes < worst.gap / worst.minutes) worst = { p, minutes, gap };
    }
    const entry: Presentation = [event.ts, event.site, event.zone, event.event_id];
    let i = history.length;
    while (i > 0 && (history[i - 1]?.[0] ?? 0) > event.ts) i--;
    history.splice(i, 0, entry);
    // Keep the newest presentations; older ones are outside any plausible travel time.
    while (history.length > this.config.travel_history) history.shift();
    return worst === undefined ? null : this.finding(event, worst);
  }

  private finding(event: BadgeEvent, w: { p: Presentation; minutes: number; gap: number }): Finding {
    const [ts, site, zone, id] = w.p;
    const [first, second] =
      ts <= event.ts
        ? [`${site}/${zone}`, `${event.site}/${event.zone}`]
        : [`${event.site}/${event.zone}`, `${site}/${zone}`];
    const at = Math.max(ts, event.ts);
    return {
      entity: { type: 'badge', id: event.badge_id },
      severity: 'high',
      score: Math.min(95, 70 + 25 * (1 - w.gap / w.minutes)),
      title: `Badge ${event.badge_id} at ${first} and ${second} ${w.gap.toFixed(1)} min apart`,
      description:
        `Badge ${event.badge_id} was presented at ${first} and then at ${second} ${w.gap.toFixed(1)} min later, ` +
        `against a least travel time of ${Math.round(w.minutes)} min: a cloned or shared badge.`,
      explanation: {
        statistic: 'time between presentations at two places vs least travel time',
        observed: Math.round(w.gap * 10) / 10,
        expected: Math.round(w.minutes * 10) / 10,
        threshold: Math.round(w.minutes * 10) / 10,
        window: `last ${this.config.travel_history} presentations of the badge`,
        unit: 'minutes',
        kind: 'impossible_travel',
        from: first,
        to: second,
        badge: event.badge_id,
        role: event.holder_role ?? 'unknown',
        site: event.site,
        zone: event.zone,
      },
      techniques: ['T0859'],
      episodeKey: 'travel',
      at,
      sampleEventIds: ts <= event.ts ? [id, event.event_id] : [event.event_id, id],
    };
  }
}
