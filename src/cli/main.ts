#!/usr/bin/env node
/**
 * `npm run wuyu -- <command>`: the command-line entry point (ADR 0003). Each command lives in
 * src/cli/commands/<name>.command.ts and registers itself through the list in commands/index.ts.
 * Numeric commands (va, sgp, fitness score) run the scoring core on files and never start a
 * database; database commands open the one DataSource through src/database.
 */
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands';
import { CliError } from './cli-error';

export async function runCli(argv: readonly string[]): Promise<number> {
  const program = new Command('wuyu')
    .description('Wuyu (五育) command line')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  registerCommands(program, argv);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode;
    }
    if (error instanceof CliError) {
      process.stderr.write(`error [${error.code}]: ${error.message}\n`);
      return error.exitCode;
    }
    const known = error as { code?: unknown; message?: unknown; name?: unknown };
    if (known && known.name === 'ScoringInputError') {
      process.stderr.write(`error [${String(known.code)}]: ${String(known.message)}\n`);
      return 2;
    }
    process.stderr.write(`error: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
