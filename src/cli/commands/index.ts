import type { Command } from 'commander';
import * as database from './database.command';
import * as importCommand from './import.command';
import * as user from './user.command';
import * as valueAdded from './va.command';
import * as fitness from './fitness.command';
import * as growthPercentiles from './sgp.command';

/**
 * Every CLI command registers here, one line each. A command module exports
 * `register(program: Command): void` and keeps its own options and help text.
 */
type CommandModule = { register(program: Command): void };

const commandModules: readonly CommandModule[] = [
  database,
  importCommand,
  user,
  fitness,
  growthPercentiles,
  valueAdded,
];

export function registerCommands(program: Command): void {
  for (const commandModule of commandModules) {
    commandModule.register(program);
  }
}
