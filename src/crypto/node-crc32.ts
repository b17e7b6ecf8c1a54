import * as zlib from 'node:zlib';
import { crc32 } from '../domain/head-office';

/**
 * Node's own CRC-32 (zlib, native) where this Node has it (20.15+, 22.2+), else the domain's: the CLI and the
 * server check every entry of a photo bundle, and the JS one costs about as much again as reading the zip.
 */
export const nodeCrc32: (bytes: Uint8Array) => number =
  // The types promise it; Node 20.0–20.14 (which package.json allows) lack it.
  typeof zlib.crc32 === 'function' ? (bytes) => zlib.crc32(bytes) : crc32;
