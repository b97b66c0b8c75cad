import { Command } from 'commander';
import { COMMAND_NAMES, registerCommands } from './index';

describe('CLI command table', () => {
  it('names exactly the commands the modules register', () => {
    const program = new Command();
    registerCommands(program);
    expect(program.commands.map((command) => command.name()).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it('loads only the module of the command being run', () => {
    const program = new Command();
    registerCommands(program, ['va', '--input', 'x.csv']);
    expect(program.commands.map((command) => command.name())).toEqual(['va']);
  });
});
