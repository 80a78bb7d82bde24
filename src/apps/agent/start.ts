// Builds the agent from command-line style options: a PC/SC reader by name, or a virtual card file served
// through the in-memory transport (writes are saved back to the file), with a SAM reader or the virtual SAM.
import type { CardProfile } from '../../card/image.ts';
import { getProfile } from '../../card/profiles/index.ts';
import type { CardConnection } from '../../card/transport.ts';
import { createDemoPki, loadKeyFile } from '../../crypto/index.ts';
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
  // the simulator is loaded only when asked for: a real reader with a real SAM needs none of it
  const simulator = o.virtual || o.virtualSam ? await import('./virtual.ts') : undefined;
  let virtualCard: CardConnection | undefined;
  if (o.virtual) {
    const opened = simulator!.openVirtualCard(o.virtual);
    profile = opened.profile;
    virtualCard = opened.card;
  }
  const keyFile = o.keys ? loadKeyFile(o.keys) : undefined;
  const virtualSam = simulator?.openVirtualSam(profile, keyFile, o.pin);
  let memory: MemoryReaderDevice | undefined;
  const agent = new ReaderAgent({
    port: o.port,
    token,
    samPin: o.pin,
    allowedOrigins: o.origins ?? [],
    rootPublicKey: virtualSam?.rootPublicKey ?? keyFile?.pki.rootPublicKey ?? createDemoPki().rootPublicKey,
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
