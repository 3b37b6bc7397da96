/**
 * The matplotlib cell that draws what the viewer shows for an object, chosen by its neurodata type
 * (through the inheritance chain, so extension types get their ancestor's plot). The code reaches
 * the data through pynwb at run time (`obj`, `nwbfile`), so the choice between variants the file
 * decides (image_mask or pixel_mask, timestamps or rate, a sweep's partner) is made in Python.
 * No names from the file are written into these cells: they hold no string from the file at all.
 */
import type { ViewKind } from '../shared/protocol';

export type PlotKind =
  | 'roiResponse'
  | 'planeSegmentation'
  | 'units'
  | 'sweep'
  | 'pose'
  | 'spatial'
  | 'imageSeries'
  | 'images'
  | 'image'
  | 'intervals'
  | 'timeseries'
  | 'dataset'
  | 'none';

/** Types in the order they are tried: the more specific before the families they belong to. */
const BY_TYPE: readonly [PlotKind, readonly string[]][] = [
  ['roiResponse', ['RoiResponseSeries', 'DfOverF', 'Fluorescence']],
  ['planeSegmentation', ['PlaneSegmentation']],
  ['units', ['Units']],
  [
    'sweep',
    [
      'PatchClampSeries',
      'IntracellularRecordingsTable',
      'SweepTable',
      'SimultaneousRecordingsTable',
      'SequentialRecordingsTable',
      'RepetitionsTable',
      'ExperimentalConditionsTable',
    ],
  ],
  ['pose', ['PoseEstimation']],
  ['spatial', ['SpatialSeries', 'Position', 'CompassDirection', 'EyeTracking']],
  ['imageSeries', ['ImageSeries']],
  ['images', ['Images']],
  ['image', ['Image']],
  ['intervals', ['TimeIntervals']],
  ['timeseries', ['TimeSeries']],
];

/**
 * The plot for an object: by its type and ancestors; an untyped object by the view the viewer
 * chose (a group with data and a time axis is a series, a bare dataset gets the dataset plot).
 */
export function plotKindOf(inheritance: readonly string[], view?: ViewKind): PlotKind {
  for (const [kind, types] of BY_TYPE) if (types.some(t => inheritance.includes(t))) return kind;
  if (view === 'timeseries') return 'timeseries';
  if (view === 'dataset') return 'dataset';
  return 'none';
}

/** What the plot cell draws, for the notebook's Markdown. */
export const PLOT_TITLES: Record<Exclude<PlotKind, 'none'>, string> = {
  roiResponse: 'The first 1000 frames of the first 5 ROIs',
  planeSegmentation: 'ROI masks over the summary image of the imaging plane',
  units: 'A spike raster of the first units, and the first unit’s mean waveform',
  sweep: 'A sweep: the response with its stimulus',
  pose: 'Keypoint trajectories',
  spatial: 'The trajectory',
  imageSeries: 'The first frame',
  images: 'The first image of the container',
  image: 'The image',
  intervals: 'The intervals as spans on the time axis',
  timeseries: 'The first 10 s of the first channels',
  dataset: 'The first values of the dataset',
};

const IMPORTS = ['import matplotlib.pyplot as plt', 'import numpy as np', ''];

/** Times of the first samples of a series, from its timestamps or its starting time and rate. */
const SERIES_TIMES = [
  'def series_times(series, count):',
  '    """Times (s) of the first `count` samples: timestamps, or starting_time + i / rate."""',
  '    if series.timestamps is not None:',
  '        return np.asarray(series.timestamps[:count], dtype=float)',
  '    return (series.starting_time or 0.0) + np.arange(count) / series.rate',
  '',
];

/** Values in the series' unit: `data * conversion + offset`. */
const SCALED = [
  'def scaled(series, values):',
  '    """Values in the series\' unit: data * conversion + offset."""',
  '    return np.asarray(values, dtype=float) * series.conversion + getattr(series, "offset", 0.0)',
  '',
];

const PLOTS: Record<Exclude<PlotKind, 'none'>, string[]> = {
  roiResponse: [
    ...SERIES_TIMES,
    ...SCALED,
    '# DfOverF and Fluorescence hold RoiResponseSeries: draw the first one',
    'series = obj if hasattr(obj, "rois") else next(iter(obj.roi_response_series.values()))',
    'frames, rois = 1000, 5',
    'data = series.data[:frames] if series.data.ndim == 1 else series.data[:frames, :rois]',
    'values = scaled(series, data).reshape(len(data), -1)',
    't = series_times(series, len(values))',
    'fig, ax = plt.subplots(figsize=(10, 4))',
    'for roi in range(values.shape[1]):',
    '    ax.plot(t, values[:, roi], linewidth=0.8, label=f"ROI {roi}")',
    'ax.set_xlabel("time (s)")',
    'ax.set_ylabel(series.unit)',
    'ax.set_title(series.name)',
    'ax.legend(loc="upper right")',
    'plt.show()',
  ],
  planeSegmentation: [
    'def summary_image(plane_segmentation):',
    '    """The reference image, else a max (or mean) projection beside the segmentation, else',
    '    the first frame of a TwoPhotonSeries: the image the viewer draws the masks over."""',
    '    references = getattr(plane_segmentation, "reference_images", None) or []',
    '    # one ImageSeries, a list of them, or a dict by name, as the file was read',
    '    if hasattr(references, "values"):',
    '        references = list(references.values())',
    '    elif not isinstance(references, (list, tuple)):',
    '        references = [references]',
    '    for reference in references:',
    '        if getattr(reference, "external_file", None) is None and len(reference.data):',
    '            return np.asarray(reference.data[0])',
    '    segmentation = plane_segmentation.parent',
    '    module = segmentation.parent if segmentation is not None else None',
    '    images = []',
    '    for container in getattr(module, "data_interfaces", {}).values():',
    '        if container.neurodata_type == "Images":',
    '            images.extend(container.images.values())',
    '    named = lambda *words: [i for i in images if any(w in i.name.lower() for w in words)]',
    '    preferred = named("max") or named("mean", "avg", "average") or images',
    '    if preferred:',
    '        return np.asarray(preferred[0].data)',
    '    for series in nwbfile.acquisition.values():',
    '        if series.neurodata_type == "TwoPhotonSeries":',
    '            return np.asarray(series.data[0])',
    '    return None',
    '',
    'roi_count = min(len(obj.id), 200)',
    'image = summary_image(obj)',
    'fig, ax = plt.subplots(figsize=(7, 7))',
    'if image is not None:',
    '    ax.imshow(image if image.ndim == 2 else image[..., 0], cmap="gray")',
    'colors = plt.cm.tab10(np.arange(roi_count) % 10)',
    '# NWB masks are [x, y]: drawn like the image, first axis down',
    'if "image_mask" in obj.colnames:',
    '    masks = np.asarray(obj["image_mask"].data[:roi_count])',
    '    for roi in range(roi_count):',
    '        ax.contour(masks[roi] > 0, levels=[0.5], colors=[colors[roi]], linewidths=1)',
    'elif "pixel_mask" in obj.colnames:',
    '    for roi in range(roi_count):',
    '        pixels = np.asarray([tuple(p)[:2] for p in obj["pixel_mask"][roi]], dtype=float)',
    '        if len(pixels):',
    '            ax.scatter(pixels[:, 1], pixels[:, 0], s=2, color=colors[roi])',
    'else:',
    '    print("This PlaneSegmentation has neither image_mask nor pixel_mask (voxel masks are 3-D).")',
    'ax.set_title(f"{obj.name}: {roi_count} of {len(obj.id)} ROIs")',
    'plt.show()',
  ],
  units: [
    'unit_count = min(len(obj.id), 50)',
    'fig, ax = plt.subplots(figsize=(10, 5))',
    'ax.eventplot([np.asarray(obj["spike_times"][u]) for u in range(unit_count)], linelengths=0.8, linewidths=0.5)',
    'ax.set_xlabel("time (s)")',
    'ax.set_ylabel("unit")',
    'ax.set_title(f"{obj.name}: spikes of {unit_count} of {len(obj.id)} units")',
    'plt.show()',
    '',
    'if "waveform_mean" in obj.colnames:',
    '    waveform = np.asarray(obj["waveform_mean"][0], dtype=float)',
    '    rate = getattr(obj, "waveform_rate", None)',
    '    samples = np.arange(waveform.shape[0])',
    '    fig, ax = plt.subplots(figsize=(6, 4))',
    '    ax.plot(samples / rate * 1000 if rate else samples, waveform if waveform.ndim == 1 else waveform[:, 0])',
    '    ax.set_xlabel("time (ms)" if rate else "sample")',
    '    ax.set_title(f"waveform_mean of unit {obj.id[0]} (first channel)")',
    '    plt.show()',
    'else:',
    '    print("This Units table has no waveform_mean column.")',
  ],
  sweep: [
    ...SERIES_TIMES,
    ...SCALED,
    'def is_stimulus(series):',
    '    return "Stimulus" in series.neurodata_type',
    '',
    'def first_sweep(obj):',
    '    """(response, stimulus) of the selected series, else of the first recording of the icephys',
    '    tables or of the sweep table; each is (series, first sample, sample count) or None."""',
    '    whole = lambda s: (s, 0, len(s.data)) if s is not None else None',
    '    if hasattr(obj, "sweep_number") and hasattr(obj, "electrode"):',
    '        partners = nwbfile.acquisition if is_stimulus(obj) else nwbfile.stimulus',
    '        partner = next((s for s in partners.values() if getattr(s, "sweep_number", None) is not None',
    '                        and s.sweep_number == obj.sweep_number), None)',
    '        pair = (partner, obj) if is_stimulus(obj) else (obj, partner)',
    '        return tuple(whole(s) for s in pair)',
    '    table = nwbfile.intracellular_recordings',
    '    if table is not None and len(table) > 0:',
    '        refs = (table["responses"]["response"][0], table["stimuli"]["stimulus"][0])',
    '        return tuple((r.timeseries, r.idx_start, r.count) if r.idx_start >= 0 else None for r in refs)',
    '    sweeps = nwbfile.sweep_table',
    '    if sweeps is not None and len(sweeps) > 0:',
    '        series = sweeps.get_series(sweeps["sweep_number"][0])',
    '        response = next((s for s in series if not is_stimulus(s)), None)',
    '        stimulus = next((s for s in series if is_stimulus(s)), None)',
    '        return whole(response), whole(stimulus)',
    '    raise ValueError("no sweep found: no icephys tables, no sweep table")',
    '',
    'parts = [p for p in first_sweep(obj) if p is not None]',
    'fig, axes = plt.subplots(len(parts), 1, figsize=(10, 3 * len(parts)), sharex=True, squeeze=False)',
    'for ax, (series, start, count) in zip(axes[:, 0], parts):',
    '    count = min(count, 1_000_000)',
    '    values = scaled(series, series.data[start:start + count])',
    '    t = series_times(series, start + count)[start:] if series.timestamps is not None else (',
    '        np.arange(count) / series.rate)',
    '    ax.plot(t, values, linewidth=0.8)',
    '    ax.set_ylabel(series.unit)',
    '    ax.set_title(f"{series.name} ({series.neurodata_type})")',
    'axes[-1, 0].set_xlabel("time in sweep (s)")',
    'plt.show()',
  ],
  pose: [
    'fig, ax = plt.subplots(figsize=(7, 7))',
    'for series in obj.pose_estimation_series.values():',
    '    xy = np.asarray(series.data[:10_000], dtype=float)',
    '    ax.plot(xy[:, 0], xy[:, 1], linewidth=0.6, label=series.name)',
    'ax.invert_yaxis()  # image coordinates: y down',
    'ax.set_aspect("equal")',
    'ax.legend(loc="upper right", fontsize="small")',
    'ax.set_title(obj.name)',
    'plt.show()',
  ],
  spatial: [
    '# Position, CompassDirection and EyeTracking hold SpatialSeries: draw each',
    'all_series = list(obj.spatial_series.values()) if hasattr(obj, "spatial_series") else [obj]',
    'fig, ax = plt.subplots(figsize=(7, 7))',
    'for series in all_series:',
    '    xy = np.asarray(series.data[:100_000], dtype=float) * series.conversion',
    '    if xy.ndim == 1 or xy.shape[1] == 1:',
    '        t = series.timestamps[:len(xy)] if series.timestamps is not None else (',
    '            (series.starting_time or 0.0) + np.arange(len(xy)) / series.rate)',
    '        ax.plot(t, xy.reshape(len(xy)), linewidth=0.8, label=series.name)',
    '        ax.set_xlabel("time (s)")',
    '    else:',
    '        ax.plot(xy[:, 0], xy[:, 1], linewidth=0.8, label=series.name)',
    '        ax.set_aspect("equal")',
    'ax.legend(loc="upper right")',
    'ax.set_title(obj.name)',
    'plt.show()',
  ],
  imageSeries: [
    'if obj.external_file is not None:',
    '    print("The frames are in external files:", list(obj.external_file[:]))',
    'else:',
    '    frame = np.asarray(obj.data[0])',
    '    if frame.ndim == 3 and frame.shape[-1] not in (3, 4):',
    '        frame = frame[..., 0]  # a volume: its first plane',
    '    fig, ax = plt.subplots(figsize=(7, 7))',
    '    ax.imshow(frame, cmap="gray")',
    '    ax.set_title(f"{obj.name}: frame 0 of {len(obj.data)}")',
    '    plt.show()',
  ],
  images: [
    'image = next(iter(obj.images.values()))',
    'fig, ax = plt.subplots(figsize=(7, 7))',
    'ax.imshow(np.asarray(image.data), cmap="gray")',
    'ax.set_title(f"{obj.name}: {image.name}")',
    'plt.show()',
  ],
  image: [
    'fig, ax = plt.subplots(figsize=(7, 7))',
    'ax.imshow(np.asarray(obj.data), cmap="gray")',
    'ax.set_title(obj.name)',
    'plt.show()',
  ],
  intervals: [
    'count = min(len(obj.id), 2000)',
    'starts = np.asarray(obj["start_time"][:count], dtype=float)',
    'stops = np.asarray(obj["stop_time"][:count], dtype=float)',
    'fig, ax = plt.subplots(figsize=(10, 2.5))',
    'for i, (start, stop) in enumerate(zip(starts, stops)):',
    '    ax.axvspan(start, stop, color=plt.cm.tab10(i % 10), alpha=0.4)',
    'if count:',
    '    ax.set_xlim(starts.min(), stops.max())',
    'ax.set_yticks([])',
    'ax.set_xlabel("time (s)")',
    'ax.set_title(f"{obj.name}: {count} of {len(obj.id)} intervals")',
    'plt.show()',
  ],
  timeseries: [
    ...SERIES_TIMES,
    ...SCALED,
    'seconds, channels = 10.0, 4',
    'if obj.timestamps is not None:',
    '    times = np.asarray(obj.timestamps[:10_000_000], dtype=float)',
    '    count = int(np.searchsorted(times, times[0] + seconds)) if len(times) else 0',
    'else:',
    '    count = min(int(seconds * obj.rate), len(obj.data))',
    'data = obj.data[:count] if obj.data.ndim == 1 else obj.data[:count, :channels]',
    'values = scaled(obj, data).reshape(count, -1)[:, :channels]',
    't = series_times(obj, count)',
    'fig, ax = plt.subplots(figsize=(10, 4))',
    'for channel in range(values.shape[1]):',
    '    ax.plot(t, values[:, channel], linewidth=0.8, label=f"channel {channel}")',
    'ax.set_xlabel("time (s)")',
    'ax.set_ylabel(obj.unit)',
    'ax.set_title(f"{obj.name}: the first {seconds:g} s")',
    'ax.legend(loc="upper right")',
    'plt.show()',
  ],
  dataset: [
    '# an h5py/Zarr dataset, or a pynwb column (its values are in .data)',
    'data = getattr(obj, "data", obj)',
    'values = np.asarray(data[:1000] if getattr(data, "ndim", 1) else data[()])',
    'if values.dtype.kind in "biuf" and values.ndim == 1:',
    '    plt.figure(figsize=(10, 3))',
    '    plt.plot(values, linewidth=0.8)',
    '    plt.xlabel("index")',
    '    plt.show()',
    'elif values.dtype.kind in "biuf" and values.ndim == 2:',
    '    plt.figure(figsize=(10, 4))',
    '    plt.imshow(values.T, aspect="auto", interpolation="nearest")',
    '    plt.colorbar()',
    '    plt.show()',
    'else:',
    '    print(values)',
  ],
};

/** The plot cell's code, or null when the object has no plot (the object cell prints it). */
export function plotCode(kind: PlotKind): string | null {
  return kind === 'none' ? null : [...IMPORTS, ...PLOTS[kind]].join('\n');
}
