/**
 * Movie fragments (`moof` → `traf` → `tfhd`/`tfdt`/`trun`, defaults from `mvex`/`trex`): the
 * samples of the video track appended, in decode order, to the ones `moov` listed (usually none).
 */
import { childBoxes, Cursor, type BoxHeader } from './boxes';
import type { TrexDefaults } from './mp4Movie';
import type { SampleArrays } from './table';

/** sample_is_non_sync_sample in a sample's flags (ISO 14496-12 §8.8.3.1). */
const NON_SYNC = 0x10000;

export interface FragmentState {
  trackId: number;
  trex: TrexDefaults;
  /** Decode time where the next fragment continues when it has no `tfdt`. */
  nextDts: number;
  /** Sum of the fragments' sample durations. */
  durationTicks: number;
}

/** Appends the track's samples from one `moof` (all of it in `bytes`, which starts at file offset `moofStart`). */
export function readFragment(
  bytes: Uint8Array,
  moofStart: number,
  state: FragmentState,
  samples: SampleArrays,
): void {
  const moof = childBoxes(bytes, 0, bytes.length)[0];
  if (!moof || moof.type !== 'moof') return;
  for (const traf of childBoxes(bytes, moof.start + moof.headerSize, moof.start + moof.size)) {
    if (traf.type === 'traf') readTrackFragment(bytes, traf, moofStart, state, samples);
  }
}

function readTrackFragment(
  bytes: Uint8Array,
  traf: BoxHeader,
  moofStart: number,
  state: FragmentState,
  samples: SampleArrays,
): void {
  const boxes = childBoxes(bytes, traf.start + traf.headerSize, traf.start + traf.size);
  const tfhdBox = boxes.find(b => b.type === 'tfhd');
  if (!tfhdBox) return;
  const h = Cursor.ofBox(bytes, tfhdBox);
  const { flags } = h.fullBox();
  if (h.u32() !== state.trackId) return;
  // Without base_data_offset the base is the moof's first byte (default-base-is-moof, and what
  // every writer of fragmented MP4 for the web means).
  const base = flags & 0x1 ? h.u64() : moofStart;
  if (flags & 0x2) h.u32();
  const defaultDuration = flags & 0x8 ? h.u32() : state.trex.duration;
  const defaultSize = flags & 0x10 ? h.u32() : state.trex.size;
  const defaultFlags = flags & 0x20 ? h.u32() : state.trex.flags;
  const tfdt = boxes.find(b => b.type === 'tfdt');
  if (tfdt) {
    const c = Cursor.ofBox(bytes, tfdt);
    const { version } = c.fullBox();
    state.nextDts = version === 1 ? c.u64() : c.u32();
  }
  let dataEnd = base;
  for (const trun of boxes.filter(b => b.type === 'trun')) {
    const c = Cursor.ofBox(bytes, trun);
    const { flags: f } = c.fullBox();
    const count = c.u32();
    const perSample = [0x100, 0x200, 0x400, 0x800].filter(bit => f & bit).length * 4;
    // A run without data_offset continues where the previous one's data ended.
    let at = f & 0x1 ? base + c.i32() : dataEnd;
    const firstFlags = f & 0x4 ? c.u32() : undefined;
    c.entries(count, perSample);
    samples.reserve(count);
    for (let i = 0; i < count; i++) {
      const duration = f & 0x100 ? c.u32() : defaultDuration;
      const size = f & 0x200 ? c.u32() : defaultSize;
      const sampleFlags =
        f & 0x400 ? c.u32() : i === 0 && firstFlags !== undefined ? firstFlags : defaultFlags;
      const ctsOffset = f & 0x800 ? c.i32() : 0;
      samples.push(at, size, state.nextDts, state.nextDts + ctsOffset, (sampleFlags & NON_SYNC) === 0);
      at += size;
      state.nextDts += duration;
      state.durationTicks += duration;
    }
    dataEnd = at;
  }
}
