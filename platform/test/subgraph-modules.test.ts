import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '#kit';
import { subgraphModules, subgraphNames } from '../src/subgraph-modules.js';

describe('the subgraphs the platform runs', () => {
  it('are the folders under subgraphs/, each listed in rover.yaml, with accounts first', () => {
    const folders = readdirSync(join(projectRoot, 'subgraphs'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect([...subgraphNames()].sort()).toEqual([...folders].sort());
    expect(subgraphNames()[0]).toBe('accounts');
  });

  it("are loaded from each folder's module, in rover.yaml's order", () => {
    expect(subgraphModules.map((module) => module.name)).toEqual(subgraphNames());
    for (const module of subgraphModules) expect(Object.keys(module.produces).length).toBeGreaterThan(0);
  });
});
