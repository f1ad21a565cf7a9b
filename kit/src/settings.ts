import { z } from 'zod';
import { isProductionSecret, isRequiredInProduction, parseEnvironment, type Environment } from './config.js';

/**
 * One environment variable, declared once: its name, its schema (with its default) and what it
 * means. The parsed type, the validation and the configuration documentation all come from it.
 */
export class Setting<Schema extends z.ZodType = z.ZodType> {
  constructor(
    readonly variable: string,
    readonly schema: Schema,
    readonly description: string,
    /** How the default reads in the documentation, when the schema's own is derived or depends on the machine. */
    readonly documentedDefault?: string,
  ) {}
}

export function setting<Schema extends z.ZodType>(
  variable: string,
  schema: Schema,
  description: string,
  options: { documentedDefault?: string } = {},
): Setting<Schema> {
  return new Setting(variable, schema, description, options.documentedDefault);
}

/** Settings by the property they are read into; a nested group becomes a nested object. */
export interface SettingGroup {
  readonly [property: string]: Setting | SettingGroup;
}

/** The object a group parses into. */
export type SettingsOf<Group extends SettingGroup> = {
  -readonly [Property in keyof Group]: Group[Property] extends Setting<infer Schema>
    ? z.output<Schema>
    : Group[Property] extends SettingGroup
      ? SettingsOf<Group[Property]>
      : never;
};

/** One row of the configuration documentation. */
export interface SettingDocumentation {
  variable: string;
  /** The default as the documentation shows it (Markdown); undefined when the variable is required. */
  defaultValue: string | undefined;
  description: string;
  /** A secret with a development default: production needs a strong value of its own. */
  productionSecret: boolean;
  /** Has a development fallback that production may not use. */
  requiredInProduction: boolean;
}

export interface SettingsDefinition<Group extends SettingGroup> {
  readonly group: Group;
  /** Reads the group's variables from the environment, reporting every problem together (ConfigError). */
  parse(environment: Environment): SettingsOf<Group>;
  /** Every variable of the group, in declaration order. */
  document(): SettingDocumentation[];
}

export function defineSettings<Group extends SettingGroup>(group: Group): SettingsDefinition<Group> {
  const settings = settingsIn(group);
  const shape: Record<string, z.ZodType> = {};
  for (const { variable, schema } of settings) {
    if (shape[variable] !== undefined) throw new Error(`${variable} is declared twice`);
    shape[variable] = schema;
  }
  return {
    group,
    parse: (environment) => {
      const parsed: Record<string, unknown> = parseEnvironment(shape, environment);
      // The walk mirrors SettingsOf<Group> property by property; TypeScript cannot follow it.
      return readGroup(group, parsed) as SettingsOf<Group>;
    },
    document: () => settings.map(documentationOf),
  };
}

export function isSettingsDefinition(value: unknown): value is SettingsDefinition<SettingGroup> {
  return typeof value === 'object' && value !== null && 'group' in value && 'document' in value && typeof value.document === 'function';
}

function settingsIn(group: SettingGroup): Setting[] {
  return Object.values(group).flatMap((entry) => (entry instanceof Setting ? [entry] : settingsIn(entry)));
}

function readGroup(group: SettingGroup, parsed: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(group).map(([property, entry]) => [
      property,
      entry instanceof Setting ? parsed[entry.variable] : readGroup(entry, parsed),
    ]),
  );
}

function documentationOf(declared: Setting): SettingDocumentation {
  return {
    variable: declared.variable,
    defaultValue: declared.documentedDefault ?? (isProductionSecret(declared.schema) ? 'a development value' : defaultOf(declared.schema)),
    description: declared.description,
    productionSecret: isProductionSecret(declared.schema),
    requiredInProduction: isRequiredInProduction(declared.schema),
  };
}

/** The default as written in the declaration (before any transform), in Markdown; `unset` for an optional setting. */
function defaultOf(schema: z.core.$ZodType): string | undefined {
  if (schema instanceof z.core.$ZodDefault) {
    const value: unknown = schema._zod.def.defaultValue;
    const text = Array.isArray(value) ? value.join(',') : String(value);
    return text === '' ? 'empty' : `\`${text}\``;
  }
  if (schema instanceof z.core.$ZodPipe) return defaultOf(schema._zod.def.in);
  if (schema instanceof z.core.$ZodOptional) return 'unset';
  return undefined;
}
