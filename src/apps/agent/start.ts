// Builds the agent from command-line style options: a PC/SC reader by name, or a virtual card file served
// through the in-memory transport (writes are saved back to the file), with a SAM reader or the virtual SAM.
import type { CardProfile } from '../../card/image.ts';
import { getProfile } from '../../card/profiles/index.ts';
import type { CardConnection } from '../../card/transport.ts';
import { VirtualCard } from '../../cos/card/virtual-card.ts';
import { loadKeyFile, createDemoPki } from '../../crypto/index.ts';
import { createSamFromKeyFile } from '../../cos/sam/from-key-file.ts';
import { loadCard, saveCard } from '../../cos/persist.ts';
import { createDemoSam } from '../../cos/sam/demo.ts';
import { Reader } from '../../reader/reader.ts';
import { MemoryReaderDevice } from '../../reader/transports/memory.ts';
import { PcscReaderDevice } from '../../reader/transports/pcsc.ts';
import { ReaderAgent } from './server.ts';
import { defaultTokenFile, loadOrCreateToken } from './token.ts';

export interface StartAgentOptions {
  port?: number;
  reader?: string;
  virtual?: string;
  samReader?: string;
  /** Use the in-process virtual SAM with PC/SC (always used with --virtual). */
  virtualSam?: boolean;
  keys?: string;
  pin: string;
  profile?: string;
  origins?: readonly string[];
  tokenFile?: string;
}

export async function startAgent(
  o: StartAgentOptions,
): Promise<{ agent: ReaderAgent; url: string; tokenFile: string; tokenCreated: boolean }> {
  if (!o.reader === !o.virtual)
    throw Object.assign(
      new Error(
        '需要 --reader NAME 或 --virtual FILE 之一 give exactly one of --reader NAME or --virtual FILE',
      ),
      { exitCode: 2 },
    );
  const tokenFile = o.tokenFile ?? defaultTokenFile();
  const { token, created } = loadOrCreateToken(tokenFile);
  let profile: CardProfile = getProfile(o.profile ?? 'national');
  let virtualCard: VirtualCard | undefined;
  if (o.virtual) {
    const path = o.virtual;
    const state = loadCard(path);
    profile = state.profile;
    virtualCard = new VirtualCard(state, { onChange: (s) => saveCard(path, s) });
  }
  const samFor = (): { sam: CardConnection; rootPublicKey: string } => {
    if (o.keys) {
      const file = loadKeyFile(o.keys);
      return {
        sam: createSamFromKeyFile(file, { profile, pin: o.pin }),
        rootPublicKey: file.pki.rootPublicKey,
      };
    }
    return { sam: createDemoSam(profile), rootPublicKey: createDemoPki().rootPublicKey };
  };
  const useVirtualSam = !!o.virtual || !!o.virtualSam;
  const virtualSam = useVirtualSam ? samFor() : undefined;
  let memory: MemoryReaderDevice | undefined;
  const agent = new ReaderAgent({
    port: o.port,
    token,
    samPin: o.pin,
    allowedOrigins: o.origins ?? [],
    rootPublicKey:
      virtualSam?.rootPublicKey ??
      (o.keys ? loadKeyFile(o.keys).pki.rootPublicKey : createDemoPki().rootPublicKey),
    openReader: async () => {
      const device = virtualCard
        ? (memory ??= new MemoryReaderDevice({
            name: 'RHC Virtual Card',
            sam: virtualSam!.sam,
            card: virtualCard,
          }))
        : await PcscReaderDevice.open({ reader: o.reader!, samReader: o.samReader, sam: virtualSam?.sam });
      const reader = new Reader(device, { profile });
      await reader.open();
      return reader;
    },
    virtualControls: virtualCard
      ? {
          insert: () => memory?.insert(virtualCard!),
          remove: () => memory?.remove(),
        }
      : undefined,
  });
  const url = await agent.listen();
  return { agent, url, tokenFile, tokenCreated: created };
}
