/**
 * facility.state — a UPS or cooling unit changes state, firmware or configuration:
 * UPS `on_battery`, `bypass`, `fault` or `maintenance`; cooling `fault`; a new `firmware`
 * or `config_hash`. Each is weighed against the zone's maintenance windows (the calendars
 * named in `sites.<site>.zones.<zone>.maintenance`): inside a declared window the finding
 * is `info` (below the default `min_severity`, so planned work raises no alert), outside
 * it `high` (`medium` for a UPS put in maintenance mode).
 *
 * Statistic: none; these are rules on reported state — a UPS on battery or in bypass, or
 * firmware that changed, is never normal noise. A device's first report only sets its
 * baseline (firmware, config hash, state); abnormal states raise a finding on every report
 * while they last, so one alert per episode grows its event count.
 * State: one keyed value per device (`devices`, ≈ 70 bytes as JSON); it is written only
 * when something changed (and once a day, to keep its idle time to live fresh).
 * Cost per event: a map read and three string comparisons.
 */
import { z } from 'zod';
import type { CoolingEvent, FacilityEvent, Severity, UpsEvent } from '../../../shared/events/types.ts';
import {
  defineDetector,
  type Detector,
  type DetectorContext,
  type Finding,
} from '../../../shared/pipeline/detector.ts';
import type { DetectorEnvironment } from '../../../shared/pipeline/environment.ts';
import type { DetectorState, KeyedState } from '../../../shared/pipeline/keyed-state.ts';
import { maintenanceWindow, zoneCache, type ZoneCache } from './zones.ts';

interface DeviceState {
  /** Last reported state ('' before the first). */
  s: string;
  /** Firmware and config hash last reported. */
  fw?: string;
  ch?: string;
  /** Event-time day (epoch days) the value was last written. */
  d: number;
}

interface StateConfig {
  abnormal_ups_states: string[];
  abnormal_cooling_states: string[];
  watch_firmware: boolean;
  watch_config_hash: boolean;
}

const DAY_MS = 86_400_000;

/** ATT&CK for ICS: Loss of Availability, Loss of Protection, Modify Parameter, System Firmware. */
const TECHNIQUES: Readonly<Record<string, readonly string[]>> = {
  on_battery: ['T0826'],
  fault: ['T0826'],
  bypass: ['T0837'],
  maintenance: ['T0813'],
  config_hash: ['T0836'],
  firmware: ['T0857'],
};

const STATE_WORDS: Readonly<Record<string, string>> = {
  on_battery: 'running on battery',
  bypass: 'in bypass (load unprotected)',
  fault: 'reporting a fault',
  maintenance: 'in maintenance mode',
  standby: 'in standby',
};

class StateDetector implements Detector<FacilityEvent> {
  private readonly devices: KeyedState<DeviceState>;
  private readonly abnormalUps: ReadonlySet<string>;
  private readonly abnormalCooling: ReadonlySet<string>;
  private readonly zones: ZoneCache;

  constructor(
    private readonly config: StateConfig,
    state: DetectorState,
    private readonly env: DetectorEnvironment,
  ) {
    this.devices = state.keyed('devices');
    this.abnormalUps = new Set(config.abnormal_ups_states);
    this.abnormalCooling = new Set(config.abnormal_cooling_states);
    this.zones = zoneCache(env);
  }

  update(event: FacilityEvent, ctx: DetectorContext): Finding | null {
    if (event.kind === 'badge') return null;
    const day = Math.floor(event.ts / DAY_MS);
    const known = this.devices.peek(event.device_id);
    const state = event.state ?? '';
    const firmware = event.kind === 'ups' ? event.firmware : undefined;
    const configHash = event.kind === 'ups' ? event.config_hash : undefined;
    if (known === undefined) {
      const first: DeviceState = { s: state, d: day };
      if (firmware !== undefined) first.fw = firmware;
      if (configHash !== undefined) first.ch = configHash;
      this.devices.put(event.device_id, first);
      // A device first seen in an abnormal state is still worth a look.
      return this.abnormal(event, state) ? this.stateFinding(event, state, '') : null;
    }
    // Read before the update below: `known` is the stored value itself.
    const beforeS = known.s;
    const beforeFw = known.fw;
    const beforeCh = known.ch;
    const fwChanged = this.config.watch_firmware && firmware !== undefined && firmware !== beforeFw;
    const chChanged = this.config.watch_config_hash && configHash !== undefined && configHash !== beforeCh;
    const sChanged = state !== '' && state !== beforeS;
    if (fwChanged || chChanged || sChanged || known.d !== day) {
      const d = this.devices.get(event.device_id)!;
      d.d = day;
      if (firmware !== undefined) d.fw = firmware;
      if (configHash !== undefined) d.ch = configHash;
      if (state !== '') d.s = state;
    }
    // Nearly every report is a normal one: it allocates nothing.
    let out: Finding | null = null;
    if (this.abnormal(event, state)) out = this.stateFinding(event, state, beforeS);
    if (fwChanged)
      out = first(out, this.changeFinding(event as UpsEvent, 'firmware', beforeFw, firmware!), ctx);
    if (chChanged)
      out = first(out, this.changeFinding(event as UpsEvent, 'config_hash', beforeCh, configHash!), ctx);
    return out;
  }

  private abnormal(event: UpsEvent | CoolingEvent, state: string): boolean {
    if (state === '') return false;
    return event.kind === 'ups' ? this.abnormalUps.has(state) : this.abnormalCooling.has(state);
  }

  private stateFinding(event: UpsEvent | CoolingEvent, state: string, previous: string): Finding {
    const window = maintenanceWindow(this.zones, this.env, event);
    const severity: Severity = window.inside ? 'info' : state === 'maintenance' ? 'medium' : 'high';
    const what = event.kind === 'ups' ? 'UPS' : 'Cooling unit';
    const words = STATE_WORDS[state] ?? `in state ${state}`;
    const since = previous === '' || previous === state ? '' : ` (was ${previous})`;
    return {
      entity: { type: 'device', id: event.device_id },
      severity,
      score: window.inside ? 10 : severity === 'high' ? 85 : 60,
      title: `${what} ${event.device_id} ${words}`,
      description:
        `${what} ${event.device_id} in ${event.site}/${event.zone} reports state "${state}"${since}, ` +
        `expected its normal state; ${window.sentence}.`,
      explanation: {
        statistic: 'device state rule',
        observed: state,
        expected: event.kind === 'ups' ? 'online' : 'running',
        threshold: `state in {${[...(event.kind === 'ups' ? this.abnormalUps : this.abnormalCooling)].join(', ')}}`,
        window: 'per report',
        previous_state: previous || null,
        site: event.site,
        zone: event.zone,
        device: event.device_id,
        maintenance_window: window.inside,
        maintenance_calendars: window.calendars,
      },
      techniques: TECHNIQUES[state] ?? [],
      episodeKey: `state:${state}`,
    };
  }

  private changeFinding(
    event: UpsEvent,
    field: 'firmware' | 'config_hash',
    previous: string | undefined,
    now: string,
  ): Finding {
    const window = maintenanceWindow(this.zones, this.env, event);
    const label = field === 'firmware' ? 'firmware' : 'configuration';
    return {
      entity: { type: 'device', id: event.device_id },
      severity: window.inside ? 'info' : 'high',
      score: window.inside ? 10 : 85,
      title: `UPS ${event.device_id} ${label} changed${window.inside ? ' in a maintenance window' : ''}`,
      description:
        `UPS ${event.device_id} in ${event.site}/${event.zone} reports ${field} "${now}", ` +
        `expected "${previous ?? 'unknown'}" as before; ${window.sentence}.`,
      explanation: {
        statistic: `${field} change rule`,
        observed: now,
        expected: previous ?? 'unknown',
        threshold: 'any change outside a declared maintenance window',
        window: 'per report',
        site: event.site,
        zone: event.zone,
        device: event.device_id,
        maintenance_window: window.inside,
        maintenance_calendars: window.calendars,
      },
      techniques: TECHNIQUES[field] ?? [],
      episodeKey: field,
    };
  }
}

/** The event's first finding is returned; the others are emitted, in order. */
function first(out: Finding | null, f: Finding, ctx: DetectorContext): Finding {
  if (out === null) return f;
  ctx.emit(f);
  return out;
}

/** One config object for the detector's keys (documented in README "facility.state"). */
export const facilityStateConfig = {
  min_severity: z
    .enum(['info', 'low', 'medium', 'high', 'critical'])
    .default('low')
    .describe(
      'Findings below this severity are dropped. Changes inside a maintenance window are info, so by default they raise no alert; set info to keep them as an audit trail.',
    ),
  abnormal_ups_states: z
    .array(z.enum(['on_battery', 'bypass', 'fault', 'maintenance']))
    .default(['on_battery', 'bypass', 'fault', 'maintenance'])
    .describe('UPS states that raise a finding on every report while they last.'),
  abnormal_cooling_states: z
    .array(z.enum(['fault', 'standby']))
    .default(['fault'])
    .describe('Cooling states that raise a finding on every report while they last.'),
  watch_firmware: z.boolean().default(true).describe('Raise a finding when a UPS reports new firmware.'),
  watch_config_hash: z
    .boolean()
    .default(true)
    .describe('Raise a finding when a UPS reports a new configuration hash.'),
};

export const facilityState = defineDetector({
  id: 'facility.state',
  eventType: 'facility',
  category: 'facility',
  description:
    'UPS on battery / bypass / fault, cooling fault, firmware or config change — high outside a maintenance window, info inside.',
  config: facilityStateConfig,
  create: (config, state, env) => new StateDetector(config, state, env),
});
