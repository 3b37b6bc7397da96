/**
 * An object's attribute messages, from its header (compact storage) or from the fractal heap its
 * attribute info message points to (dense storage), in the order libhdf5 iterates them for
 * h5wasm's get_attribute_names: by creation order when the header indexes it, else by name.
 */
import { parseAttributeMessage, type StoredAttribute } from './attributeMessage';
import { Cursor, UNDEFINED, type StoredFile } from './fileCursor';
import { heapObjects } from './fractalHeap';
import { FormatUnsupported, type ObjectHeader } from './objectHeader';

const ATTRIBUTE = 0x0c;
const ATTRIBUTE_INFO = 0x15;
/** Version 2 header flag: attribute creation order indexed. */
const CREATION_ORDER_INDEXED = 0x08;

export function objectAttributes(file: StoredFile, header: ObjectHeader): StoredAttribute[] {
  const byCreation = (header.flags & CREATION_ORDER_INDEXED) !== 0;
  const compact: { attribute: StoredAttribute; order: number }[] = [];
  for (const message of header.messages) {
    if (message.type !== ATTRIBUTE) continue;
    if (byCreation && message.creationOrder === null)
      throw new FormatUnsupported('an attribute without its creation index');
    compact.push({
      attribute: parseAttributeMessage(file, message.body, message.flags),
      order: message.creationOrder ?? 0,
    });
  }
  const dense = denseAttributes(file, header, byCreation);
  if (byCreation) {
    if (compact.length > 0 && dense.length > 0)
      throw new FormatUnsupported('attributes both in the header and in dense storage');
    return dense.length > 0 ? dense : compact.sort((a, b) => a.order - b.order).map(a => a.attribute);
  }
  return [...compact.map(a => a.attribute), ...dense].sort((a, b) => compareNames(a.name, b.name));
}

/** The attributes in dense storage, in the order of the index read (by creation order when asked). */
function denseAttributes(file: StoredFile, header: ObjectHeader, byCreation: boolean): StoredAttribute[] {
  const info = header.messages.find(m => m.type === ATTRIBUTE_INFO);
  if (!info) return [];
  const c = new Cursor(info.body, file);
  c.u8(); // version
  const flags = c.u8();
  if (flags & 0x01) c.u16(); // maximum creation index
  const heap = c.offset();
  const nameIndex = c.offset();
  const creationIndex = flags & 0x02 ? c.offset() : UNDEFINED;
  if (heap === UNDEFINED) return [];
  const index = byCreation ? creationIndex : nameIndex;
  if (index === UNDEFINED) throw new FormatUnsupported('dense attributes without the index to list them by');
  return heapObjects(file, heap, index).map(body => parseAttributeMessage(file, body, 0));
}

/** libhdf5's name order: strcmp of the UTF-8 bytes (code point order, not UTF-16 units). */
export function compareNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (code points above U+FFFF) sort after every other UTF-16 unit in UTF-8.
    const sx = x >= 0xd800 && x <= 0xdfff ? x + 0x10000 : x;
    const sy = y >= 0xd800 && y <= 0xdfff ? y + 0x10000 : y;
    return sx - sy;
  }
  return a.length - b.length;
}
