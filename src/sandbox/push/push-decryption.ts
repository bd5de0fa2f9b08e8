import { createDecipheriv, type ECDH } from 'node:crypto';
import { deriveContentKeys, recordNonce } from './push-key-schedule';
import { PushRejection } from './push-rejection';

// Decrypts a Web Push body (RFC 8291 over RFC 8188 aes128gcm) with the browser-side keys the simulator holds
// for the subscription, as the browser would, so the sandbox can show what a user's browser would receive.

/** The browser half of a subscription: its ECDH key pair and the 16-byte auth secret. */
export interface BrowserKeys {
  ecdh: ECDH;
  publicKey: Buffer;
  authSecret: Buffer;
}

/** The decrypted JSON payload; throws a 400 PushRejection naming the first framing or crypto problem. */
export function decryptPayload(body: Buffer, keys: BrowserKeys): unknown {
  // RFC 8188 §2.1 header: salt(16) | rs(uint32 BE) | idlen(1) | keyid(idlen); RFC 8291 §4: keyid is the
  // application server's ephemeral public key (65 bytes).
  if (body.length < 21) throw new PushRejection(400, 'body is shorter than the aes128gcm header');
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20] ?? 0;
  if (rs < 18) throw new PushRejection(400, `record size ${rs} is below the minimum of 18`);
  if (idlen !== 65) throw new PushRejection(400, `keyid is ${idlen} bytes, expected the 65-byte server public key`);
  const asPublic = body.subarray(21, 21 + idlen);
  const ciphertext = body.subarray(21 + idlen);
  if (ciphertext.length === 0) throw new PushRejection(400, 'no ciphertext after the header');

  // RFC 8291 §3.3: ecdh_secret = ECDH(ua_private, as_public)
  let ecdhSecret: Buffer;
  try {
    ecdhSecret = keys.ecdh.computeSecret(asPublic);
  } catch {
    throw new PushRejection(400, 'keyid is not a valid P-256 public key');
  }
  const { cek, nonce } = deriveContentKeys(ecdhSecret, keys.authSecret, keys.publicKey, asPublic, salt);

  // §2: records of rs bytes (the last may be shorter), each AES-128-GCM with a 16-byte tag; the plaintext of
  // each ends with a delimiter (0x01, or 0x02 in the last record) followed by zero padding.
  const plain: Buffer[] = [];
  const count = Math.ceil(ciphertext.length / rs);
  for (let seq = 0; seq < count; seq += 1) {
    const record = ciphertext.subarray(seq * rs, Math.min((seq + 1) * rs, ciphertext.length));
    if (record.length <= 16) throw new PushRejection(400, `record ${seq} is too short`);
    let data: Buffer;
    try {
      const decipher = createDecipheriv('aes-128-gcm', cek, recordNonce(nonce, seq));
      decipher.setAuthTag(record.subarray(record.length - 16));
      data = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    } catch {
      throw new PushRejection(400, `record ${seq} does not decrypt (AES-128-GCM tag check failed)`);
    }
    let end = data.length - 1;
    while (end >= 0 && data[end] === 0) end -= 1;
    const last = seq === count - 1;
    if (end < 0 || data[end] !== (last ? 2 : 1)) {
      throw new PushRejection(400, `record ${seq} lacks the ${last ? '0x02' : '0x01'} padding delimiter`);
    }
    plain.push(data.subarray(0, end));
  }

  // Web Push carries any bytes; SmartPay sends JSON, and the control endpoint shows it parsed.
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(plain))) as unknown;
  } catch {
    throw new PushRejection(400, 'decrypted payload is not UTF-8 JSON');
  }
}
