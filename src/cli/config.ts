/** `aipro config`: registered here; implementation lands with its issue. */
import type { Command } from 'commander';
import { CliError } from './errors.js';

export function register(program: Command): void {
  program
    .command('config')
    .description('config (not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new CliError('config is not built yet in this version of aipro');
    });
}
