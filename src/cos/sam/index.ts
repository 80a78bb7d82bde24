// Public surface of the virtual SAM.
export { VirtualSam, VIRTUAL_SAM_ATR, SAM_COMMANDS, type VirtualSamOptions } from './virtual-sam.ts';
export { createDemoSam } from './demo.ts';
export { createSamFromKeyFile } from './from-key-file.ts';
export {
  SAM_FILES,
  SAM_MF,
  SAM_DF01,
  type SamFileSpec,
  type SamPublicInfo,
  type SamApplicationInfo,
} from './files.ts';
export { SamConfigError } from '../errors.ts';
export { encodePinBcd, decodePinBcd } from './pin.ts';
