/**
 * The webview's half of every view, one entry each: the function that draws it. The host's half
 * (which objects, which requests) is src/nwb/viewRegistry.ts; both are typed against VIEW_KINDS
 * (src/shared/protocolTypes.ts), so a kind without an entry here does not compile.
 */
import type { ViewKind } from '../../../src/shared/protocol';
import { renderAlign } from './align';
import { renderClustering, renderClusterWaveforms } from './clustering';
import type { ViewRenderer } from './context';
import { renderDataset } from './dataset';
import { renderDepthHeatmap } from './depthHeatmap';
import { renderEvents } from './events';
import { renderFeatures } from './features';
import { renderGroup } from './group';
import { renderIcephys } from './icephys';
import { renderImage, renderImages } from './image';
import { renderIntervals } from './intervals';
import { renderOverview } from './overview';
import { renderPsth } from './psth';
import { renderRois } from './rois';
import { renderSpikeEvents } from './spikeEvents';
import { renderSpatial } from './spatial';
import { renderTable } from './table';
import { renderTimeSeries } from './timeseries';
import { renderUnits } from './units';

export const RENDERERS: { readonly [K in ViewKind]: ViewRenderer } = {
  overview: renderOverview,
  timeseries: renderTimeSeries,
  imageSeries: renderImage,
  image: renderImage,
  images: renderImages,
  planeSegmentation: renderRois,
  // The table view also draws inside units and intervals, on a parent and path of their own.
  table: ctx => renderTable(ctx),
  units: renderUnits,
  intervals: renderIntervals,
  icephys: renderIcephys,
  spatial: renderSpatial,
  pose: renderSpatial,
  dataset: renderDataset,
  group: renderGroup,
  // Also the units view's PSTH tab, on a parent of its own.
  psth: ctx => renderPsth(ctx),
  align: renderAlign,
  events: renderEvents,
  spikeEvents: renderSpikeEvents,
  clustering: renderClustering,
  clusterWaveforms: renderClusterWaveforms,
  features: renderFeatures,
  depthHeatmap: renderDepthHeatmap,
  channelHeatmap: renderDepthHeatmap,
};
