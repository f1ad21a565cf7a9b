import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema } from 'graphql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectRoot } from '#kit';
import { loadSubgraphErrorCodes } from '../../platform/src/subgraph-error-codes.js';
import { composeSchemas, SchemaArtifact, staleArtifacts, withErrorCodes, writeArtifacts } from '../schema-artifacts.js';

// A copy of what composition reads and writes, so that the tests can make it stale.
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'schema-artifacts-'));
  for (const path of ['rover.yaml', 'subgraphs', 'schema']) {
    cpSync(join(projectRoot, path), join(root, path), {
      recursive: true,
      filter: (source) => !/\/(src|generated)(\/|$)/.test(source.slice(projectRoot.length)),
    });
  }
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the committed schemas', () => {
  it('are what composition produces from the subgraphs, with their error codes', async () => {
    expect(staleArtifacts(projectRoot, withErrorCodes(composeSchemas(projectRoot), await loadSubgraphErrorCodes()))).toEqual([]);
  });

  it('are reported stale when a subgraph defined an error code and nobody recomposed', () => {
    const code = { code: 'DEPOT_CLOSED', owner: 'products', status: 422, description: 'The depot is closed.' };
    const composed = composeSchemas(root);
    writeArtifacts(root, withErrorCodes(composed, []));
    expect(staleArtifacts(root, withErrorCodes(composed, [code]))).toEqual([SchemaArtifact.errorCodes]);
    writeArtifacts(root, withErrorCodes(composed, [code]));
    expect(JSON.parse(readFileSync(join(root, SchemaArtifact.errorCodes), 'utf8'))).toMatchObject({ codes: [code] });
    expect(staleArtifacts(root, withErrorCodes(composed, [code]))).toEqual([]);
  });

  it('are reported stale when api.graphql was edited by hand', () => {
    const api = join(root, SchemaArtifact.api);
    writeFileSync(api, readFileSync(api, 'utf8').replace('type Query {', 'type Query {\n  handWritten: Boolean'));
    expect(staleArtifacts(root, composeSchemas(root))).toEqual([SchemaArtifact.api]);
  });

  it('are reported stale when a subgraph changed and nobody recomposed', () => {
    const products = join(root, 'subgraphs/products/schema.graphql');
    writeFileSync(
      products,
      readFileSync(products, 'utf8').replace('  updatedAt: DateTime!', '  updatedAt: DateTime!\n  archivedAt: DateTime'),
    );
    expect(staleArtifacts(root, composeSchemas(root))).toEqual([SchemaArtifact.supergraph, SchemaArtifact.api]);
  });

  it('are reported stale when api.graphql is missing, and current once written again', () => {
    rmSync(join(root, SchemaArtifact.api));
    const composed = composeSchemas(root);
    expect(staleArtifacts(root, composed)).toEqual([SchemaArtifact.api]);
    writeArtifacts(root, composed);
    expect(staleArtifacts(root, composeSchemas(root))).toEqual([]);
  });
});

describe('the API schema', () => {
  const api = composeSchemas(projectRoot).files.get(SchemaArtifact.api)!;

  it('is a plain GraphQL schema a code generator can read, with none of federation’s internals', () => {
    const schema = buildSchema(api);
    expect(Object.keys(schema.getTypeMap()).filter((name) => /^(join__|link__|_Entity$|_Service$|_Any$|FieldSet$)/.test(name))).toEqual([]);
    expect(api).not.toMatch(/@(join__|link|key|shareable|inaccessible|external|requires|provides)\b/);
    expect(schema.getQueryType()?.getFields()['products']).toBeDefined();
    expect(schema.getSubscriptionType()).toBeDefined();
  });

  it('declares DateTime with its specification', () => {
    expect(buildSchema(api).getType('DateTime')).toMatchObject({
      specifiedByURL: 'https://datatracker.ietf.org/doc/html/rfc3339#section-5.6',
    });
  });

  it('prints the same text every time', () => {
    expect(composeSchemas(projectRoot).files.get(SchemaArtifact.api)).toBe(api);
  });
});
