// Fails when a Markdown file of the repository points at a file that is not in
// the repository: a relative link whose target does not exist, a link that
// leaves the repository (an absolute path, `../` past the root), or a path in
// code (`../shared/notes/x.md`) that climbs out to a folder the repository does
// not have. Web links and in-page anchors are not checked.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { projectRoot } from '#kit';

/** `[text](target)` and `[text](target "title")`; images too. Reference definitions: `[name]: target`. */
const inlineLink = /\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const referenceDefinition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm;
const fencedBlock = /^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm;
const inlineCode = /`[^`\n]*`/g;
const external = /^(?:[a-z][a-z0-9+.-]*:|\/\/|#)/i;
/** A path in code that climbs: `../x/…`, `../../x/…`; group 1 is the first folder it names. */
const climbingPath = /`(?:\.\.\/)+([^/`\s]+)\/[^`\s]*`/g;
const topLevel = new Set(readdirSync(projectRoot));

const markdownFiles = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'], {
  cwd: projectRoot,
  encoding: 'utf8',
})
  .split('\n')
  .filter((file) => file !== '' && existsSync(join(projectRoot, file)));

const problems: string[] = [];
for (const file of markdownFiles) {
  const withCode = readFileSync(join(projectRoot, file), 'utf8').replace(fencedBlock, '');
  // A relative path in code may be relative to anything (a Prisma output, a subgraph's folder); only
  // one whose first folder the repository does not have is sure to be outside it.
  for (const [path, folder] of withCode.matchAll(climbingPath)) {
    if (!topLevel.has(folder!)) problems.push(`${file}: ${path} names a folder outside the repository`);
  }
  const text = withCode.replace(inlineCode, '');
  const targets = [...text.matchAll(inlineLink), ...text.matchAll(referenceDefinition)].map((match) => match[1]!);
  for (const target of targets) {
    if (external.test(target)) continue;
    const path = decodeURIComponent(target.split('#')[0]!.split('?')[0]!);
    if (path === '') continue;
    const resolved = isAbsolute(path) ? path : resolve(projectRoot, dirname(file), path);
    const inside = relative(projectRoot, resolved);
    if (inside.startsWith('..') || isAbsolute(inside) || isAbsolute(path))
      problems.push(`${file}: ${target} points outside the repository`);
    else if (!existsSync(resolved)) problems.push(`${file}: ${target} does not exist`);
  }
}
if (problems.length > 0) {
  process.stderr.write(`${problems.join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`every relative link in ${markdownFiles.length} Markdown files points at a file in the repository\n`);
