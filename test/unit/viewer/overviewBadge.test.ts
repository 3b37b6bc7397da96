import * as assert from 'node:assert/strict';
import { overviewBadge } from '../../../media/viewer/overviewBadge';

describe('overview badge', () => {
  const status = { refinable: true, version: 3 };

  it('says which overview the plot shows: sparse, refining n% (rounded down), exact', () => {
    assert.equal(overviewBadge({ ...status, state: 'sparse', progress: 0 }).text, 'sparse');
    const refining = overviewBadge({ ...status, state: 'refining', progress: 0.429 });
    assert.deepEqual([refining.state, refining.text], ['refining', 'refining 42%']);
    assert.equal(overviewBadge({ ...status, state: 'exact', progress: 1 }).text, 'exact');
    // A window read whole carries no overview status: every sample is drawn.
    assert.equal(overviewBadge(undefined).text, 'exact');
  });

  it('says when the exact overview was not kept for the next open, and why, only once it is exact', () => {
    const why = "ENOSPC: no space left on device, open '/cache/overview-pyramids/ab.pyr'";
    const exact = overviewBadge({ ...status, state: 'exact', progress: 1, refinable: false }, why);
    assert.equal(exact.text, 'exact, not kept');
    assert.ok(exact.title.startsWith('Exact: the min/max of every sample'), exact.title);
    assert.ok(exact.title.includes('reads the data again') && exact.title.endsWith(why), exact.title);
    // While refining, the reason of an earlier failed save does not yet apply.
    const refining = overviewBadge({ ...status, state: 'refining', progress: 0.5 }, why);
    assert.equal(refining.text, 'refining 50%');
    assert.ok(!refining.title.includes(why));
  });
});
