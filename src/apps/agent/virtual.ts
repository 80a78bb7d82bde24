// The agent's virtual-card module: the virtual card of `--virtual FILE` (writes saved back to the file) and the
// in-process virtual SAM (`--virtual`, `--virtual-sam`; keys from `--keys FILE` or the demo keys). start.ts
// loads it with import() only when one of them is asked for, so the agent on a real PC/SC reader loads
// nothing from src/cos (test/agent-pcsc-modules.test.ts).
import type { CardProfile } from '../../card/image.ts';
import type { CardConnection } from '../../card/transport.ts';
import { createDemoSam, createSamFromKeyFile, loadCard, saveCard, VirtualCard } from '../../cos/index.ts';
import { createDemoPki, loadKeyFile } from '../../crypto/index.ts';

/** The virtual card of a card file; every change is saved back to the file. */
export function openVirtualCard(path: string): { card: VirtualCard; profile: CardProfile } {
  const state = loadCard(path);
  return { card: new VirtualCard(state, { onChange: (s) => saveCard(path, s) }), profile: state.profile };
}

/** The in-process SAM: loaded with a key file's keys, or the demo SAM. */
export function openVirtualSam(o: { keys?: string; pin: string; profile: CardProfile }): {
  sam: CardConnection;
  rootPublicKey: string;
} {
  if (o.keys) {
    const file = loadKeyFile(o.keys);
    return {
      sam: createSamFromKeyFile(file, { profile: o.profile, pin: o.pin }),
      rootPublicKey: file.pki.rootPublicKey,
    };
  }
  return { sam: createDemoSam(o.profile), rootPublicKey: createDemoPki().rootPublicKey };
}
