/**
 * The few raw API calls lab creation makes with the admin credential (discovery, RBAC fix-ups):
 * plain HTTPS from the kubeconfig's own TLS settings, with a deadline and a size cap on every
 * answer, so a lab that misbehaves can neither hang nor flood the server.
 */
import { Agent, request } from 'node:https';
import { connectionOf } from '../kubeconfig.js';

export interface AdminApi {
  get<T>(path: string, accept?: string): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  close(): void;
}

const maxAnswerBytes = 16 * 1024 * 1024;

export async function adminApi(kubeconfig: string, timeoutMs = 15_000): Promise<AdminApi> {
  const { server, https: opts } = await connectionOf(kubeconfig);
  const agent = new Agent({ ca: opts.ca, cert: opts.cert, key: opts.key, rejectUnauthorized: opts.rejectUnauthorized, servername: opts.servername, keepAlive: true });
  const headers = (opts.headers ?? {}) as Record<string, string>;

  const call = <T>(method: string, path: string, body?: unknown, accept = 'application/json'): Promise<T> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        new URL(path, server),
        { method, agent, timeout: timeoutMs, headers: { Accept: accept, ...headers, ...(payload ? { 'Content-Type': 'application/json' } : {}) } },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > maxAnswerBytes) req.destroy(new Error(`${method} ${path}: the answer is larger than ${maxAnswerBytes} bytes`));
            else chunks.push(c);
          });
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if ((res.statusCode ?? 0) >= 300) return reject(new Error(`${method} ${path}: HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
            try {
              resolve(JSON.parse(text) as T);
            } catch {
              reject(new Error(`${method} ${path}: the answer is not JSON`));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });

  return {
    get: (path, accept) => call('GET', path, undefined, accept),
    put: (path, body) => call('PUT', path, body),
    close: () => agent.destroy(),
  };
}
