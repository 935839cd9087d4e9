/**
 * Child process of the run-folder race test: waits until the wall-clock time in argv[3]
 * (so that every child starts together), then creates argv[4] run folders in argv[2],
 * all with one fixed timestamp (so every child asks for the same names), and prints
 * their paths, one a line.
 */
import { resolveConfig } from '../../sidecar/config/resolveConfig';
import { createRunDir } from '../../sidecar/runs/runStore';

async function main(): Promise<void> {
  const [runsDir, startAt, count] = process.argv.slice(2);
  const config = resolveConfig({ name: 'race' }, `${runsDir}/race.scalenet.json`);
  const wait = Number(startAt) - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const dirs: string[] = [];
  for (let i = 0; i < Number(count); i++) {
    dirs.push(await createRunDir(runsDir, config, new Date(2026, 11, 2, 6, 0, 0)));
  }
  process.stdout.write(dirs.join('\n') + '\n');
}

void main();
