// The link meter: round-trip time from the fastest recent headers, throughput from bodies large
// enough to say something, and their product as the bytes one round trip is worth.
import * as assert from 'node:assert/strict';
import { LinkMeter } from '../../../src/hdf5/sources/linkMeter';

const MiB = 1024 * 1024;

describe('hdf5 link meter', () => {
  it('knows nothing before a large body, then round trip × throughput', () => {
    const link = new LinkMeter();
    assert.equal(link.roundTripBytes(), 0);
    link.record(50, 0.1, 16 * 1024);
    assert.equal(link.roundTripMs, 50);
    assert.equal(link.roundTripBytes(), 0, 'a small body says nothing about throughput');
    // 4 MiB in 20 ms: about 210 bytes per µs; 50 ms of it is 10 MiB.
    link.record(55, 20, 4 * MiB);
    assert.equal(link.roundTripMs, 50, 'the fastest recent headers');
    assert.equal(link.roundTripBytes(), Math.round((50 * 4 * MiB) / 20));
  });

  it('follows a link that changed: slower headers replace faster ones after a few requests', () => {
    const link = new LinkMeter();
    for (let i = 0; i < 4; i++) link.record(1, 1, 1 * MiB);
    assert.equal(link.roundTripMs, 1);
    for (let i = 0; i < 4; i++) link.record(80, 100, 1 * MiB);
    assert.equal(link.roundTripMs, 80);
    assert.ok(link.roundTripBytes() < 80 * MiB, 'the throughput estimate moved towards the slow samples');
  });
});
