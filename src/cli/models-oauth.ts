/** `aipro models auth login|import claude-code|codex|sync`: lands with the providers issue. */
import type { Command } from 'commander';

export function register(_program: Command): void {}
