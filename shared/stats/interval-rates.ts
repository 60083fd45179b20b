/**
 * The univariate detector's learning rates for a sampling interval, remembered for the
 * last inputs. Each costs a `Math.pow`, and a device's metrics (facility.metric) ask for
 * the same ones in turn: they share the device's timestamps, so the same interval and,
 * while they have seen the same timestamps, the same typical interval. The result
 * depends only on the inputs, so a remembered one is the same bits.
 */
import { alphaForInterval } from './ewma.ts';

/** Per-period learning rate of the seasonal profiles (half-life ≈ 4 periods). */
export const SEASON_RATE = 0.15;

/** Last inputs and result of each rate (one slot per use: they alternate). */
class Memo {
  a = Number.NaN;
  b = Number.NaN;
  value = 0;
}

const slow = new Memo();
const day = new Memo();
const week = new Memo();

/** `alphaForInterval(dt, halfLife)`: the slow level's time-based rate. */
export function slowRate(dt: number, halfLife: number): number {
  const m = slow;
  if (dt !== m.a || halfLife !== m.b) {
    m.a = dt;
    m.b = halfLife;
    m.value = alphaForInterval(dt, halfLife);
  }
  return m.value;
}

/** Per-sample rate at which a daily-profile bin of `binMs` forgets SEASON_RATE per period. */
export function dayRate(typical: number, binMs: number): number {
  return remembered(day, typical, binMs);
}

/** The same for a bin of the week profile. */
export function weekRate(typical: number, binMs: number): number {
  return remembered(week, typical, binMs);
}

function remembered(m: Memo, typical: number, binMs: number): number {
  if (typical !== m.a || binMs !== m.b) {
    m.a = typical;
    m.b = binMs;
    m.value = perSampleRate(typical, binMs);
  }
  return m.value;
}

/** Per-sample rate at which a bin of `binMs` forgets SEASON_RATE per period. */
function perSampleRate(typical: number, binMs: number): number {
  return 1 - Math.pow(1 - SEASON_RATE, typical > 0 ? Math.min(1, typical / binMs) : 1);
}
