/**
 * The jail's one door: a unix socket on the host that forwards each connection to one lab's API
 * server (127.0.0.1:<port>). The socket file is bind-mounted into the jail, where socat turns it
 * back into TCP on the jail's own loopback. Nothing else on the host is reachable from inside.
 * Being the only way out, it is also where a learner's API traffic can be counted.
 */
import { chmodSync, chownSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface ApiGateOptions {
  /** Path of the unix socket to create (its folder must exist). */
  socketPath: string;
  /** Where connections go: the lab's API server on the host. */
  host: string;
  port: number;
  /** Owner of the socket file (the jail's host uid), when the server runs as root. */
  owner?: { uid: number; gid: number };
  /** At most this many connections at once; more are closed at once (kubectl needs a handful). */
  maxConnections?: number;
}

export class ApiGate {
  private readonly server: Server;
  private readonly open = new Set<Socket>();
  /** Connections accepted since the gate opened. */
  connections = 0;
  bytesIn = 0;
  bytesOut = 0;

  private constructor(private readonly opts: ApiGateOptions) {
    const max = opts.maxConnections ?? 64;
    this.server = createServer((inside) => {
      if (this.open.size >= max) {
        inside.destroy();
        return;
      }
      this.connections++;
      const upstream = createConnection({ host: opts.host, port: opts.port });
      this.open.add(inside);
      this.open.add(upstream);
      const done = () => {
        inside.destroy();
        upstream.destroy();
        this.open.delete(inside);
        this.open.delete(upstream);
      };
      inside.on('data', (d: Buffer) => (this.bytesIn += d.length));
      upstream.on('data', (d: Buffer) => (this.bytesOut += d.length));
      inside.pipe(upstream);
      upstream.pipe(inside);
      for (const s of [inside, upstream]) {
        s.on('error', done);
        s.on('close', done);
      }
    });
  }

  static async open(opts: ApiGateOptions): Promise<ApiGate> {
    rmSync(opts.socketPath, { force: true });
    const gate = new ApiGate(opts);
    await new Promise<void>((resolve, reject) => {
      gate.server.once('error', reject);
      gate.server.listen(opts.socketPath, () => resolve());
    });
    chmodSync(opts.socketPath, 0o600);
    if (opts.owner) chownSync(opts.socketPath, opts.owner.uid, opts.owner.gid);
    return gate;
  }

  async close(): Promise<void> {
    for (const s of this.open) s.destroy();
    this.open.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.opts.socketPath, { force: true });
  }
}
