/**
 * What every service installer (systemd units, launchd plists) needs to know about this host
 * to render its files; each installer extends it with its own extras.
 */

/** `user`: the login user's services; `system`: services started at boot as `user`. */
export type ServiceFlavour = 'user' | 'system';

export interface ServiceInput {
  flavour: ServiceFlavour;
  /** Absolute path of the node binary (`process.execPath`). */
  node: string;
  /** Absolute path of aipro's CLI entry (`dist/cli/main.js`). */
  aipro: string;
  /** Absolute state dir (`~/.aipro` or AIPRO_STATE_DIR). */
  stateDir: string;
  /** Home of the user the service runs as. */
  home: string;
  /** The user system services run as (systemd `User=`, launchd `UserName`). */
  user: string;
  /** Set only when overridden at install time; passed on in the service's environment. */
  configPath?: string;
  agentDir?: string;
  version: string;
}
