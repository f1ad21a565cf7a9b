import { readFileSync } from 'node:fs';
import { buildSchema, graphql, GraphQLError, Kind, parse, print, type ValueNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '#kit';
import { DateTimeScalar, parseDateTime } from '../src/graphql/date-time.js';
import { parseSharedScalarInput } from '../src/graphql/shared-scalars.js';

const literal = (text: string): ValueNode => {
  const operation = parse(`{ f(a: ${text}) }`).definitions[0]!;
  if (operation.kind !== Kind.OPERATION_DEFINITION || operation.selectionSet.selections[0]!.kind !== Kind.FIELD)
    throw new Error('unexpected document');
  return operation.selectionSet.selections[0]!.arguments![0]!.value;
};

function refusal(run: () => unknown): GraphQLError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return error as GraphQLError;
  }
  throw new Error('expected a refusal');
}

describe('DateTime answers', () => {
  it('are UTC with milliseconds, whether the resolver gave a Date or an RFC 3339 string', () => {
    expect(DateTimeScalar.serialize(new Date(Date.UTC(2026, 11, 7, 18)))).toBe('2026-12-07T18:00:00.000Z');
    expect(DateTimeScalar.serialize('2026-12-07T18:00:00.000Z')).toBe('2026-12-07T18:00:00.000Z');
    expect(DateTimeScalar.serialize('2026-12-07T15:00:00-03:00')).toBe('2026-12-07T18:00:00.000Z');
    expect(DateTimeScalar.serialize('2026-12-07T18:00:00.123456Z')).toBe('2026-12-07T18:00:00.123Z');
  });

  it('refuse what is not an instant, so a bug never reaches a client as a malformed timestamp', () => {
    for (const value of [
      new Date(Number.NaN),
      'yesterday',
      '2026-12-07',
      1_765_130_400_000,
      null,
      {},
      new Date('+010000-01-01T00:00:00Z'),
    ]) {
      expect(() => DateTimeScalar.serialize(value)).toThrow(GraphQLError);
    }
  });
});

describe('DateTime input', () => {
  it('becomes a Date from a variable or a literal, with any offset', () => {
    expect(DateTimeScalar.parseValue('2026-12-07T18:00:00.000Z')).toEqual(new Date('2026-12-07T18:00:00.000Z'));
    expect(DateTimeScalar.parseValue('2026-12-07T18:00:00Z')).toEqual(new Date('2026-12-07T18:00:00.000Z'));
    expect(DateTimeScalar.parseValue('2026-12-07t21:30:00.5+03:30')).toEqual(new Date('2026-12-07T18:00:00.500Z'));
    expect(DateTimeScalar.parseValue('2026-12-07T23:30:00-03:00')).toEqual(new Date('2026-12-08T02:30:00.000Z'));
    expect(DateTimeScalar.parseLiteral(literal('"2026-12-07T15:00:00-03:00"'))).toEqual(new Date('2026-12-07T18:00:00.000Z'));
  });

  it('reads the years 0000 to 0099 as written and 29 February only in leap years', () => {
    expect((DateTimeScalar.parseValue('0045-03-01T00:00:00Z') as Date).getUTCFullYear()).toBe(45);
    expect(DateTimeScalar.parseValue('2028-02-29T12:00:00Z')).toEqual(new Date('2028-02-29T12:00:00Z'));
    expect(DateTimeScalar.parseValue('2000-02-29T12:00:00Z')).toEqual(new Date('2000-02-29T12:00:00Z'));
    expect(() => DateTimeScalar.parseValue('1900-02-29T12:00:00Z')).toThrow(/1900-02 has 28 days/);
  });

  it.each([
    ['a date alone', '2026-12-07', /RFC 3339 date-time with a time zone/],
    ['a local time without an offset', '2026-12-07T18:00:00', /with a time zone/],
    ['words', 'yesterday', /RFC 3339/],
    ['an impossible day', '2026-02-30T00:00:00Z', /no such day: 2026-02 has 28 days/],
    ['an impossible month', '2026-13-01T00:00:00Z', /no such month/],
    ['an impossible hour', '2026-12-07T24:00:00Z', /no such time of day/],
    ['a leap second', '2016-12-31T23:59:60Z', /no such time of day/],
    ['an impossible offset', '2026-12-07T18:00:00+24:00', /no such time zone offset/],
    ['an instant before year 0000 in UTC', '0000-01-01T00:00:00+01:00', /outside the years 0000 to 9999/],
    ['a six-digit year', '+010000-01-01T00:00:00Z', /RFC 3339/],
    ['control characters', '2026-12-07T18:00:00Z\u0000', /RFC 3339/],
  ])('refuses %s as BAD_USER_INPUT naming the problem', (_case, value, problem) => {
    const error = refusal(() => DateTimeScalar.parseValue(value));
    expect(error.extensions['code']).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(problem);
    expect(error.message).toContain(JSON.stringify(value));
  });

  it('refuses a value that is not a string, as variable and as literal', () => {
    expect(refusal(() => DateTimeScalar.parseValue(1_765_130_400_000)).message).toMatch(/DateTime 1765130400000 must be a string/);
    const node = literal('1765130400000');
    const error = refusal(() => DateTimeScalar.parseLiteral(node));
    expect(error.message).toMatch(/DateTime 1765130400000 must be a string/);
    expect(error.nodes).toEqual([node]);
    expect(print(node)).toBe('1765130400000');
  });
});

describe('DateTime in a schema', () => {
  const schema = buildSchema('scalar DateTime type Query { at: DateTime! echo(at: DateTime!): DateTime! }');
  Object.assign(schema.getType('DateTime')!, {
    serialize: DateTimeScalar.serialize,
    parseValue: DateTimeScalar.parseValue,
    parseLiteral: DateTimeScalar.parseLiteral,
  });
  const rootValue = {
    at: () => new Date(Date.UTC(2026, 11, 7, 18)),
    echo: ({ at }: { at: Date }) => (at instanceof Date ? at : 'not a Date'),
  };

  it('gives resolvers a Date and answers in UTC', async () => {
    const result = await graphql({
      schema,
      rootValue,
      source: 'query ($at: DateTime!) { at echo(at: $at) }',
      variableValues: { at: '2026-12-07T15:00:00-03:00' },
    });
    expect(result).toEqual({ data: { at: '2026-12-07T18:00:00.000Z', echo: '2026-12-07T18:00:00.000Z' } });
  });

  it('names the variable and the problem, with the code clients act on', async () => {
    const result = await graphql({
      schema,
      rootValue,
      source: 'query ($at: DateTime!) { echo(at: $at) }',
      variableValues: { at: '2026-12-07' },
    });
    expect(result.errors?.[0]?.message).toMatch(
      /^Variable "\$at" got invalid value "2026-12-07"; DateTime "2026-12-07" must be an RFC 3339 date-time/,
    );
    expect(result.errors?.[0]?.extensions['code']).toBe('BAD_USER_INPUT');
  });
});

describe('a schema built from SDL, as the gateway’s API schema is', () => {
  const source = 'query ($at: DateTime!) { echo(at: $at) }';
  const rootValue = { echo: () => '2026-12-07T18:00:00.000Z' };

  it('accepts any DateTime until given the shared parsing, then refuses a malformed one before resolving', async () => {
    const schema = buildSchema('scalar DateTime type Query { echo(at: DateTime!): DateTime! }');
    expect((await graphql({ schema, rootValue, source, variableValues: { at: 'yesterday' } })).errors).toBeUndefined();
    parseSharedScalarInput(schema);
    const refused = await graphql({ schema, rootValue, source, variableValues: { at: 'yesterday' } });
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.[0]?.extensions['code']).toBe('BAD_USER_INPUT');
  });

  it('keeps passing answers through unchanged: the subgraphs have serialised them', async () => {
    const schema = buildSchema('scalar DateTime type Query { echo(at: DateTime!): DateTime! }');
    parseSharedScalarInput(schema);
    const answer = await graphql({
      schema,
      rootValue: { echo: () => 'as the subgraph sent it' },
      source,
      variableValues: { at: '2026-12-07T18:00:00Z' },
    });
    expect(answer).toEqual({ data: { echo: 'as the subgraph sent it' } });
  });
});

describe('every subgraph', () => {
  const subgraphs = [
    'accounts',
    'alerts',
    'analytics',
    'couriers',
    'invitations',
    'notifications',
    'orders',
    'payments',
    'products',
    'verification',
  ];
  const schemaText = (name: string) => readFileSync(`${projectRoot}/subgraphs/${name}/schema.graphql`, 'utf8');

  it('declares the same DateTime scalar', () => {
    const declaration = (text: string) => /("""[^]*?"""\s*)?scalar DateTime[^\n]*/.exec(text)?.[0];
    const declarations = new Set(subgraphs.map((name) => declaration(schemaText(name))));
    expect([...declarations]).toHaveLength(1);
    expect([...declarations][0]).toContain('@specifiedBy');
  });

  it('types its timestamps as DateTime, never String', () => {
    const timestampName = /^(\w+At|at|from|to|start|end|periodStart|periodEnd)$/;
    const strings: string[] = [];
    for (const name of subgraphs) {
      for (const definition of parse(schemaText(name)).definitions) {
        if (!('fields' in definition) || definition.fields === undefined) continue;
        for (const field of definition.fields) {
          const inputs = 'arguments' in field ? (field.arguments ?? []) : [];
          for (const item of [field, ...inputs]) {
            if (timestampName.test(item.name.value) && /^String!?$/.test(print(item.type)))
              strings.push(`${name}: ${definition.name.value}.${item.name.value}`);
          }
        }
      }
    }
    expect(strings).toEqual([]);
  });
});

describe('parseDateTime', () => {
  it('tells the instant or the problem, for code that reads timestamps outside GraphQL', () => {
    expect(parseDateTime('2026-12-07T18:00:00Z')).toEqual({ instant: new Date('2026-12-07T18:00:00Z') });
    expect(parseDateTime('2026-12-07')).toEqual({ problem: expect.stringContaining('RFC 3339') });
  });
});
