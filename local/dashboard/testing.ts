import { request } from 'node:http';

/** An answer of the dashboard server: status, headers and the body as text. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/**
 * Sends one request with the path exactly as given (fetch and URL would normalise `/../` and `%2e%2e` away, so a
 * traversal attempt would never reach the server as sent), and `headers` (a forged Host) as given.
 */
export function rawRequest(url: string, rawPath: string, method = 'GET', headers: Readonly<Record<string, string>> = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: rawPath, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** GETs a JSON endpoint and parses the body. */
export async function getJson<T = unknown>(url: string, rawPath: string): Promise<{ status: number; body: T; headers: RawAnswer['headers'] }> {
  const answer = await rawRequest(url, rawPath);
  return { status: answer.status, headers: answer.headers, body: JSON.parse(answer.body) as T };
}
