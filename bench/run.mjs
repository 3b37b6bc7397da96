// `npm run bench`: runs every built benchmark (dist/bench/*.js) one after another. Each prints one
// JSON object per result on stdout (progress goes to stderr); this runner passes them through and
// keeps a copy in test-results/bench.jsonl. `npm run bench -- hdf5` runs only matching benchmarks.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const filter = process.argv[2];
const dir = 'dist/bench';
const benches = existsSync(dir)
  ? readdirSync(dir)
      .filter(f => f.endsWith('.bench.js') && (!filter || f.includes(filter)))
      .sort()
  : [];
if (benches.length === 0) {
  console.error(`no benchmarks found in ${dir}${filter ? ` matching "${filter}"` : ''}`);
  process.exit(1);
}

const results = [];
let failed = 0;
for (const file of benches) {
  console.error(`\n== ${file}`);
  const code = await new Promise(resolve => {
    const child = spawn(process.execPath, ['--expose-gc', join(dir, file)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    child.stdout.on('data', chunk => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        process.stdout.write(line + '\n');
        try {
          results.push(JSON.parse(line));
        } catch {
          // Not a result line; already passed through.
        }
      }
    });
    child.on('close', resolve);
  });
  if (code !== 0) {
    failed++;
    console.error(`${file} exited with ${code}`);
  }
}
mkdirSync('test-results', { recursive: true });
writeFileSync('test-results/bench.jsonl', results.map(r => JSON.stringify(r)).join('\n') + '\n');
console.error(`\n${results.length} results from ${benches.length} benchmarks; ${failed} failed`);
process.exit(failed ? 1 : 0);
