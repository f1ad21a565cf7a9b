import { GraphQLError, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  controlCharacterIn,
  controlCharacterProblems,
  controlCharacterProblemsInQuery,
  refuseControlCharacters,
} from '../src/graphql/control-characters.js';

describe('control characters in strings', () => {
  it.each([
    ['NUL', 'Botij\u0000ão', 'U+0000'],
    ['a bell', 'a\u0007b', 'U+0007'],
    ['an escape', '\u001B[31mred', 'U+001B'],
    ['a vertical tab', 'a\u000Bb', 'U+000B'],
    ['DEL', 'a\u007Fb', 'U+007F'],
    ['a C1 control', 'a\u0085b', 'U+0085'],
  ])('finds %s', (_label, value, expected) => {
    expect(controlCharacterIn(value)).toBe(expected);
  });

  it('accepts free text with tabs, line breaks and accents', () => {
    expect(controlCharacterIn('Rua São João, 12\r\nTocar a campainha\tduas vezes — botijão 🚚')).toBeUndefined();
  });
});

describe('an operation carrying control characters', () => {
  const document = parse('mutation ($input: CreateProductInput!, $id: ID!) { updateProduct(id: $id, input: $input) { id } }');

  it('names each variable field that holds one, at any depth', () => {
    const problems = controlCharacterProblems(document, {
      id: 'fine',
      input: { name: 'Botijão\u0000', lines: [{ note: 'ok' }, { note: 'x\u0001' }] },
    });
    expect(problems.map((problem) => problem.field)).toEqual(['input.name', 'input.lines.1.note']);
    expect(problems[0]?.message).toContain('U+0000');
  });

  it('names an inline literal by its argument and input field', () => {
    const inline = parse('{ products(filter: { search: "botij\\u0000o" }) { totalCount } }');
    expect(controlCharacterProblems(inline, {})).toEqual([{ field: 'filter.search', message: expect.stringContaining('U+0000') }]);
  });

  it('checks variable defaults written in the document', () => {
    const withDefault = parse('query ($search: String = "a\\u0000") { products(filter: { search: $search }) { totalCount } }');
    expect(controlCharacterProblems(withDefault, undefined).map((problem) => problem.field)).toEqual(['search']);
  });

  it('is refused with BAD_USER_INPUT listing the fields', () => {
    let thrown: unknown;
    try {
      refuseControlCharacters(document, { input: { street: 'Rua\u0000' } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GraphQLError);
    const error = thrown as GraphQLError;
    expect(error.extensions['code']).toBe('BAD_USER_INPUT');
    expect(error.extensions['fields']).toEqual([{ field: 'input.street', message: expect.stringContaining('U+0000') }]);
  });

  it('passes an operation whose strings are clean', () => {
    expect(() => refuseControlCharacters(document, { id: 'x', input: { name: 'Botijão P13\n' } })).not.toThrow();
  });
});

describe('a plain route', () => {
  it('names the query parameter that holds a control character', () => {
    const url = new URL('http://localhost/uploads?token=abc%00def&other=fine');
    expect(controlCharacterProblemsInQuery(url).map((problem) => problem.field)).toEqual(['token']);
  });
});
