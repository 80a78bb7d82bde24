// Masking for application logs and audit subjects (never log ID numbers or names unmasked): the codes
// layer's rules, re-exported under the names the platform uses.
export { maskIdNumber as maskId, maskName } from '../../codes/index.ts';
