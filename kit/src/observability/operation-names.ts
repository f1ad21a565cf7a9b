/** The label of operations sent without a name. */
export const ANONYMOUS_OPERATION = '__anonymous';
/** The label of named operations beyond the limit of distinct names. */
export const OTHER_OPERATION = '__other';
/** The label of requests that never resolved to an operation (unparsable, invalid). */
export const UNRESOLVED_OPERATION = '__unresolved';

// GraphQL names cannot start with `__` outside introspection, so no real name collides with the buckets above.
const graphqlName = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

/**
 * Maps operation names to metric labels with bounded cardinality: the first
 * `limit` distinct names keep their own label, every later one shares
 * `__other`, anonymous operations share `__anonymous`. Clients choose
 * operation names, so without a bound any client could grow the series count
 * (and Prometheus's memory) without end.
 */
export function operationNameLabels(limit: number): (name: string | null | undefined) => string {
  const known = new Set<string>();
  return (name) => {
    if (name === null || name === undefined || name === '') return ANONYMOUS_OPERATION;
    if (!graphqlName.test(name)) return OTHER_OPERATION;
    if (known.has(name)) return name;
    if (known.size >= limit) return OTHER_OPERATION;
    known.add(name);
    return name;
  };
}
