// `npm run inspect -- <path|url> [--json]`: prints an HDF5/NWB file's hierarchy (NWB summary,
// then every group and dataset with type, shape, dtype, chunks and filters). URLs are read with
// HTTP range requests, like the viewer does.
import { resolve } from 'node:path';
import { openHdf5 } from '../src/hdf5/engine';
import { formatReport, inspectFile } from '../src/hdf5/inspect';
import { Hdf5Error, type SourceSpec } from '../src/hdf5/types';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const target = args.find(a => !a.startsWith('--'));
  if (!target) {
    console.error('usage: npm run inspect -- <path|url> [--json]');
    return 2;
  }
  const spec: SourceSpec = /^https?:\/\//i.test(target)
    ? { kind: 'http', url: target }
    : { kind: 'local', path: resolve(target) };
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
    console.error(error instanceof Hdf5Error ? `${error.code}: ${error.message}` : error);
    process.exit(1);
  },
);
