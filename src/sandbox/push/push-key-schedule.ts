import { hkdfSync } from 'node:crypto';

// The RFC 8291 + RFC 8188 key schedule: from the ECDH secret between the browser's key and the sender's
// ephemeral key to the content-encryption key and nonce of an aes128gcm body. Exported so that tests which
// hand-craft bodies (several records, a wrong delimiter) encrypt with the very schedule the simulator
// decrypts with: that proves the framing, while interop is proven by the real sender.

export interface ContentKeys {
  /** AES-128-GCM key (16 bytes). */
  cek: Buffer;
  /** Base nonce (12 bytes); record SEQ uses `recordNonce(nonce, seq)`. */
  nonce: Buffer;
}

export function deriveContentKeys(ecdhSecret: Buffer, authSecret: Buffer, uaPublic: Buffer, asPublic: Buffer, salt: Buffer): ContentKeys {
  // RFC 8291 §3.4: IKM = HKDF(salt=auth_secret, ikm=ecdh_secret, info="WebPush: info" 0x00 ua_public as_public, 32)
  const ikm = hkdf(ecdhSecret, authSecret, Buffer.concat([Buffer.from('WebPush: info\0', 'ascii'), uaPublic, asPublic]), 32);
  // RFC 8188 §2.2/2.3: the content-encryption key and the base nonce, from the record salt.
  return {
    cek: hkdf(ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0', 'ascii'), 16),
    nonce: hkdf(ikm, salt, Buffer.from('Content-Encoding: nonce\0', 'ascii'), 12),
  };
}

/** RFC 8188 §2.3: the nonce of record SEQ is NONCE XOR SEQ (SEQ as a 96-bit big-endian integer). */
export function recordNonce(nonce: Buffer, seq: number): Buffer {
  const iv = Buffer.from(nonce);
  iv.writeUInt32BE((iv.readUInt32BE(8) ^ seq) >>> 0, 8); // seq < 2^32: only the low 32 bits change
  return iv;
}

function hkdf(ikm: Buffer, salt: Buffer, info: Buffer, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, length));
}
