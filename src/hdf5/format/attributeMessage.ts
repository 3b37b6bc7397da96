/**
 * The attribute message (0x0C), versions 1 to 3, as it sits in an object header or, with the
 * same encoding, in a dense attribute heap: name, datatype, dataspace and the stored value.
 */
import type { Metadata } from 'h5wasm';
import { Hdf5Error } from '../types';
import { parseDataspace } from './dataspace';
import { decodeName, guard, parseDatatype, storedSize } from './datatype';
import { align8, Cursor, type StoredFile } from './fileCursor';
import { FormatUnsupported } from './objectHeader';

export interface StoredAttribute {
  name: string;
  /** As h5wasm's get_attribute_metadata gives it (shape, total_size included). */
  meta: Metadata;
  /** The stored bytes of its value (total_size elements as stored in the file). */
  raw: Uint8Array;
}

const SHARED_MESSAGE = 0x02;
const TYPE_SHARED = 0x01;
const SPACE_SHARED = 0x02;

/** An attribute message cut into its fields; `value` is at the stored value. */
export interface AttributeFields {
  version: number;
  flags: number;
  /** The name's bytes, without its NUL terminator or padding. */
  nameBytes: Uint8Array;
  typeBody: Uint8Array;
  spaceBody: Uint8Array;
  value: Cursor;
}

export function attributeFields(file: StoredFile, body: Uint8Array): AttributeFields {
  const c = new Cursor(body, file);
  const version = c.u8();
  if (version < 1 || version > 3)
    throw new Hdf5Error('corrupt', `unknown attribute message version ${version}`);
  const flags = c.u8(); // reserved in version 1
  const nameSize = c.u16();
  const typeSize = c.u16();
  const spaceSize = c.u16();
  if (version === 3) c.u8(); // the name's character set: decoded as UTF-8 either way, as h5wasm does
  // Version 1 pads each field to 8 bytes.
  const pad = (n: number) => (version === 1 ? align8(n) : n);
  const nameField = c.take(pad(nameSize)).subarray(0, nameSize);
  const end = nameField.indexOf(0);
  const nameBytes = end >= 0 ? nameField.subarray(0, end) : nameField;
  const typeBody = c.take(pad(typeSize)).subarray(0, typeSize);
  const spaceBody = c.take(pad(spaceSize)).subarray(0, spaceSize);
  return { version, flags, nameBytes, typeBody, spaceBody, value: c };
}

export function parseAttributeMessage(file: StoredFile, body: Uint8Array, flags: number): StoredAttribute {
  if (flags & SHARED_MESSAGE) throw new FormatUnsupported('a shared attribute message');
  return guard(() => {
    const fields = attributeFields(file, body);
    const { version, flags: attributeFlags, typeBody, spaceBody, value: c } = fields;
    const name = decodeName(fields.nameBytes);
    if (version >= 2 && attributeFlags & SPACE_SHARED) throw new FormatUnsupported('a shared dataspace');
    const type = parseDatatype(file, typeBody, version >= 2 && (attributeFlags & TYPE_SHARED) !== 0);
    const { shape, maxshape } = parseDataspace(file, spaceBody);
    const total = shape ? shape.reduce((a, b) => a * b, 1) : 0;
    const meta: Metadata = { ...type, shape, maxshape, chunks: null, total_size: total };
    const rawSize = total * storedSize(meta, file.offsetSize);
    if (rawSize > c.remaining)
      throw new Hdf5Error('corrupt', `attribute ${name} holds ${c.remaining} of its ${rawSize} bytes`);
    return { name, meta, raw: c.take(rawSize) };
  }, 'attribute message');
}
