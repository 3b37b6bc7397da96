// The one HTTP layer of the extension (plain Node, no `vscode`). Callers keep only what is theirs
// (JSON paging, block reads, part writes); everything about reaching a server is decided here:
//   settings.ts    proxy, noProxy, strictSSL, extra CAs (VS Code's http.* settings are handed in)
//   dispatcher.ts  the shared pools built from those settings, rebuilt when they change
//   credentials.ts where the API key may go (the only place the Authorization header is set)
//   request.ts     GET with redirects, deadlines, idle timeouts and capped body reads
//   retry.ts       one back-off policy and one Retry-After reading, abortable pauses
//   presigned.ts   download URL → presigned URL, renewed when the blob host refuses it
//   errors.ts      NetError (timeout, aborted, tls, connection, too-large, redirect), redaction
export { authorizationFor, isWithin, type ApiCredentials } from './credentials';
export { resetNetwork, sharedDispatcher } from './dispatcher';
export { NetError, redactUrl, type NetErrorCode } from './errors';
export { HttpStatusError, PresignedUrl, resolveDownloadUrl } from './presigned';
export { discard, expectLength, httpGet, peekText, readBody, readText, type GetOptions, type NetResponse } from './request';
export { DEFAULT_RETRY, parseRetryAfter, pause, retryDelay, TRANSIENT_STATUS, type RetryPolicy } from './retry';
export { configureNetwork, networkSettings, onNetworkSettingsChanged, type NetworkSettings } from './settings';
