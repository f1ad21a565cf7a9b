// The gateway's executor (gateway/src/execution) is a fork of parts of
// @apollo/gateway that leans on Apollo's internal packages. Its FORK.md names
// the versions the fork was last reviewed against; this fails when the versions
// the project installs differ from them (a bump without a review), or when the
// fork imports an Apollo package FORK.md does not list.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '#kit';

const forkNotes = 'gateway/src/execution/FORK.md';
/** The fork's files, and the data source that replaces @apollo/gateway's transport for operation fetches. */
const forkSources = [
  ...readdirSync(join(projectRoot, 'gateway/src/execution'))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => `gateway/src/execution/${file}`),
  'gateway/src/subgraph-data-source.ts',
];

/** A row of the reviewed-versions table: | `@apollo/name` | 1.2.3 | why |. */
const reviewedRow = /^\|\s*`(@apollo\/[^`]+)`\s*\|\s*(\d+\.\d+\.\d+\S*)\s*\|/gm;
const apolloImport = /from '(@apollo\/[^'/]+)(?:\/[^']*)?'/g;

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
interface Lockfile {
  packages: Record<string, { version?: string } | undefined>;
}

const read = (path: string) => readFileSync(join(projectRoot, path), 'utf8');
const manifest = JSON.parse(read('package.json')) as Manifest;
const lockfile = JSON.parse(read('package-lock.json')) as Lockfile;
const reviewed = new Map([...read(forkNotes).matchAll(reviewedRow)].map((match) => [match[1]!, match[2]!]));

const problems: string[] = [];
if (reviewed.size === 0) problems.push(`${forkNotes} has no reviewed-versions table`);
for (const [name, version] of reviewed) {
  const pinned = manifest.dependencies?.[name] ?? manifest.devDependencies?.[name];
  if (pinned !== undefined && pinned !== version) {
    problems.push(`package.json pins ${name} ${pinned}, but ${forkNotes} was reviewed against ${version}`);
  }
  const installed = lockfile.packages[`node_modules/${name}`]?.version;
  if (installed !== version) {
    problems.push(`package-lock.json installs ${name} ${installed ?? '(nothing)'}, but ${forkNotes} was reviewed against ${version}`);
  }
}
for (const source of forkSources) {
  for (const [, name] of read(source).matchAll(apolloImport)) {
    if (!reviewed.has(name!)) problems.push(`${source} imports ${name}, which ${forkNotes} does not list among the reviewed versions`);
  }
}
if (problems.length > 0) {
  process.stderr.write(
    `${problems.join('\n')}\nReview the fork against the new versions (${forkNotes}, "Upgrading the Apollo packages"), then update its table.\n`,
  );
  process.exit(1);
}
process.stdout.write(
  `the executor fork was reviewed against the Apollo versions installed (${[...reviewed].map(([name, version]) => `${name} ${version}`).join(', ')})\n`,
);
