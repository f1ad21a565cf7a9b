import { describe, expect, it } from 'vitest';
import { messageTemplates } from '../src/templates/message-templates.js';
import { TemplateError, loadTemplates, type TemplateSource } from '../src/templates/template.js';

const template = (variables: string[], title: string, body: string, en = { title, body }): TemplateSource => ({
  variables,
  text: { 'pt-BR': { title, body }, en },
});

const problemsOf = (sources: Record<string, TemplateSource>): readonly string[] => {
  try {
    loadTemplates(sources);
  } catch (error) {
    if (error instanceof TemplateError) return error.problems;
    throw error;
  }
  return [];
};

describe('notification templates', () => {
  it('loads every template the service ships', () => {
    expect(() => loadTemplates(messageTemplates)).not.toThrow();
  });

  it('renders the locale asked for with the values placed', () => {
    const templates = loadTemplates({
      greet: template(['name'], 'Olá {{name}}', 'Bem-vindo, {{ name }}!', { title: 'Hello {{name}}', body: 'Welcome, {{name}}!' }),
    });
    expect(templates.greet.render('pt-BR', { name: 'Ana' })).toEqual({ title: 'Olá Ana', body: 'Bem-vindo, Ana!' });
    expect(templates.greet.render('en', { name: 'Ana' })).toEqual({ title: 'Hello Ana', body: 'Welcome, Ana!' });
  });

  it('fails at load when a placeholder names a variable the template does not declare', () => {
    expect(problemsOf({ order: template(['orderRef'], 'Pedido {{orderRef}}', 'Total {{totl}}') })).toEqual([
      'order (pt-BR body): {{totl}} is not one of its variables (orderRef)',
      'order (en body): {{totl}} is not one of its variables (orderRef)',
    ]);
  });

  it('fails at load when a placeholder is never closed, empty, or not a name', () => {
    const problems = problemsOf({
      unclosed: template(['a'], 'x {{a', 'y'),
      empty: template([], '{{}}', 'y'),
      spaced: template(['a'], '{{a b}}', 'y'),
      stray: template(['a'], 'a}} b', 'y'),
    });
    expect(problems).toContain('unclosed (pt-BR title): "{{" is never closed');
    expect(problems).toContain('empty (pt-BR title): "{{}}" is not a variable name');
    expect(problems).toContain('spaced (pt-BR title): "{{a b}}" is not a variable name');
    expect(problems).toContain('stray (pt-BR title): "}}" without a matching "{{"');
  });

  it('reports every malformed template at once, in one clear error', () => {
    const sources = { one: template(['a'], '{{b}}', 'x'), two: template(['a'], 'x', '{{c}}') };
    expect(() => loadTemplates(sources)).toThrow(/notification templates are malformed:\n {2}- one \(pt-BR title\): \{\{b\}\}/);
    expect(problemsOf(sources)).toHaveLength(4);
  });

  it('fails at load when a locale is missing', () => {
    const source = { variables: [], text: { 'pt-BR': { title: 'Oi', body: 'x' } } } as unknown as TemplateSource;
    expect(problemsOf({ partial: source })).toEqual(['partial: no en text']);
  });

  it('refuses to render without a declared variable', () => {
    const templates = loadTemplates({ greet: template(['name'], 'Olá {{name}}', 'x') });
    expect(() => templates.greet.render('pt-BR', {})).toThrow('template greet rendered without name');
  });
});
