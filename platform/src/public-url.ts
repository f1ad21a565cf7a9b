import type { Environment } from '#kit';

/**
 * The address clients reach a one-process platform at: PUBLIC_URL when the
 * environment names one (a proxy or tunnel in front), otherwise the gateway on
 * this machine at the port it actually got. Every service's links derive from
 * this one value, so they cannot point at different ports.
 */
export function publicUrlFor(environment: Environment, gatewayPort: number): string {
  const configured = environment['PUBLIC_URL'];
  return configured !== undefined && configured !== '' ? configured : `http://127.0.0.1:${gatewayPort}`;
}
