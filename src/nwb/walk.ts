/**
 * Every object of a file with its kind and neurodata type, for the hierarchy filter to find
 * objects that are not loaded in the tree. Walked once per file through the reader's cached
 * listings (so the tree's own expansions after it cost nothing) and kept for the file's life.
 */
import type { FileObject, FileObjects } from '../shared/protocolTypes';
import type { NwbFile } from './nwbFile';

/** Objects listed at most: a file with more is walked this far and says it was cut. */
export const MAX_WALK_OBJECTS = 200_000;
/** Groups nested deeper are listed, not entered: hard links that loop back make endless paths. */
const MAX_DEPTH = 32;

const walks = new WeakMap<NwbFile, Promise<FileObjects>>();

/** The file's objects; one walk per file, shared by every request (so no one request's cancel ends it). */
export function fileObjects(nwb: NwbFile): Promise<FileObjects> {
  let walk = walks.get(nwb);
  if (!walk) {
    walk = walkFile(nwb);
    walks.set(nwb, walk);
    // A failed walk is not kept: the next filter walks again.
    walk.catch(() => walks.delete(nwb));
  }
  return walk;
}

async function walkFile(nwb: NwbFile): Promise<FileObjects> {
  const objects: FileObject[] = [];
  const queue = ['/'];
  const seen = new Set<string>(queue);
  let truncated = false;
  // Breadth first (an index, not shift(): a long queue would cost its length per group).
  for (let next = 0; next < queue.length && objects.length < MAX_WALK_OBJECTS; next++) {
    for (const entry of await nwb.reader.list(queue[next])) {
      if (objects.length >= MAX_WALK_OBJECTS) {
        truncated = true;
        break;
      }
      objects.push({
        path: entry.path,
        kind: entry.kind,
        ...(entry.neurodataType ? { type: entry.neurodataType } : {}),
      });
      // Links are listed, not followed: their targets are walked where they live.
      if (entry.kind !== 'group' || seen.has(entry.path)) continue;
      if (entry.path.split('/').length - 1 >= MAX_DEPTH) truncated = true;
      else {
        seen.add(entry.path);
        queue.push(entry.path);
      }
    }
  }
  return { objects, truncated };
}
