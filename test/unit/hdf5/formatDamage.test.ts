// Damaged datatype, dataspace and attribute messages (src/hdf5/format/): every truncation and
// byte flip of every attribute message in files of every attribute kind ends in a value, a
// clear Hdf5Error('corrupt') or FormatUnsupported (left to libhdf5), never a RangeError, a
// TypeError or a hang.
import * as assert from 'node:assert/strict';
import { closeSync, openSync, readSync } from 'node:fs';
import { parseAttributeMessage } from '../../../src/hdf5/format/attributeMessage';
import { attributeValue, type ReferenceResolver } from '../../../src/hdf5/format/attributeValue';
import { parseDataspace } from '../../../src/hdf5/format/dataspace';
import { parseDatatype } from '../../../src/hdf5/format/datatype';
import { openStoredFile, type StoredFile } from '../../../src/hdf5/format/fileCursor';
import {
  FormatUnsupported,
  readObjectHeader,
  type HeaderMessage,
} from '../../../src/hdf5/format/objectHeader';
import { Hdf5Error } from '../../../src/hdf5/types';
import { objectAddresses } from './formatObjects';
import { writeTypedAttributes, type WrittenFile } from './h5pyFiles';

const ATTRIBUTE = 0x0c;
const DATATYPE = 0x03;
const DATASPACE = 0x01;

/** References resolve to nothing here: only the parsing is under test. */
const NO_REFERENCES: ReferenceResolver = {
  resolveRef: () => null,
  region: () => ({ kind: 'all' }),
};

type Outcome = 'read' | 'corrupt' | 'unsupported';

function outcome(read: () => unknown): Outcome {
  try {
    read();
    return 'read';
  } catch (error) {
    if (error instanceof FormatUnsupported) return 'unsupported';
    if (error instanceof Hdf5Error && error.code === 'corrupt') return 'corrupt';
    throw error;
  }
}

/** Every truncation, and every byte set to its complement and to a few telling values. */
function* damaged(body: Uint8Array): Generator<Uint8Array> {
  for (let n = 0; n < body.length; n++) yield body.slice(0, n);
  for (let i = 0; i < body.length; i++) {
    for (const value of [body[i] ^ 0xff, 0, 0x7f, body[i] + 1]) {
      const copy = body.slice();
      copy[i] = value & 0xff;
      yield copy;
    }
  }
}

describe('hdf5 format: damaged attribute messages', function () {
  this.timeout(300_000);
  const written: WrittenFile[] = [];
  after(() => written.forEach(file => file.remove()));

  for (const libver of ['earliest', 'latest'] as const) {
    it(`ends every damaged message of a ${libver} file in a value or a clear error`, () => {
      const source = writeTypedAttributes(libver);
      written.push(source);
      const fd = openSync(source.path, 'r');
      try {
        const file: StoredFile = openStoredFile(
          (at, target) => readSync(fd, target, 0, target.length, at),
          0,
        );
        const messages: HeaderMessage[] = [];
        for (const address of Object.values(objectAddresses(source.path).paths))
          messages.push(...readObjectHeader(file, address).messages);
        const counts: Record<Outcome, number> = { read: 0, corrupt: 0, unsupported: 0 };
        const attributes = messages.filter(message => message.type === ATTRIBUTE);
        assert.ok(attributes.length >= 70, `${attributes.length} attribute messages`);
        for (const message of attributes) {
          assert.equal(
            outcome(() =>
              attributeValue(file, parseAttributeMessage(file, message.body, message.flags), NO_REFERENCES),
            ),
            'read',
          );
          for (const body of damaged(message.body)) {
            const result = outcome(() =>
              attributeValue(file, parseAttributeMessage(file, body, message.flags), NO_REFERENCES),
            );
            counts[result]++;
          }
        }
        for (const message of messages.filter(m => m.type === DATATYPE || m.type === DATASPACE)) {
          for (const body of damaged(message.body)) {
            const read =
              message.type === DATASPACE
                ? () => parseDataspace(file, body)
                : () => parseDatatype(file, body, (message.flags & 0x02) !== 0);
            counts[outcome(read)]++;
          }
        }
        // Damage is seen, not only survived: most truncations and many flips are refused.
        assert.ok(counts.corrupt > 1000, JSON.stringify(counts));
        assert.ok(counts.read > 1000, JSON.stringify(counts));
      } finally {
        closeSync(fd);
      }
    });
  }
});
