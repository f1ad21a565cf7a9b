import { forbidden, hasRole, invalidInput, isUuid, requireRole, Role, type FieldProblem, type Viewer } from '#kit';

export type Granularity = 'MINUTE' | 'HOUR' | 'DAY';

export const granularitySeconds: Readonly<Record<Granularity, number>> = { MINUTE: 60, HOUR: 3_600, DAY: 86_400 };

const DAY_MS = 86_400_000;
/** The longest range per granularity: a month of minutes, a year of hours or days. */
const maxRangeDays: Readonly<Record<Granularity, number>> = { MINUTE: 31, HOUR: 366, DAY: 366 };

export interface MetricsInput {
  from: Date;
  to: Date;
  granularity?: Granularity | null;
  supplierId?: string | null;
  topProducts?: number | null;
}

export interface MetricsQuery {
  from: Date;
  to: Date;
  granularity: Granularity;
  /** null: the whole platform (admins only). */
  supplierId: string | null;
  topProducts: number;
}

/**
 * Checks the range and decides whose numbers the viewer sees: an admin (with MFA) anyone's or
 * the platform's, a supplier only their own. A supplier naming another supplier is refused
 * (FORBIDDEN), never silently answered with their own numbers.
 */
export function metricsQuery(viewer: Viewer | null, input: MetricsInput): MetricsQuery {
  const signedIn = requireRole(viewer, Role.ADMIN, Role.SUPPLIER);
  const admin = hasRole(signedIn, Role.ADMIN);
  const requested = input.supplierId ?? null;
  if (!admin && requested !== null && requested !== signedIn.userId) throw forbidden('Suppliers see only their own metrics.');
  const problems: FieldProblem[] = [];
  const granularity = input.granularity ?? 'HOUR';
  const { from, to } = input;
  if (requested !== null && !isUuid(requested)) problems.push({ field: 'input.supplierId', message: 'must be a user id' });
  const topProducts = input.topProducts ?? 10;
  if (!Number.isInteger(topProducts) || topProducts < 1 || topProducts > 50)
    problems.push({ field: 'input.topProducts', message: 'must be between 1 and 50' });
  if (problems.length === 0) {
    if (to.getTime() <= from.getTime()) problems.push({ field: 'input.to', message: 'must be after from' });
    else if (to.getTime() - from.getTime() > maxRangeDays[granularity] * DAY_MS) {
      problems.push({ field: 'input.to', message: `a ${granularity} series spans at most ${maxRangeDays[granularity]} days` });
    }
  }
  if (problems.length > 0) throw invalidInput(problems);
  return { from, to, granularity, supplierId: admin ? requested : signedIn.userId, topProducts };
}
