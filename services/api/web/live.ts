/**
 * The live alert feed: /api/v1/stream read with fetch (EventSource cannot send an
 * Authorization header), parsed as Server-Sent Events. After a dropped connection it
 * reconnects with `Last-Event-ID`, so alerts raised meanwhile still arrive; on
 * `event: resync` (the server no longer holds that id) the views reload their lists.
 */
import { session } from './api.ts';
import type { Alert } from './types.ts';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface LiveHandlers {
  alert(alert: Alert): void;
  resync(): void;
  state(state: LiveState): void;
}

export class LiveFeed {
  private lastId: string | undefined;
  private abort: AbortController | undefined;
  private stopped = false;
  private retryMs = 3000;

  constructor(private readonly handlers: LiveHandlers) {}

  start(): void {
    this.stopped = false;
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    this.handlers.state('stopped');
  }

  /** Drops the connection as a network failure would (tests and "reconnect" use it). */
  reconnect(): void {
    this.abort?.abort();
  }

  private async loop(): Promise<void> {
    let first = true;
    while (!this.stopped) {
      this.handlers.state(first ? 'connecting' : 'reconnecting');
      first = false;
      try {
        await this.read();
      } catch {
        // network error or abort: fall through to the retry
      }
      if (this.stopped) return;
      await new Promise((r) => setTimeout(r, this.retryMs));
    }
  }

  private async read(): Promise<void> {
    const key = session.key();
    if (key === null) return;
    this.abort = new AbortController();
    const headers: Record<string, string> = { authorization: `Bearer ${key}`, accept: 'text/event-stream' };
    if (this.lastId !== undefined) headers['last-event-id'] = this.lastId;
    const res = await fetch('/api/v1/stream', {
      headers,
      signal: this.abort.signal,
      credentials: 'omit',
      cache: 'no-store',
    });
    if (!res.ok || res.body === null) throw new Error(`stream: HTTP ${res.status}`);
    this.handlers.state('live');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        this.dispatch(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  private dispatch(block: string): void {
    let event = 'message';
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'id') id = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    }
    if (id !== undefined) this.lastId = id;
    if (event === 'alert' && data.length > 0) this.handlers.alert(JSON.parse(data.join('\n')) as Alert);
    if (event === 'resync') {
      // The server lost our place: start afresh rather than ask for it again next time.
      this.lastId = undefined;
      this.handlers.resync();
    }
  }
}
