import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { Aedes } from 'aedes';

/** A bare aedes broker on a random localhost port, for tests and measurements. */
export interface TestBroker {
  readonly url: string;
  /** Publishes received from clients, in arrival order. */
  readonly received: { topic: string; payload: Buffer; clientId: string }[];
  close(): Promise<void>;
}

/** Starts a bare aedes broker on 127.0.0.1; `keep` false only counts (no payload copies). */
export async function startTestBroker(keep = true): Promise<TestBroker & { count: () => number }> {
  const broker = await Aedes.createBroker();
  const received: TestBroker['received'] = [];
  let count = 0;
  broker.on('publish', (packet, client) => {
    if (client === null) return;
    count++;
    if (keep) received.push({ topic: packet.topic, payload: Buffer.from(packet.payload), clientId: client.id });
  });
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `mqtt://127.0.0.1:${port}`,
    received,
    count: () => count,
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
