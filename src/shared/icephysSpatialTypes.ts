/**
 * Replies of the icephys and spatial views: intracellular sweeps (response, stimulus and its
 * measured shape, grouped by stimulus) and SpatialSeries / ndx-pose trajectories with their
 * skeleton. Kept apart from protocolTypes.ts so the views' types stay together by domain;
 * protocol.ts names them in HostMethods. No `vscode`, no DOM.
 */

/** One sweep: response series plus its stimulus. */
export interface Sweep {
  index: number;
  sweepNumber?: number;
  response?: { path: string; neurodataType?: string; unit?: string };
  stimulus?: { path: string; neurodataType?: string; unit?: string };
  /** Protocol / stimulus description when stored (e.g. `stimulus_description`). */
  label?: string;
  /** What the sweeps are grouped by: `stimulus_description`, else the sequential recording's `stimulus_type`. */
  stimulusName?: string;
  clampMode?: 'current' | 'voltage' | 'izero';
  /** Cells of the sweep's table row and its parents' rows, keyed `table.column` (for filtering). */
  columns?: Record<string, string | number>;
  /** Baseline, onset and amplitude measured from the stimulus data (src/nwb/stimulusShape.ts). */
  shape?: StimulusShape;
}

/** A stimulus as measured from its samples, in the stimulus series' unit. */
export interface StimulusShape {
  /** Holding level before the stimulus. */
  baseline: number;
  /** Step amplitude relative to the baseline: the plateau (`plateau`) or the largest deviation (`peak`). */
  amplitude: number;
  method: 'plateau' | 'peak' | 'flat';
  /** Seconds on the series' clock of the first sample departing from the baseline (after a test pulse). */
  onset?: number;
  unit: string;
}

/** Sweeps sharing one stimulus name (indices into `IcephysSweeps.sweeps`, by amplitude). */
export interface SweepGroup {
  stimulusName: string;
  sweeps: number[];
}

/** Reply to `icephys/sweeps`. */
export interface IcephysSweeps {
  /** Where the pairing came from. */
  source: 'intracellular_recordings' | 'sweep_table' | 'epochs' | 'series';
  sweeps: Sweep[];
  groups: SweepGroup[];
}

/** One trajectory (SpatialSeries) or keypoint (PoseEstimationSeries). */
export interface Trajectory {
  name: string;
  path: string;
  unit: string;
  /** Float64 ArrayBuffer of times; Float32 ArrayBuffers x and y (y absent for 1-D). */
  time: ArrayBuffer;
  x: ArrayBuffer;
  y?: ArrayBuffer;
  /** Float32 ArrayBuffer (ndx-pose confidence), when present. */
  confidence?: ArrayBuffer;
}

/** Reply to `spatial/trajectory`. */
export interface TrajectorySet {
  path: string;
  kind: 'spatial' | 'pose';
  series: Trajectory[];
  /** ndx-pose skeleton: node names and edges as node index pairs. */
  skeleton?: { nodes: string[]; edges: [number, number][] };
  tStart: number;
  tEnd: number;
  /** Every `stride`-th sample was taken to stay under `maxPoints`. */
  stride: number;
  /**
   * How the positions are drawn, decided from what they are: `image` for keypoints in video
   * pixels (y down, origin top-left, as on the video), `arena` for positions in space (y up).
   */
  coordinates: 'image' | 'arena';
  /** Image coordinates: the video frame the keypoints sit in, when the file says (else fit to the data). */
  frame?: { width: number; height: number; source: string };
}
