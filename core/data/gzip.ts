import { gunzipSync } from 'node:zlib';
import { DataFormatError } from './errors.js';

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The bytes, gunzipped when they are gzip; a broken or truncated stream names the file. */
export function maybeGunzip(bytes: Uint8Array, file: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new DataFormatError(file, undefined, `is not a valid gzip stream (${(e as Error).message}); the file may be truncated`);
  }
}
