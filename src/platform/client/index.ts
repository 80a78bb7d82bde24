// The typed platform client (what the city, the hospital front-end machine and the load tools call).
export { PlatformClient, methodName } from './client.ts';
export type {
  AuthedRequest,
  CallOptions,
  InterfaceMethods,
  PlatformClientOptions,
  PlatformCredentials,
} from './client.ts';
export { PlatformCallError, PlatformUnavailable } from './errors.ts';
export type { ProblemBody } from './errors.ts';
export { ExchangeClient } from './exchange.ts';
export type { DownloadedList } from './exchange.ts';
export type { TlsOptions } from './transport.ts';
