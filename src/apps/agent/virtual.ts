// The simulator side of the agent: a virtual card file and the virtual SAM. `start.ts` loads this module
// with import() only when --virtual or --virtual-sam asks for it, so an agent on a real PC/SC reader loads
// nothing from src/cos (checked by test/agent-pcsc-modules.test.ts).
import type { CardProfile } from '../../card/image.ts';
import type { CardConnection } from '../../card/transport.ts';
import { VirtualCard } from '../../cos/card/virtual-card.ts';
import { loadCard, saveCard } from '../../cos/persist.ts';
import { createDemoSam } from '../../cos/sam/demo.ts';
import { createSamFromKeyFile } from '../../cos/sam/from-key-file.ts';
import { createDemoPki, type LoadedKeyFile } from '../../crypto/index.ts';

/** A card file served by the agent; every change is saved back to the file. */
export function openVirtualCard(path: string): { profile: CardProfile; card: VirtualCard } {
  const state = loadCard(path);
  return { profile: state.profile, card: new VirtualCard(state, { onChange: (s) => saveCard(path, s) }) };
}

/** The virtual SAM: personalised from a key file, or the published demo SAM. */
export function openVirtualSam(
  profile: CardProfile,
  keyFile: LoadedKeyFile | undefined,
  pin: string,
): { sam: CardConnection; rootPublicKey: string } {
  if (keyFile)
    return { sam: createSamFromKeyFile(keyFile, { profile, pin }), rootPublicKey: keyFile.pki.rootPublicKey };
  return { sam: createDemoSam(profile), rootPublicKey: createDemoPki().rootPublicKey };
}
