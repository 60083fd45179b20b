/**
 * inference.behavior's tools and destinations: each tool and each destination an agent
 * calls is remembered per principal × model (and each destination per model) for 30
 * days, at most `max_known_tools` of them (the stalest forgotten); after the learning
 * period a first-seen one is a finding, rated by whether the destination is external
 * (not under `internal_domains`, not a private address, not a bare resource path) and
 * whether any agent on the model has used it.
 */
import type { InferenceEvent } from '../../../shared/events/types.ts';
import type { Finding } from '../../../shared/pipeline/detector.ts';
import { propertyName, toolId } from '../property-keys.ts';
import type { BehaviorConfig } from './behavior-config.ts';
import { toolFinding } from './behavior-finding.ts';
import {
  own,
  P_TOOL_CALLS,
  P_TOOLS_SINCE,
  type ModelBehavior,
  type PrincipalBehavior,
} from './behavior-state.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const TOOL_TTL_MS = 30 * DAY_MS;

/**
 * Findings on first-seen tools and destinations, or null (no array for a quiet call);
 * `internal` is `internal_domains` in lower case without a leading dot.
 */
export function toolFindings(
  cfg: BehaviorConfig,
  internal: readonly string[],
  p: PrincipalBehavior,
  m: ModelBehavior,
  event: InferenceEvent,
): Finding[] | null {
  const t = event.ts;
  if (p.f[P_TOOL_CALLS] === 0) p.f[P_TOOLS_SINCE] = t;
  const learning =
    t - (p.f[P_TOOLS_SINCE] as number) < cfg.tool_learning_hours * HOUR_MS ||
    (p.f[P_TOOL_CALLS] as number) < cfg.tool_learning_calls;
  let out: Finding[] | null = null;
  for (const call of event.tool_calls ?? []) {
    p.f[P_TOOL_CALLS] = (p.f[P_TOOL_CALLS] as number) + 1;
    // The tool, then its destination if any (no array per call).
    for (let item = 0; item < (call.destination === undefined ? 1 : 2); item++) {
      const what = item === 0 ? 'tool' : 'destination';
      const value = item === 0 ? call.tool : (call.destination as string);
      const id = toolId(what, value);
      const seen = own(p.known, id);
      const fresh = seen === undefined || t - seen > TOOL_TTL_MS;
      remember(p.known, id, t, cfg.max_known_tools);
      let peerNew = false;
      if (what === 'destination') {
        const name = propertyName(value);
        const d = own(m.destinations, name);
        peerNew = d === undefined || t - d > TOOL_TTL_MS;
        remember(m.destinations, name, t, 256);
      }
      if (!fresh || learning) continue;
      const external = what === 'destination' && isExternalDestination(value, internal);
      (out ??= []).push(toolFinding(cfg, p, event, call, what, value, external, peerNew));
    }
  }
  return out;
}

/**
 * External: a host not under an internal domain and not a private address; bare resource
 * paths are internal. `internal`: the internal domains, lower case, without a leading dot.
 */
export function isExternalDestination(destination: string, internal: readonly string[]): boolean {
  const d = destination.trim().toLowerCase();
  let host: string;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/.exec(d);
  if (scheme !== null) host = (scheme[1] ?? '').replace(/^[^@]*@/, '');
  else {
    const first = d.split(/[/?#]/)[0] ?? '';
    if (!first.includes('.') && !first.includes(':')) return false; // a resource path or bare name
    host = first;
  }
  host = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  if (host === '' || host === 'localhost') return false;
  if (isPrivateAddress(host)) return false;
  const labels = host.split('.');
  for (const dom of internal) {
    if (host === dom || host.endsWith(`.${dom}`)) return false;
    if (!dom.includes('.') && labels.includes(dom)) return false;
  }
  return true;
}

/** Records `key` at `t`, forgetting the stalest entry beyond `capacity`. */
function remember(known: Record<string, number>, key: string, t: number, capacity: number): void {
  const prev = own(known, key);
  if (prev !== undefined) {
    if (t > prev) known[key] = t;
    return;
  }
  known[key] = t;
  let n = 0;
  let stalest: string | undefined;
  for (const k in known) {
    n++;
    if (stalest === undefined || (known[k] as number) < (known[stalest] as number)) stalest = k;
  }
  if (n > capacity && stalest !== undefined) delete known[stalest];
}

function isPrivateAddress(host: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4 !== null) {
    const a = Number(v4[1]);
    const b = Number(v4[2]);
    return (
      a === 10 ||
      a === 127 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254)
    );
  }
  return host === '::1' || /^f[cd][0-9a-f]{2}:/.test(host) || /^fe80:/.test(host);
}
