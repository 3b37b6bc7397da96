// Writes the project's generated NWB fixtures and videos.
//   npm run fixtures -- [--out DIR] [--large] [--large-size-gb N] [--large-out FILE]
// Small files go to DIR (default <repo>/.cache/nwb); --large also writes the benchmark
// ElectricalSeries (default <repo>/.cache/large/ecephys-1gib.nwb, at least N GiB, default 1).
// The videos and the IBL-shaped session go to <repo>/.cache/video (ffmpeg, cached by recipe).
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { defaultLargePath, ensureGeneratedNwb, ensureLargeEphys } from '../test/fixtures/nwbgen';
import { ensureGeneratedVideos } from '../test/fixtures/videogen';

interface Args {
  out?: string;
  large: boolean;
  largeSizeGb: number;
  largeOut?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { large: false, largeSizeGb: 1 };
  for (let i = 0; i < argv.length; i++) {
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return v;
    };
    switch (argv[i]) {
      case '--out':
        args.out = value();
        break;
      case '--large':
        args.large = true;
        break;
      case '--large-size-gb': {
        args.largeSizeGb = Number(value());
        if (!(args.largeSizeGb > 0)) throw new Error('--large-size-gb must be a positive number');
        break;
      }
      case '--large-out':
        args.largeOut = value();
        break;
      default:
        throw new Error(
          `unknown argument ${argv[i]} (expected --out DIR, --large, --large-size-gb N, --large-out FILE)`,
        );
    }
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let started = Date.now();
  const generated = await ensureGeneratedNwb(args.out);
  console.log(`small fixtures in ${generated.dir} (${Date.now() - started} ms):`);
  for (const file of Object.values(generated.files))
    console.log(`  ${basename(file).padEnd(24)} ${statSync(file).size} bytes`);
  console.log(
    `  ${basename(generated.manyRows.path).padEnd(24)} ${generated.manyRows.size} bytes (${generated.manyRows.rows} rows in ${generated.manyRows.table})`,
  );
  started = Date.now();
  const videos = await ensureGeneratedVideos();
  console.log(`videos and the IBL-shaped session in .cache/video (${Date.now() - started} ms):`);
  for (const v of videos)
    console.log(
      `  ${basename(v.path).padEnd(24)} ${v.size} bytes, ${v.frames} frames at ${v.fps} Hz (encoded in ${v.generationMs} ms)`,
    );
  if (args.large) {
    started = Date.now();
    const info = await ensureLargeEphys(args.largeOut ?? defaultLargePath(), {
      bytes: Math.round(args.largeSizeGb * 1024 ** 3),
    });
    console.log(
      `large file ${info.path}: ${info.size} bytes, ${info.seriesPath} shape ${info.shape.join('×')} chunks ${info.chunks.join('×')}, ` +
        `written in ${info.generationMs} ms (this run: ${Date.now() - started} ms)`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
