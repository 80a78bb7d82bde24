// Public surface of the web console (apps layer): the fastify plugin the CLI mounts on the platform server.
export { CONSOLE_CSP, CONSOLE_PREFIX, registerConsole } from './console.ts';
