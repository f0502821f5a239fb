/**
 * The one definition of an MQTT broker URL that the CLIs (`--target`, `--broker-url`) and the twin's
 * `externalBrokerUrl` accept: `mqtt://host[:port]` (plain TCP) or `mqtts://host[:port]` (TLS), the two transports
 * the simulator's device SDK and IoT Core's MQTT endpoint share.
 */

/** The accepted URL schemes. */
export const BROKER_URL_SCHEMES = ['mqtt', 'mqtts'] as const;

/** An example of an accepted URL, for messages. */
export const BROKER_URL_EXAMPLE = 'mqtt://localhost:1883 or mqtts://localhost:8883';

/** What an accepted broker URL should have been, when `raw` is not one (`expected ...`); undefined when it is. */
export function brokerUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `a URL such as ${BROKER_URL_EXAMPLE}`;
  }
  if (!(BROKER_URL_SCHEMES as readonly string[]).includes(url.protocol.slice(0, -1))) return `scheme ${BROKER_URL_SCHEMES.map((s) => `${s}://`).join(' or ')}`;
  if (url.hostname === '') return 'a host name in the URL';
  return undefined;
}
