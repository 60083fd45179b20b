/**
 * Event builders and an event-time clock for tests: every builder returns a valid event
 * of the contract, with overridable fields and ids and times from the clock.
 */
import type { AccessEvent, BadgeEvent, InferenceEvent, UpsEvent } from '../../shared/events/types.ts';

export class EventClock {
  private seq = 0;
  constructor(
    public nowMs = Date.parse('2026-03-02T09:00:00Z'),
    private readonly prefix = 'ev',
  ) {}

  advance(ms: number): this {
    this.nowMs += ms;
    return this;
  }

  nextId(): string {
    return `${this.prefix}-${++this.seq}`;
  }
}

export function accessEvent(clock: EventClock, fields: Partial<AccessEvent> = {}): AccessEvent {
  return {
    type: 'access',
    event_id: clock.nextId(),
    ts: clock.nowMs,
    tenant: 'acme',
    principal: 'svc-etl',
    principal_type: 'service',
    action: 'read',
    resource: 'acme/datasets/orders',
    resource_type: 'dataset',
    sensitivity: 'internal',
    resource_tenant: 'acme',
    bytes: 1024,
    outcome: 'allowed',
    ...fields,
  };
}

export function inferenceEvent(clock: EventClock, fields: Partial<InferenceEvent> = {}): InferenceEvent {
  return {
    type: 'inference',
    event_id: clock.nextId(),
    ts: clock.nowMs,
    tenant: 'acme',
    model_id: 'fraud-v2',
    principal: 'key-1',
    latency_ms: 20,
    status: 'ok',
    ...fields,
  };
}

export function upsEvent(clock: EventClock, fields: Partial<UpsEvent> = {}): UpsEvent {
  return {
    type: 'facility',
    event_id: clock.nextId(),
    ts: clock.nowMs,
    tenant: 'acme',
    site: 'fra1',
    zone: 'power-room',
    kind: 'ups',
    device_id: 'ups-1',
    metrics: { load_pct: 40, battery_pct: 100 },
    state: 'online',
    ...fields,
  };
}

export function badgeEvent(clock: EventClock, fields: Partial<BadgeEvent> = {}): BadgeEvent {
  return {
    type: 'facility',
    event_id: clock.nextId(),
    ts: clock.nowMs,
    tenant: 'acme',
    site: 'fra1',
    zone: 'power-room',
    kind: 'badge',
    badge_id: 'b-1',
    door_id: 'door-1',
    result: 'granted',
    ...fields,
  };
}
