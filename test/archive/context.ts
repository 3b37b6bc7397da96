import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type FaultState } from './faults';
import { HttpError } from './http';
import { type ArchiveStore, type StoredDandiset, type User } from './model';
import { type Presigner } from './presign';

/** What every route handler can reach. */
export interface ArchiveContext {
  store: ArchiveStore;
  faults: FaultState;
  presigner: Presigner;
  /** e.g. http://127.0.0.1:41234/api */
  apiUrl: string;
  webUrl: string;
  blobOrigin: string;
}

export interface RequestContext {
  archive: ArchiveContext;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  pathname: string;
  query: URLSearchParams;
  params: Record<string, string>;
  /** Origin the client used (next/previous links are built on it). */
  origin: string;
  user: User | null;
}

export const NO_CREDENTIALS = 'Authentication credentials were not provided.';
export const NO_PERMISSION = 'You do not have permission to perform this action.';

/** `Authorization: token <key>` (keyword case-insensitive); a bad key is a 401 on every API route. */
export function authenticate(archive: ArchiveContext, req: IncomingMessage): User | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const m = /^\s*(\S+)\s+(.*?)\s*$/.exec(header);
  if (!m || (m[1] as string).toLowerCase() !== 'token') {
    if (/^\s*token\s*$/i.test(header)) {
      throw new HttpError(
        401,
        { detail: 'Invalid token header. No credentials provided.' },
        { 'WWW-Authenticate': 'Token' },
      );
    }
    return null;
  }
  const user = archive.store.userByKey(m[2] as string);
  if (!user) throw new HttpError(401, { detail: 'Invalid token.' }, { 'WWW-Authenticate': 'Token' });
  return user;
}

export function requireUser(ctx: RequestContext): User {
  if (!ctx.user) throw new HttpError(401, { detail: NO_CREDENTIALS }, { 'WWW-Authenticate': 'Token' });
  return ctx.user;
}

export function canRead(user: User | null, d: StoredDandiset): boolean {
  return d.embargoStatus === 'OPEN' || (user !== null && (user.admin || d.owners.includes(user.username)));
}

/** 401 anonymous, 403 non-owner for embargoed Dandisets. */
export function assertCanRead(ctx: RequestContext, d: StoredDandiset): void {
  if (canRead(ctx.user, d)) return;
  if (!ctx.user) throw new HttpError(401, { detail: NO_CREDENTIALS }, { 'WWW-Authenticate': 'Token' });
  throw new HttpError(403, { detail: NO_PERMISSION });
}
