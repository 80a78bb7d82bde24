// The demo SAM (测试 SAM): published demo master keys (crypto demoMasterKeys), the published demo PKI
// (crypto createDemoPki) and the demo PIN DEMO_SAM_PIN (123456). Everything here is reproducible by anyone — tests, training and
// demos only; never personalise a real card with it.
import type { CardProfile } from '../../card/image.ts';
import type { Random } from '../../base/runtime.ts';
import { DEMO_PKI_IDENTITY, DEMO_SAM_PIN, createDemoPki, demoMasterKeys } from '../../crypto/index.ts';
import { VirtualSam } from './virtual-sam.ts';

export function createDemoSam(
  profile: CardProfile,
  options: { random?: Random; pin?: string; pinRetryLimit?: number } = {},
): VirtualSam {
  return new VirtualSam({
    masterKeys: demoMasterKeys(profile),
    profile,
    pki: createDemoPki(),
    pin: options.pin ?? DEMO_SAM_PIN,
    serial: DEMO_PKI_IDENTITY.samSerial,
    terminalId: DEMO_PKI_IDENTITY.terminalId,
    random: options.random,
    pinRetryLimit: options.pinRetryLimit,
  });
}
