// SM3 (GB/T 32905) over node:crypto: the hash of Z_A, record signatures, demo key labels and the SAM's 80 CC.
import { createHash } from 'node:crypto';

export function sm3(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sm3').update(data).digest());
}
