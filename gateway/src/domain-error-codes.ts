import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { registerErrorCodes, type DomainErrorCodeSpec } from '#kit';

/** schema/error-codes.json, as `npm run compose` writes it from the subgraphs' `src/errors.ts`. */
const errorCodesFile = z.object({
  codes: z.array(
    z.object({
      code: z.string(),
      owner: z.string().min(1),
      status: z.number().int(),
      description: z.string(),
    }),
  ),
});

/**
 * Registers the refusals the subgraphs define, so that the gateway passes them to clients with
 * their code and HTTP status. The gateway knows no domain and imports no subgraph: without this
 * file, every domain code would reach clients masked as INTERNAL_SERVER_ERROR. Any problem stops
 * the gateway at start rather than masking every refusal in silence. Returns how many codes it
 * registered.
 */
export function registerDomainErrorCodes(path: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`ERROR_CODES_PATH: cannot read ${path} as JSON (npm run compose writes it): ${(error as Error).message}`, {
      cause: error,
    });
  }
  const file = errorCodesFile.safeParse(parsed);
  if (!file.success) {
    const problems = file.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`ERROR_CODES_PATH: ${path} is not a list of error codes: ${problems}`);
  }
  const byOwner = new Map<string, Record<string, DomainErrorCodeSpec>>();
  for (const { code, owner, status, description } of file.data.codes) {
    const codes = byOwner.get(owner) ?? {};
    if (Object.hasOwn(codes, code)) throw new Error(`ERROR_CODES_PATH: ${path} lists ${code} twice`);
    codes[code] = { status, description };
    byOwner.set(owner, codes);
  }
  try {
    for (const [owner, codes] of byOwner) registerErrorCodes(owner, codes);
  } catch (error) {
    throw new Error(`ERROR_CODES_PATH: ${path}: ${(error as Error).message}`, { cause: error });
  }
  return file.data.codes.length;
}
