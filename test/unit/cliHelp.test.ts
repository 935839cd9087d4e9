/**
 * `scalenet --help` names every method and lists every command the README documents
 * (it once omitted SimCLR, and the README listed two commands of nine).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

void describe('scalenet --help', () => {
  const help = execFileSync(process.execPath, ['dist/cli.js', '--help'], { encoding: 'utf8' });

  void it('names the methods, SimCLR included', () => {
    for (const method of ['RotNet', 'ScaleNet', 'SimCLR', 'multi-scale SimCLR']) {
      assert.ok(help.includes(method), `${method} in:\n${help}`);
    }
  });

  void it('lists every command of the README, and the README every command', () => {
    const listed = [...help.matchAll(/^ {2}([a-z]+) /gm)]
      .map((m) => m[1])
      .filter((c) => c !== 'help');
    const readme = readFileSync('README.md', 'utf8');
    const documented = new Set(
      [...readme.matchAll(/^node dist\/cli\.js ([a-z]+)/gm)].map((m) => m[1]),
    );
    assert.ok(listed.length >= 12, listed.join(', '));
    for (const command of listed) assert.ok(documented.has(command), `README documents ${command}`);
    for (const command of documented)
      assert.ok(listed.includes(command), `--help lists ${command}`);
  });
});
