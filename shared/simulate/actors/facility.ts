/**
 * Facility telemetry: UPS and cooling devices on fixed cadences with a seasonal load
 * curve, and badge holders arriving, moving between zones and leaving. Scenario effects
 * on a device (silence, slow failure, bypass, maintenance) are read from its `effects`.
 */
import type { BadgeEvent, CoolingEvent, UpsEvent } from '../../events/types.ts';
import { DAY, HOUR, MINUTE, SECOND, localDay, localHour, localMidnight, type Calendar } from '../calendar.ts';
import { Actor, type Emitter } from '../engine.ts';
import { r2 } from '../events.ts';
import type { Rng } from '../rng.ts';
import type { Badge, Device, Site, Zone } from '../world-types.ts';

const BASE_LOAD: Readonly<Record<string, number>> = { hall: 55, power_room: 35, network_room: 40, cage: 50 };

function inWindow(ws: readonly { start: number; end: number }[], t: number): number {
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i];
    if (w !== undefined && t >= w.start && t < w.end) return i;
  }
  return -1;
}

export class DeviceActor extends Actor {
  private readonly baseLoad: number;
  /** Scenario tag of the event being built ('' for normal telemetry). */
  private curTag = '';

  constructor(
    private readonly d: Device,
    zone: Zone,
    private readonly site: Site,
    private readonly rng: Rng,
    private readonly cal: Calendar,
    private readonly tenant: string,
    private readonly startMs: number,
  ) {
    super();
    this.baseLoad = (BASE_LOAD[zone.kind] ?? 50) * rng.uniform(0.85, 1.15);
    // Devices boot at a random phase of their cadence, so they do not all report at once.
    this.next = startMs + rng.uniform(0, d.intervalMs);
  }

  /** IT load %, following the site's business day, growing 0.2 % a day (saturating at +15 %). */
  private load(t: number): number {
    const demand = this.cal.demand(t, this.site.utcOffsetH);
    const growth = 1 + Math.min(0.15, (0.002 * (t - this.startMs)) / DAY);
    return this.baseLoad * growth * (0.8 + 0.3 * demand) + 1.5 * this.rng.normal();
  }

  step(ctx: Emitter): void {
    const d = this.d;
    const t = this.next;
    this.next += d.intervalMs;
    const fx = d.effects;
    const si = fx.silent.length > 0 ? inWindow(fx.silent, t) : -1;
    if (si >= 0) return;
    const ts = Math.round(t + (d.jitterMs > 0 ? this.rng.uniform(-d.jitterMs, d.jitterMs) : 0));
    const load = this.load(t);
    this.curTag = '';
    const e = d.kind === 'ups' ? this.ups(ctx, ts, load) : this.cooling(ctx, ts, load);
    ctx.push(e, this.curTag);
  }

  private ups(ctx: Emitter, ts: number, load: number): UpsEvent {
    const { d, rng } = this;
    const fx = d.effects;
    const inV = 230 + 1.5 * rng.normal();
    let state: UpsEvent['state'] = 'online';
    let firmware = d.firmware;
    let configHash = d.configHash;
    let outV = 230 + 0.3 * rng.normal();
    for (const m of fx.maintenance) {
      if (ts >= m.start && ts < m.end) {
        state = 'maintenance';
        this.curTag = m.tag;
      }
      if (ts >= (m.start + m.end) / 2) {
        firmware = m.firmware;
        configHash = m.configHash;
      }
    }
    for (const c of fx.configChange) {
      if (ts >= c.at) {
        configHash = c.configHash;
        if (ts < c.tagUntil) this.curTag = c.tag;
      }
    }
    const bi = fx.bypass.length > 0 ? inWindow(fx.bypass, ts) : -1;
    if (bi >= 0) {
      state = 'bypass';
      outV = inV + 0.5 * rng.normal();
      this.curTag = fx.bypass[bi]?.tag ?? '';
    }
    return {
      type: 'facility',
      event_id: ctx.id(),
      ts,
      tenant: this.tenant,
      source: 'snmp-poller',
      site: d.site,
      zone: d.zone,
      kind: 'ups',
      device_id: d.id,
      metrics: {
        load_pct: r2(load),
        battery_pct: r2(Math.min(100, 99.5 + 0.3 * rng.normal())),
        input_v: r2(inV),
        output_v: r2(outV),
        freq_hz: r2(50 + 0.02 * rng.normal()),
        temp_c: r2(22 + 0.06 * load + 0.3 * rng.normal()),
        runtime_min: Math.round(1800 / Math.max(5, load)),
      },
      state,
      firmware,
      config_hash: configHash,
    };
  }

  private cooling(ctx: Emitter, ts: number, load: number): CoolingEvent {
    const { d, rng } = this;
    const fx = d.effects;
    let worse = 0;
    for (const w of fx.degrade) {
      if (ts >= w.start && ts < w.end) {
        worse = (ts - w.start) / (w.end - w.start);
        this.curTag = w.tag;
      }
    }
    const hour = localHour(ts, this.site.utcOffsetH);
    const supply = 18 + 0.3 * rng.normal() + 0.01 * (load - 50) + 6 * worse;
    return {
      type: 'facility',
      event_id: ctx.id(),
      ts,
      tenant: this.tenant,
      source: 'bms',
      site: d.site,
      zone: d.zone,
      kind: 'cooling',
      device_id: d.id,
      metrics: {
        supply_c: r2(supply),
        return_c: r2(supply + 6 + 0.08 * load + 0.4 * rng.normal() + 2 * worse),
        humidity_pct: r2(45 + 3 * Math.sin((hour / 24) * 2 * Math.PI) + rng.normal()),
        fan_rpm: Math.round(1100 + 8 * load + 20 * rng.normal() + 700 * worse),
        flow_lpm: r2(320 + 5 * rng.normal() - 140 * worse),
        setpoint_c: 18,
      },
      state: 'running',
    };
  }
}

/** A badge holder's day: in through the entrance, a few zone visits, out in the evening. */
export class BadgeActor extends Actor {
  private inside = false;
  private moves = 0;
  private leaveAt = 0;
  private readonly entrance: string;
  private readonly doors: Map<string, string>;

  constructor(
    private readonly b: Badge,
    private readonly site: Site,
    private readonly rng: Rng,
    private readonly cal: Calendar,
    private readonly tenant: string,
    startMs: number,
  ) {
    super();
    this.doors = new Map(site.zones.map((z) => [z.id, z.doors[0] ?? `${z.id}-door`]));
    this.entrance = site.zones[0]?.id ?? 'hall-1';
    this.next = this.nextArrival(startMs);
  }

  private nextArrival(after: number): number {
    const off = this.site.utcOffsetH;
    let day = localDay(after, off);
    for (let i = 0; i < 30; i++, day++) {
      if (day < this.b.activeFrom) continue;
      if (this.b.role !== 'security' && !this.cal.isWorkday(day)) continue;
      const t = localMidnight(day, off) + (this.b.startH + 0.3 * this.rng.normal()) * HOUR;
      if (t > after) return t;
    }
    return Infinity;
  }

  private event(
    ctx: Emitter,
    ts: number,
    zone: string,
    result: BadgeEvent['result'],
    dir: 'in' | 'out',
  ): BadgeEvent {
    return {
      type: 'facility',
      event_id: ctx.id(),
      ts,
      tenant: this.tenant,
      source: 'pacs',
      site: this.site.id,
      zone,
      kind: 'badge',
      badge_id: this.b.id,
      door_id: this.doors.get(zone) ?? `${zone}-door`,
      result,
      direction: dir,
      holder_role: this.b.role,
    };
  }

  step(ctx: Emitter): void {
    const { rng } = this;
    const ts = Math.round(this.next);
    if (!this.inside) {
      this.inside = true;
      this.moves = rng.int(4);
      this.leaveAt = this.next + (this.b.role === 'security' ? 12 : rng.uniform(7.5, 9.5)) * HOUR;
      ctx.push(this.event(ctx, ts, this.entrance, 'granted', 'in'), this.tag);
      this.next += rng.uniform(20 * MINUTE, 2 * HOUR);
      if (this.moves === 0) this.next = Math.max(this.next, this.leaveAt);
      return;
    }
    if (this.moves > 0 && this.next < this.leaveAt) {
      this.moves--;
      const zone = rng.pick(this.b.zones);
      // Now and then a mistyped PIN: one denial, then the retry that works.
      if (rng.chance(0.01)) {
        ctx.push(this.event(ctx, ts, zone, 'denied', 'in'), this.tag);
        this.moves++;
        this.next += rng.uniform(5 * SECOND, 30 * SECOND);
        return;
      }
      ctx.push(this.event(ctx, ts, zone, 'granted', 'in'), this.tag);
      this.next += rng.uniform(20 * MINUTE, 2 * HOUR);
      // Nothing left to do inside: wait for the end of the shift.
      if (this.moves === 0 || this.next >= this.leaveAt) this.next = Math.max(this.next, this.leaveAt);
      return;
    }
    this.inside = false;
    ctx.push(this.event(ctx, ts, this.entrance, 'granted', 'out'), this.tag);
    this.next = this.nextArrival(this.next + HOUR);
  }
}
