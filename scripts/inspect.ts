// `npm run inspect -- <path|url> [--json]`: prints an HDF5/NWB file's hierarchy (NWB summary,
// then every group and dataset with type, shape, dtype, chunks and filters), or a video's index
// (container, codec, size, frames, keyframes) for .mp4/.m4v/.mov/.webm/.mkv/.avi. URLs are read
// with HTTP range requests, like the viewer does.
import { resolve } from 'node:path';
import { openHdf5 } from '../src/hdf5/engine';
import { formatReport, inspectFile } from '../src/hdf5/inspect';
import { HttpSource } from '../src/hdf5/sources/http';
import { LocalSource } from '../src/hdf5/sources/local';
import { Hdf5Error, type SourceSpec } from '../src/hdf5/types';
import { VideoError } from '../src/video/errors';
import { readVideoIndex } from '../src/video/readIndex';
import { videoSummary, formatVideoSummary } from '../src/video/summary';

const VIDEO = /\.(mp4|m4v|mov|webm|mkv|avi)$/i;

async function inspectVideo(target: string, remote: boolean, json: boolean): Promise<void> {
  const source = remote
    ? new HttpSource({ url: target, probeBytes: 64 * 1024 })
    : new LocalSource(resolve(target));
  try {
    const summary = videoSummary(await readVideoIndex(source));
    if (json) console.log(JSON.stringify(summary));
    else {
      console.log(formatVideoSummary(summary));
      console.error(
        `\n${source.requests} ${remote ? 'requests' : 'reads'}, ${source.bytesFetched} bytes fetched`,
      );
    }
  } finally {
    await source.close();
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const target = args.find(a => !a.startsWith('--'));
  if (!target) {
    console.error('usage: npm run inspect -- <path|url> [--json]');
    return 2;
  }
  const remote = /^https?:\/\//i.test(target);
  if (VIDEO.test(remote ? new URL(target).pathname : target)) {
    await inspectVideo(target, remote, json);
    return 0;
  }
  const spec: SourceSpec = remote ? { kind: 'http', url: target } : { kind: 'local', path: resolve(target) };
  const file = await openHdf5(spec);
  try {
    const report = await inspectFile(file);
    const stats = file.stats();
    if (json) console.log(JSON.stringify({ ...report, stats }, null, 2));
    else {
      console.log(formatReport(report));
      console.error(
        `\n${stats.requests} ${spec.kind === 'local' ? 'reads' : 'requests'}, ${stats.bytesFetched} bytes fetched`,
      );
    }
  } finally {
    await file.close();
  }
  return 0;
}

main().then(
  code => process.exit(code),
  (error: unknown) => {
    console.error(
      error instanceof Hdf5Error || error instanceof VideoError ? `${error.code}: ${error.message}` : error,
    );
    process.exit(1);
  },
);
