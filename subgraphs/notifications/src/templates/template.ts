/**
 * A message template: text with `{{variable}}` placeholders. Templates are checked when they
 * are loaded, not when a message is rendered, so a typo in a placeholder stops the service at
 * start instead of sending a broken message at three in the morning.
 */

export const LOCALES = ['pt-BR', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'pt-BR';

export const isLocale = (value: unknown): value is Locale => typeof value === 'string' && (LOCALES as readonly string[]).includes(value);

export interface TemplateText {
  title: string;
  body: string;
}

/** One template as written: its variables and its text in every locale. */
export interface TemplateSource {
  variables: readonly string[];
  text: Record<Locale, TemplateText>;
}

/** Thrown at load with every problem found, one per line. */
export class TemplateError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`notification templates are malformed:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'TemplateError';
  }
}

type Piece = { literal: string } | { variable: string };

const VARIABLE_NAME = /^[a-zA-Z][a-zA-Z0-9]*$/;

/** Splits text into literals and placeholders; reports an unclosed, empty or ill-named placeholder. */
export function parsePlaceholders(text: string, where: string, problems: string[]): Piece[] {
  const pieces: Piece[] = [];
  let rest = text;
  for (;;) {
    const open = rest.indexOf('{{');
    const strayClose = rest.indexOf('}}');
    if (strayClose !== -1 && (open === -1 || strayClose < open)) {
      problems.push(`${where}: "}}" without a matching "{{"`);
      return pieces;
    }
    if (open === -1) {
      if (rest.length > 0) pieces.push({ literal: rest });
      return pieces;
    }
    if (open > 0) pieces.push({ literal: rest.slice(0, open) });
    const close = rest.indexOf('}}', open + 2);
    if (close === -1) {
      problems.push(`${where}: "{{" is never closed`);
      return pieces;
    }
    const name = rest.slice(open + 2, close).trim();
    if (!VARIABLE_NAME.test(name)) problems.push(`${where}: "{{${rest.slice(open + 2, close)}}}" is not a variable name`);
    else pieces.push({ variable: name });
    rest = rest.slice(close + 2);
  }
}

export interface CompiledTemplate {
  readonly variables: readonly string[];
  render(locale: Locale, values: Readonly<Record<string, string>>): TemplateText;
}

/** Checks one template; problems are added to `problems`, and the template is usable only if none were. */
export function compileTemplate(key: string, source: TemplateSource, problems: string[]): CompiledTemplate {
  const declared = new Set(source.variables);
  const compiled = {} as Record<Locale, { title: Piece[]; body: Piece[] }>;
  for (const locale of LOCALES) {
    const text = source.text[locale];
    if (text === undefined) {
      problems.push(`${key}: no ${locale} text`);
      continue;
    }
    const parts = { title: [] as Piece[], body: [] as Piece[] };
    for (const part of ['title', 'body'] as const) {
      const where = `${key} (${locale} ${part})`;
      parts[part] = parsePlaceholders(text[part], where, problems);
      for (const piece of parts[part]) {
        if ('variable' in piece && !declared.has(piece.variable))
          problems.push(`${where}: {{${piece.variable}}} is not one of its variables (${[...declared].join(', ') || 'none'})`);
      }
    }
    compiled[locale] = parts;
  }
  const fill = (pieces: Piece[], values: Readonly<Record<string, string>>) =>
    pieces.map((piece) => ('literal' in piece ? piece.literal : (values[piece.variable] ?? ''))).join('');
  return {
    variables: source.variables,
    render(locale, values) {
      const missing = source.variables.filter((name) => values[name] === undefined);
      if (missing.length > 0) throw new Error(`template ${key} rendered without ${missing.join(', ')}`);
      const parts = compiled[locale];
      return { title: fill(parts.title, values), body: fill(parts.body, values) };
    },
  };
}

/** Compiles a set of templates, throwing one TemplateError with every problem in all of them. */
export function loadTemplates<Key extends string>(sources: Readonly<Record<Key, TemplateSource>>): Readonly<Record<Key, CompiledTemplate>> {
  const problems: string[] = [];
  const compiled = {} as Record<Key, CompiledTemplate>;
  for (const key of Object.keys(sources) as Key[]) compiled[key] = compileTemplate(key, sources[key], problems);
  if (problems.length > 0) throw new TemplateError(problems);
  return compiled;
}
