/**
 * The browser's side of /ws/cluster: keeps the lab's picture (snapshot, then patches) and says
 * when it changed; reconnects with backoff when the socket drops, unless the server refused it.
 */
import { mapCollections, type MapCollection, type MapFrame, type MapState, type WatchState } from '../../shared/cluster-map.js';

type Item<K extends MapCollection> = MapState[K][number];
export type MapStore = { [K in MapCollection]: Map<string, Item<K>> };

export type SocketState = { kind: 'connecting' } | { kind: 'open' } | { kind: 'reconnecting' } | { kind: 'refused'; reason: string };

export interface MapEvents {
  changed(): void;
  watch(state: WatchState): void;
  socket(state: SocketState): void;
  hello(frame: Extract<MapFrame, { type: 'hello' }>): void;
  /** A patch was applied; sentAt is the server's clock when it left (for latency measurements). */
  patched?(sentAt: number): void;
}

const emptyStore = (): MapStore => Object.fromEntries(mapCollections.map((c) => [c, new Map()])) as unknown as MapStore;

export class MapConnection {
  store: MapStore = emptyStore();
  lab = '';
  private ws?: WebSocket;
  private retryMs = 500;
  private retryTimer?: number;
  private stopped = true;

  constructor(
    private readonly url: string,
    private readonly on: MapEvents,
  ) {}

  get connected(): boolean {
    return !this.stopped;
  }

  connect(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  close(): void {
    this.stopped = true;
    window.clearTimeout(this.retryTimer);
    this.ws?.close(1000, 'closed');
    this.ws = undefined;
  }

  private open(): void {
    this.on.socket({ kind: 'connecting' });
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.addEventListener('open', () => {
      this.retryMs = 500;
      this.on.socket({ kind: 'open' });
    });
    ws.addEventListener('message', (ev: MessageEvent<string>) => {
      let f: MapFrame;
      try {
        f = JSON.parse(ev.data) as MapFrame;
      } catch {
        return;
      }
      this.apply(f);
    });
    ws.addEventListener('close', (ev) => {
      if (this.ws !== ws || this.stopped) return;
      if (ev.code === 1008) {
        this.stopped = true;
        this.on.socket({ kind: 'refused', reason: ev.reason || 'not allowed' });
        return;
      }
      this.on.socket({ kind: 'reconnecting' });
      this.retryTimer = window.setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 5000);
    });
  }

  private apply(f: MapFrame): void {
    switch (f.type) {
      case 'hello':
        return this.on.hello(f);
      case 'status':
        return this.on.watch(f);
      case 'snapshot': {
        this.lab = f.lab;
        const s = emptyStore();
        for (const c of mapCollections) for (const v of f.state[c]) (s[c] as Map<string, unknown>).set(v.id, v);
        this.store = s;
        return this.on.changed();
      }
      case 'patch': {
        for (const c of mapCollections) {
          const ch = f.changes[c];
          if (!ch) continue;
          const m = this.store[c] as Map<string, { id: string }>;
          for (const id of ch.remove) m.delete(id);
          for (const v of ch.upsert) m.set(v.id, v);
        }
        this.on.patched?.(f.sentAt);
        return this.on.changed();
      }
      case 'error':
        return;
    }
  }
}
