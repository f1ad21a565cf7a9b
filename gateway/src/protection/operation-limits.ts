import { GraphQLError, Lexer, parse, Source, TokenKind, type DocumentNode } from 'graphql';
import { ErrorCode } from '#kit';
import type { OperationLimits } from '../config.js';
import { measureOperations } from './operation-shape.js';
import type { Refusal } from './refusal.js';

export type LimitCheck = { ok: true; document: DocumentNode | undefined } | { ok: false; refusal: Refusal };

/**
 * The limits that do not depend on variables, checked on the document text
 * before Apollo Server validates it: validation is where an abusive document
 * costs most (overlapping-field checks grow with the square of the fields),
 * and planning comes after. Parsing itself stops at `maxTokens`, so a huge
 * document is never fully parsed. A document that does not parse for another
 * reason passes, and Apollo Server answers it with GRAPHQL_PARSE_FAILED.
 */
export function checkOperationLimits(query: string, limits: OperationLimits): LimitCheck {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: limits.maxTokens, noLocation: true });
  } catch (error) {
    if (error instanceof GraphQLError && exceedsTokens(query, limits.maxTokens)) {
      return refuse(ErrorCode.TOO_MANY_TOKENS, `The document has more than ${limits.maxTokens} tokens, the most the gateway parses.`, {
        maxTokens: limits.maxTokens,
      });
    }
    return { ok: true, document: undefined };
  }
  const shape = measureOperations(document);
  if (shape.depth > limits.maxDepth) {
    return refuse(ErrorCode.QUERY_TOO_DEEP, `The operation nests fields ${shape.depth} deep; at most ${limits.maxDepth} are allowed.`, {
      depth: shape.depth,
      maxDepth: limits.maxDepth,
    });
  }
  if (shape.aliases > limits.maxAliases) {
    return refuse(ErrorCode.TOO_MANY_ALIASES, `The operation uses ${shape.aliases} aliases; at most ${limits.maxAliases} are allowed.`, {
      aliases: shape.aliases,
      maxAliases: limits.maxAliases,
    });
  }
  if (shape.rootFields > limits.maxRootFields) {
    return refuse(
      ErrorCode.TOO_MANY_ROOT_FIELDS,
      `The operation selects ${shape.rootFields} root fields; at most ${limits.maxRootFields} are allowed. Split it into several requests.`,
      { rootFields: shape.rootFields, maxRootFields: limits.maxRootFields },
    );
  }
  return { ok: true, document };
}

/**
 * Whether a parse failure was the token limit: counted again, only on failure,
 * rather than trusting the wording of graphql-js's message.
 */
function exceedsTokens(query: string, maxTokens: number): boolean {
  const lexer = new Lexer(new Source(query));
  try {
    for (let count = 0; lexer.advance().kind !== TokenKind.EOF; count += 1) {
      if (count >= maxTokens) return true;
    }
  } catch {
    // A lexical error before the limit: an ordinary syntax error.
  }
  return false;
}

const refuse = (code: ErrorCode, message: string, details: Record<string, unknown>): LimitCheck => ({
  ok: false,
  refusal: { code, message, details },
});
