/**
 * A real HTTP receiver for the webhook tests, run in Node by vitest's globalSetup of the worker
 * project (the tests run inside workerd and reach it over the network; `inject('webhookReceiver')`
 * gives its base URL). What it answers is chosen by the path, `/<behaviour>/<name>`:
 *
 * - `ok` → 204;
 * - `fail-N` → 500 to the first N requests of that path, then 204;
 * - `hang` → never answers (the socket is closed when the receiver stops);
 * - `redirect` → 302 to `/ok/<name>-followed` (a sender that followed it would show up there).
 *
 * `GET /_log/<name>` answers every request received for `<name>`, in order: its behaviour, headers,
 * raw body, and the status answered (null while a `hang` request is open).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TestProject } from 'vitest/node';

export interface ReceivedRequest {
  behaviour: string;
  headers: Record<string, string>;
  body: string;
  status: number | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    webhookReceiver: string;
  }
}

export default async function startReceiver(project: TestProject) {
  const log = new Map<string, ReceivedRequest[]>();
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const [, behaviour = '', name = ''] = (req.url ?? '/').split('?')[0]!.split('/');
    if (req.method === 'GET' && behaviour === '_log') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(log.get(name) ?? []));
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const entry: ReceivedRequest = { behaviour, headers, body, status: null };
      log.set(name, [...(log.get(name) ?? []), entry]);
      const answer = (status: number, extra: Record<string, string> = {}) => {
        entry.status = status;
        res.writeHead(status, extra).end();
      };
      const n = (counts.get(req.url!) ?? 0) + 1;
      counts.set(req.url!, n);
      const failing = /^fail-(\d+)$/.exec(behaviour);
      if (behaviour === 'ok') answer(204);
      else if (failing) answer(n <= Number(failing[1]) ? 500 : 204);
      else if (behaviour === 'redirect') answer(302, { location: `/ok/${name}-followed` });
      else if (behaviour !== 'hang') answer(404);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  project.provide('webhookReceiver', `http://127.0.0.1:${port}`);

  return async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
}
