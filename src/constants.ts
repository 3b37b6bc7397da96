/**
 * Every id the extension shares with package.json: commands, views, editors, context keys and
 * settings. A test checks these against the manifest, so a rename cannot drift.
 */
export const Commands = {
  refresh: 'dandi.refresh',
  loadMore: 'dandi.loadMore',
  search: 'dandi.search',
  clearSearch: 'dandi.clearSearch',
  sort: 'dandi.sort',
  filter: 'dandi.filter',
  open: 'dandi.open',
  openAsset: 'dandi.openAsset',
  openZarr: 'dandi.openZarr',
  openWith: 'dandi.openWith',
  openOnWeb: 'dandi.openOnWeb',
  showMetadata: 'dandi.showMetadata',
  showDetails: 'dandi.showDetails',
  copyDandiUrl: 'dandi.copyDandiUrl',
  copyS3Url: 'dandi.copyS3Url',
  copyAssetId: 'dandi.copyAssetId',
  copyPath: 'dandi.copyPath',
  copyDownloadCommand: 'dandi.copyDownloadCommand',
  copyCitation: 'dandi.copyCitation',
  copyDoi: 'dandi.copyDoi',
  signIn: 'dandi.signIn',
  signOut: 'dandi.signOut',
  selectInstance: 'dandi.selectInstance',
  download: 'dandi.download',
  downloadReference: 'dandi.downloadReference',
  downloadReferences: 'dandi.downloadReferences',
  openInNwbViewer: 'dandi.openInNwbViewer',
  openZarrInViewer: 'dandi.openZarrInViewer',
  viewerDownloadFile: 'dandi.viewer.downloadFile',
  viewerCopyPythonSnippet: 'dandi.viewer.copyPythonSnippet',
  viewerAlignObjects: 'dandi.viewer.alignObjects',
  openVideo: 'dandi.openVideo',
  videoShowPoseFrom: 'dandi.video.showPoseFrom',
  videoOpenPoseFile: 'dandi.video.openPoseFile',
  videoOpenExternalFile: 'dandi.video.openExternalFile',
  videoExportPng: 'dandi.video.exportPng',
  videoCopyPythonSnippet: 'dandi.video.copyPythonSnippet',
  referenceOpen: 'dandi.references.open',
  referenceCopyCitation: 'dandi.references.copyCitation',
  openAsNotebook: 'dandi.openAsNotebook',
} as const;

export const Views = {
  container: 'dandi',
  explorer: 'dandi.explorer',
  myDandisets: 'dandi.myDandisets',
  starred: 'dandi.starred',
} as const;

export const ViewTypes = {
  nwbViewer: 'dandi.nwbViewer',
  hdf5Viewer: 'dandi.hdf5Viewer',
  videoViewer: 'dandi.videoViewer',
} as const;

/** Context keys set with `setContext`, read by `when` clauses in package.json. */
export const ContextKeys = {
  loading: 'dandi.loading', // the Dandiset list is loading for the first time
  signedIn: 'dandi.signedIn', // an API key is stored for the active instance
  searchActive: 'dandi.searchActive', // the Dandiset list is filtered by a search
} as const;

export const Settings = {
  section: 'dandi',
  instance: 'instance',
  apiUrl: 'apiUrl',
  pageSize: 'pageSize',
  downloadFolder: 'downloadFolder',
  existingFiles: 'download.existingFiles',
  parallelFiles: 'download.parallelFiles',
  parallelParts: 'download.parallelParts',
  cacheSizeMB: 'hdf5.cacheSizeMB',
  metadataCacheSizeMB: 'hdf5.metadataCacheSizeMB',
  maxSliceElements: 'viewer.maxSliceElements',
  omeTileCacheMB: 'ome.tileCacheMB',
  videoMaxDecodedFrames: 'video.maxDecodedFrames',
  referencesEnabled: 'references.enabled',
  overviewCacheSizeMB: 'viewer.overviewCacheSizeMB',
} as const;

export const EXTENSION_ID = 'dandi-vscode.dandi-vscode';

/** Language model tools (package.json `languageModelTools`), for chat agents. */
export const LanguageModelTools = {
  searchDandisets: 'dandi_searchDandisets',
  listAssets: 'dandi_listAssets',
  describeFile: 'dandi_describeFile',
  pythonSnippet: 'dandi_pythonSnippet',
  downloadAssets: 'dandi_downloadAssets',
} as const;
