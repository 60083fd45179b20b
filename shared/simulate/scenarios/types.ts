/**
 * What a scenario is: a named, parameterised injection (an attack or a benign look-alike)
 * that adds actors and time-boxed effects to the world and yields one ground-truth label.
 */
import type { AlertCategory, AlertEntity } from '../../events/types.ts';
import type { Calendar } from '../calendar.ts';
import type { Actor } from '../engine.ts';
import type { DetectorId } from '../label.ts';
import type { Rng } from '../rng.ts';
import type { Badge, Device, ModelSpec, Principal, Site, World, Zone } from '../world-types.ts';

export type ParamValue = string | number | boolean | string[];

/** A scenario to inject, as the library and `--set` accept it. */
export interface ScenarioRequest {
  name: string;
  /** RFC 3339, epoch ms, or an offset from the simulation start such as `+1d10h`. */
  start?: string | number;
  /** `90m`, `2h`, `1d` … or milliseconds. */
  duration?: string | number;
  /** Multiplier of the attack's rate or magnitude; 1 = the documented default. */
  intensity?: number;
  /** Entity id: a principal, model, device, zone (`site/zone`) or badge, per scenario. */
  target?: string;
  /** Scenario-specific parameters (see `--list`). */
  params?: Record<string, ParamValue>;
}

/** Thrown for an unknown scenario, target or parameter; the CLI reports it as usage error. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

export interface ScenarioContext {
  world: World;
  calendar: Calendar;
  rng: Rng;
  /** Simulation span; `endMs` is Infinity for the live feed. */
  startMs: number;
  endMs: number;
  /** Events carry `sim_scenario` when true. */
  tag: string;
}

export interface Target {
  entity: AlertEntity;
  tenant: string;
  /** Time zone used to place the scenario at night or in working hours. */
  utcOffsetH: number;
  principal?: Principal;
  model?: ModelSpec;
  device?: Device;
  site?: Site;
  zone?: Zone;
  badge?: Badge;
}

export interface Placement {
  start: number;
  end: number;
  intensity: number;
  params: Record<string, ParamValue>;
}

export interface ParamDoc {
  default: ParamValue;
  doc: string;
}

export interface ScenarioDef {
  name: string;
  category: AlertCategory;
  detectors: DetectorId[];
  benign?: boolean;
  summary: string;
  /** Default duration, ms. */
  durationMs: number;
  /** When a default start lands: local night (01–03 h), working hours, or anywhere. */
  timing: 'night' | 'work' | 'any';
  /** What `target` names and how the default is chosen. */
  targetDoc: string;
  params: Record<string, ParamDoc>;
  /** Resolves the target entity (`id` given, or a suitable one picked with `ctx.rng`). */
  target(ctx: ScenarioContext, id: string | undefined): Target;
  /** Adds effects to the world and returns the actors that emit the scenario's events. */
  build(ctx: ScenarioContext, t: Target, p: Placement): Actor[];
}
