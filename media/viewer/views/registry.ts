/** Which renderer draws which ViewKind (the host chooses the kind from neurodata_type + inheritance). */
import type { ViewKind } from '../../../src/shared/protocol';
import type { ViewRenderer } from './context';
import { renderDataset } from './dataset';
import { renderGroup } from './group';
import { renderIcephys } from './icephys';
import { renderImage, renderImages } from './image';
import { renderIntervals } from './intervals';
import { renderOverview } from './overview';
import { renderRois } from './rois';
import { renderSpatial } from './spatial';
import { renderTable } from './table';
import { renderTimeSeries } from './timeseries';
import { renderUnits } from './units';

export const RENDERERS: Record<ViewKind, ViewRenderer> = {
  overview: renderOverview,
  timeseries: renderTimeSeries,
  imageSeries: renderImage,
  image: renderImage,
  images: renderImages,
  planeSegmentation: renderRois,
  table: ctx => renderTable(ctx),
  units: renderUnits,
  intervals: renderIntervals,
  icephys: renderIcephys,
  spatial: renderSpatial,
  pose: renderSpatial,
  dataset: renderDataset,
  group: renderGroup,
};
