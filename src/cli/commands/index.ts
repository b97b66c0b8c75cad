import type { Command } from 'commander';

/**
 * Every CLI command registers here: one entry per command module, naming the commands it
 * adds. A module exports `register(program: Command): void` and keeps its options and help.
 *
 * Modules are loaded lazily: a run of `wuyu va …` loads only the va module, so the numeric
 * commands do not pay for Nest, TypeORM, exceljs or argon2 at start-up (about a second on
 * this machine). `--help` and unknown commands load them all.
 */
type CommandModule = { register(program: Command): void };

const COMMAND_MODULES: readonly { readonly commands: readonly string[]; readonly load: () => CommandModule }[] = [
  { commands: ['migrate', 'migration:generate', 'schema:check'], load: () => require('./database.command') },
  { commands: ['import', 'roster:import'], load: () => require('./import.command') },
  { commands: ['user:create'], load: () => require('./user.command') },
  { commands: ['fitness'], load: () => require('./fitness.command') },
  { commands: ['fitness:recompute'], load: () => require('./fitness-recompute.command') },
  { commands: ['sgp'], load: () => require('./sgp.command') },
  { commands: ['va'], load: () => require('./va.command') },
  { commands: ['backup', 'restore'], load: () => require('./backup.command') },
  { commands: ['demo:generate', 'demo:load'], load: () => require('./demo.command') },
];

/** Registers the module of the command being run, or every module when it is not one of them. */
export function registerCommands(program: Command, argv: readonly string[] = []): void {
  const invoked = argv.find((arg) => !arg.startsWith('-'));
  const match = COMMAND_MODULES.find((entry) => invoked !== undefined && entry.commands.includes(invoked));
  for (const entry of match ? [match] : COMMAND_MODULES) entry.load().register(program);
}

/** Every command name, for tests that check the table against what the modules register. */
export const COMMAND_NAMES: readonly string[] = COMMAND_MODULES.flatMap((entry) => entry.commands);
