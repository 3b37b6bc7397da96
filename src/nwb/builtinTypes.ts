/**
 * Parents of the NWB core and hdmf-common types, so views can be picked without reading the
 * embedded schemas (files written without `/specifications`, and fewer requests on remote files).
 * Extension types are learned from `/specifications` (see schema.ts). Names follow NWB 2.x.
 */
export const BUILTIN_PARENTS: Readonly<Record<string, string | null>> = {
  // hdmf-common
  Container: null,
  Data: null,
  Table: null,
  SimpleMultiContainer: 'Container',
  VectorData: 'Data',
  VectorIndex: 'VectorData',
  ElementIdentifiers: 'Data',
  DynamicTableRegion: 'VectorData',
  EnumData: 'VectorData',
  DynamicTable: 'Container',
  AlignedDynamicTable: 'DynamicTable',
  CSRMatrix: 'Container',
  HERD: 'Container',
  // core: base
  NWBContainer: 'Container',
  NWBDataInterface: 'NWBContainer',
  NWBData: 'Data',
  TimeSeries: 'NWBDataInterface',
  TimeSeriesReferenceVectorData: 'VectorData',
  ProcessingModule: 'NWBContainer',
  Image: 'NWBData',
  ImageReferences: 'NWBData',
  Images: 'NWBDataInterface',
  NWBFile: 'NWBContainer',
  LabMetaData: 'NWBContainer',
  Subject: 'NWBContainer',
  Device: 'NWBContainer',
  DeviceModel: 'NWBContainer',
  ScratchData: 'NWBData',
  // behavior
  SpatialSeries: 'TimeSeries',
  BehavioralEpochs: 'NWBDataInterface',
  BehavioralEvents: 'NWBDataInterface',
  BehavioralTimeSeries: 'NWBDataInterface',
  PupilTracking: 'NWBDataInterface',
  EyeTracking: 'NWBDataInterface',
  CompassDirection: 'NWBDataInterface',
  Position: 'NWBDataInterface',
  // ecephys
  ElectricalSeries: 'TimeSeries',
  SpikeEventSeries: 'ElectricalSeries',
  FeatureExtraction: 'NWBDataInterface',
  EventDetection: 'NWBDataInterface',
  EventWaveform: 'NWBDataInterface',
  FilteredEphys: 'NWBDataInterface',
  LFP: 'NWBDataInterface',
  ElectrodeGroup: 'NWBContainer',
  ElectrodesTable: 'DynamicTable',
  ClusterWaveforms: 'NWBDataInterface',
  Clustering: 'NWBDataInterface',
  // epoch, misc
  TimeIntervals: 'DynamicTable',
  AbstractFeatureSeries: 'TimeSeries',
  AnnotationSeries: 'TimeSeries',
  IntervalSeries: 'TimeSeries',
  DecompositionSeries: 'TimeSeries',
  Units: 'DynamicTable',
  // icephys
  PatchClampSeries: 'TimeSeries',
  CurrentClampSeries: 'PatchClampSeries',
  IZeroClampSeries: 'CurrentClampSeries',
  CurrentClampStimulusSeries: 'PatchClampSeries',
  VoltageClampSeries: 'PatchClampSeries',
  VoltageClampStimulusSeries: 'PatchClampSeries',
  IntracellularElectrode: 'NWBContainer',
  SweepTable: 'DynamicTable',
  IntracellularElectrodesTable: 'DynamicTable',
  IntracellularStimuliTable: 'DynamicTable',
  IntracellularResponsesTable: 'DynamicTable',
  IntracellularRecordingsTable: 'AlignedDynamicTable',
  SimultaneousRecordingsTable: 'DynamicTable',
  SequentialRecordingsTable: 'DynamicTable',
  RepetitionsTable: 'DynamicTable',
  ExperimentalConditionsTable: 'DynamicTable',
  // image
  GrayscaleImage: 'Image',
  RGBImage: 'Image',
  RGBAImage: 'Image',
  ImageSeries: 'TimeSeries',
  ImageMaskSeries: 'ImageSeries',
  OpticalSeries: 'ImageSeries',
  IndexSeries: 'TimeSeries',
  // ogen
  OptogeneticSeries: 'TimeSeries',
  OptogeneticStimulusSite: 'NWBContainer',
  // ophys
  OnePhotonSeries: 'ImageSeries',
  TwoPhotonSeries: 'ImageSeries',
  RoiResponseSeries: 'TimeSeries',
  DfOverF: 'NWBDataInterface',
  Fluorescence: 'NWBDataInterface',
  ImageSegmentation: 'NWBDataInterface',
  PlaneSegmentation: 'DynamicTable',
  ImagingPlane: 'NWBContainer',
  OpticalChannel: 'NWBContainer',
  MotionCorrection: 'NWBDataInterface',
  CorrectedImageStack: 'NWBDataInterface',
  ImagingRetinotopy: 'NWBDataInterface',
};

/** Namespace of each built-in type (for docs when a file has no embedded schema). */
export function builtinNamespace(type: string): string {
  const hdmf = [
    'Container',
    'Data',
    'Table',
    'SimpleMultiContainer',
    'VectorData',
    'VectorIndex',
    'ElementIdentifiers',
  ];
  const hdmfMore = [
    'DynamicTableRegion',
    'EnumData',
    'DynamicTable',
    'AlignedDynamicTable',
    'CSRMatrix',
    'HERD',
  ];
  return hdmf.includes(type) || hdmfMore.includes(type) ? 'hdmf-common' : 'core';
}
