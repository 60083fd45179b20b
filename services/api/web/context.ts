/** What the app gives each view: who is signed in, the live feed, and page lifetime. */
import type { Alert, Me } from './types.ts';

export interface ViewContext {
  me: Me;
  /** When the page was opened (epoch ms): "new since open" and relative time ranges. */
  openedAt: number;
  /** Subscribes to live alerts until the view is left. */
  onLive(fn: (alert: Alert) => void): void;
  /** Subscribes to resync requests (the feed lost its place) until the view is left. */
  onResync(fn: () => void): void;
  /** Runs when the view is left. */
  onLeave(fn: () => void): void;
}
