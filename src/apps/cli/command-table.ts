// Top-level command → the modules under ./commands/ that register it (commands as data). A run loads only
// the modules of the command it runs, so `rhc agent --reader …` on a real reader never loads the simulator
// that `rhc card new` or `rhc demo` need; `rhc --help` loads them all. command-table.test.ts keeps this
// table equal to what the modules register.
export const COMMAND_MODULES: Readonly<Record<string, readonly string[]>> = {
  agent: ['agent.ts'],
  audit: ['audit.ts', 'audit-list.ts'],
  card: ['card-cos.ts', 'card-reader.ts'],
  codes: ['codes.ts'],
  demo: ['demo.ts'],
  exchange: ['exchange.ts'],
  gen: ['gen.ts'],
  id: ['id.ts'],
  institution: ['institution.ts'],
  keys: ['keys.ts'],
  lifecycle: ['lifecycle.ts'],
  serve: ['serve.ts'],
  start: ['start.ts'],
};
