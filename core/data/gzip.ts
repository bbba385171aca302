import { constants, gunzipSync } from 'node:zlib';
import { DataFormatError } from './errors.js';

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function isTooLarge(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
}

/**
 * The bytes, gunzipped when they are gzip; a broken or truncated stream names the file. Inflating
 * stops past `maxOutputLength` bytes (a gzip bomb is refused before it fills memory); `tooLarge`
 * says why that size was the bound.
 */
export function maybeGunzip(bytes: Uint8Array, file: string, maxOutputLength?: number, tooLarge?: () => string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes, maxOutputLength === undefined ? {} : { maxOutputLength });
  } catch (e) {
    if (isTooLarge(e)) throw new DataFormatError(file, undefined, tooLarge?.() ?? `inflates to more than ${maxOutputLength} bytes`);
    throw new DataFormatError(file, undefined, `is not a valid gzip stream (${(e as Error).message}); the file may be truncated`);
  }
}

/**
 * At least the first `wanted` inflated bytes of a gzip stream (fewer only when the whole stream is
 * shorter), inflating only a prefix of the compressed bytes: deflate expands a byte at most about
 * 1032 times, so a 64 KiB prefix never gives more than about 66 MB.
 */
export function gunzipPrefix(bytes: Uint8Array, file: string, wanted: number): Uint8Array {
  let out = new Uint8Array(0);
  for (const prefix of [4096, 65536]) {
    const part = bytes.subarray(0, prefix);
    try {
      out = gunzipSync(part, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch (e) {
      throw new DataFormatError(file, undefined, `is not a valid gzip stream (${(e as Error).message}); the file may be truncated`);
    }
    if (out.length >= wanted || part.length === bytes.length) return out;
  }
  return out;
}
