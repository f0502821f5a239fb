import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Aedes } from 'aedes';

/** A bare aedes broker on a free localhost port, with nothing attached: the engine the bench compares with. */
export interface BareBroker {
  readonly url: string;
  readonly aedes: Aedes;
  close(): Promise<void>;
}

/** Starts a bare aedes broker on 127.0.0.1. */
export async function startBareBroker(): Promise<BareBroker> {
  const aedes = await Aedes.createBroker();
  const server = createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    aedes,
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A bare broker that also records what clients publish, for tests. */
export interface TestBroker extends BareBroker {
  /** Publishes received from clients, in arrival order. */
  readonly received: { topic: string; payload: Buffer; clientId: string }[];
}

/**
 * Starts a bare broker that records every client publish. It records them as aedes authorises them, before it
 * acknowledges one, not on its 'publish' event: a broker closing with a QoS 1 publish in flight may have written
 * the PUBACK and never emit the event, and a test counting what was received against what was acknowledged
 * would then count one short.
 */
export async function startTestBroker(): Promise<TestBroker> {
  const broker = await startBareBroker();
  const received: TestBroker['received'] = [];
  broker.aedes.authorizePublish = (client, packet, done) => {
    if (client !== null) received.push({ topic: packet.topic, payload: Buffer.from(packet.payload), clientId: client.id });
    done(null);
  };
  return { ...broker, received };
}
