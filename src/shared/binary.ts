/**
 * Typed arrays cross `postMessage` as ArrayBuffers. A typed array may be a view into a larger
 * (pooled or shared) buffer, so copy exactly its bytes: hexeditor's helper sliced from 0 and
 * sent the wrong bytes.
 */
export function toArrayBuffer(view: ArrayBufferView): ArrayBuffer {
  const source = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const copy = new Uint8Array(view.byteLength);
  copy.set(source);
  return copy.buffer;
}
