/**
 * What the view switcher's buttons say for each view kind. Typed against VIEW_KINDS
 * (src/shared/protocolTypes.ts), so a kind without a label does not compile; the buttons keep the
 * kind itself in `data-view` for tests.
 */
import type { ViewKind } from '../../src/shared/protocol';

export const VIEW_LABELS: { readonly [K in ViewKind]: string } = {
  overview: 'Overview',
  timeseries: 'Time series',
  imageSeries: 'Image series',
  image: 'Image',
  images: 'Images',
  planeSegmentation: 'ROIs',
  table: 'Table',
  units: 'Units',
  intervals: 'Intervals',
  icephys: 'Sweeps',
  spatial: 'Trajectory',
  pose: 'Pose',
  dataset: 'Values',
  group: 'Group',
  psth: 'PSTH',
  align: 'Aligned on time',
  events: 'Events',
  spikeEvents: 'Spike events',
  clustering: 'Clusters',
  clusterWaveforms: 'Cluster waveforms',
  features: 'Features',
  depthHeatmap: 'Depth × time',
  channelHeatmap: 'Channels × time',
};
