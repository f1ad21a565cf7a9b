/** Calls a gateway has made to one subgraph so far, read from its own `/metrics`. */
export async function subgraphFetches(gatewayUrl: string, subgraph: string): Promise<number> {
  const exposition = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const match = new RegExp(`^gasrapido_subgraph_fetch_duration_seconds_count\\{[^}]*subgraph="${subgraph}"[^}]*\\} (\\d+)`, 'm').exec(
    exposition,
  );
  if (match === null) throw new Error(`no fetch count for ${subgraph} in the gateway's metrics`);
  return Number(match[1]);
}
