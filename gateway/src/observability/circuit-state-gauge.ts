import { Counter, type Registry } from 'prom-client';
import { ObservedGauge, type ServiceMetrics } from '#kit';

export type CircuitStateName = 'closed' | 'half-open' | 'open';

/** The gauge's value for each state, so that "higher is worse" and `max by (subgraph)` reads naturally. */
export const circuitStateValue: Readonly<Record<CircuitStateName, number>> = { closed: 0, 'half-open': 1, open: 2 };

function circuitMetrics(registry: Registry) {
  return {
    state: new ObservedGauge(registry, {
      name: 'gasrapido_circuit_state',
      help: 'State of the gateway’s circuit breaker per subgraph: 0 closed, 1 half-open, 2 open.',
      labelNames: ['subgraph'],
    }),
    transitions: new Counter({
      name: 'gasrapido_circuit_transitions_total',
      help: 'Circuit breaker state changes per subgraph, by the state entered (catches openings shorter than a scrape interval).',
      labelNames: ['subgraph', 'to'] as const,
      registers: [registry],
    }),
  };
}

/**
 * Reports each subgraph's circuit state at every scrape, read from the
 * gateway's `circuitStates()`. Returns the function that stops it.
 */
export function observeCircuitStates(metrics: ServiceMetrics, circuitStates: () => Readonly<Record<string, CircuitStateName>>): () => void {
  return metrics
    .group(circuitMetrics)
    .state.observe(() =>
      Object.entries(circuitStates()).map(([subgraph, state]) => ({ labels: { subgraph }, value: circuitStateValue[state] })),
    );
}

/** Counts one transition; call it from the circuit breaker's onTransition callback. */
export function recordCircuitTransition(metrics: ServiceMetrics, subgraph: string, to: CircuitStateName): void {
  metrics.group(circuitMetrics).transitions.inc({ subgraph, to });
}
