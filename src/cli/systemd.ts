/** `aipro systemd`: registered here; implementation lands with its issue. */
import type { Command } from 'commander';
import { CliError } from './errors.js';

export function register(program: Command): void {
  program
    .command('systemd')
    .description('systemd (not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new CliError('systemd is not built yet in this version of aipro');
    });
}
