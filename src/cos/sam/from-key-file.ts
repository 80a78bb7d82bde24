// A virtual SAM loaded with the keys of a key file (src/crypto key-file.ts): what `rhc agent --keys` and
// `rhc card read --virtual-sam --keys` run. The PIN is not stored in the file.
import type { Random } from '../../base/runtime.ts';
import type { CardProfile } from '../../card/image.ts';
import { KeyFileError, type LoadedKeyFile } from '../../crypto/index.ts';
import { VirtualSam } from './virtual-sam.ts';

/** A virtual SAM loaded with a key file's keys (the PIN is not stored in the file). */
export function createSamFromKeyFile(
  file: LoadedKeyFile,
  options: { profile: CardProfile; pin: string; random?: Random; pinRetryLimit?: number },
): VirtualSam {
  if (options.profile.id !== file.profileId)
    throw new KeyFileError(
      'KEYFILE_INVALID',
      'profile',
      `key file is for ${file.profileId}, not ${options.profile.id}`,
    );
  return new VirtualSam({
    masterKeys: file.masterKeys,
    profile: options.profile,
    pki: file.pki,
    pin: options.pin,
    serial: file.samSerial,
    terminalId: file.terminalId,
    random: options.random,
    pinRetryLimit: options.pinRetryLimit,
  });
}
