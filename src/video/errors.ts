/** Why a video could not be indexed: the bytes are damaged, or are not a video this code reads. */
export type VideoErrorCode = 'corrupt' | 'not-video' | 'too-large';

export class VideoError extends Error {
  constructor(
    readonly code: VideoErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VideoError';
  }
}

/** What unknown bytes look like, for an error that helps (an HTML error page, an HDF5 file...). */
export function describeBytes(head: Uint8Array): string {
  if (head.length === 0) return 'an empty file';
  const text = new TextDecoder('latin1').decode(head.subarray(0, 512)).trimStart().toLowerCase();
  if (text.startsWith('<!doctype html') || text.startsWith('<html')) return 'an HTML page';
  if (text.startsWith('<?xml')) return text.includes('<error>') ? 'an XML error document' : 'an XML document';
  if (text.startsWith('{') || text.startsWith('[')) return 'JSON text';
  const magic = Array.from(head.subarray(0, 8), b => b.toString(16).padStart(2, '0')).join(' ');
  if (head[0] === 0x89 && text.startsWith('\x89hdf')) return 'an HDF5 file';
  if (head[0] === 0x50 && head[1] === 0x4b) return 'a ZIP archive';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'a gzip stream';
  if (head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) return 'a PNG image';
  if (head[0] === 0xff && head[1] === 0xd8) return 'a JPEG image';
  if (head[0] === 0x00 && head[1] === 0x00 && head[2] === 0x01 && (head[3] === 0xba || head[3] === 0xb3))
    return 'an MPEG program stream';
  if (head[0] === 0x47 && (head.length < 189 || head[188] === 0x47)) return 'an MPEG transport stream';
  const printable = head.subarray(0, 256).every(b => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
  if (printable) return `text (${JSON.stringify(text.slice(0, 40))}…)`;
  return `unknown bytes (starting ${magic})`;
}
