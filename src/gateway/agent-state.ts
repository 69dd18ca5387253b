/**
 * What the gateway knows about one agent per request: its auth store (through the store
 * backend; a file is re-read only when it changed, the fleet backend serves its own cache),
 * its sessions (always this host's file), and the credential behind a profile id
 * (store profile or `<provider>:env`). Secrets stay in these objects; nothing here logs.
 */
import { getProvider } from '../providers/index.js';
import { envViews } from '../store/credentials.js';
import type { Env } from '../store/paths.js';
import type { StoreBackend } from '../store/backends/types.js';
import type { StoreRead } from '../store/read.js';
import { readStoreOffLoop } from '../store/read-async.js';
import type { CredentialType, Store } from '../store/schema.js';
import { profileSecret, type SecretResolution } from '../store/secrets.js';
import { SessionStore, sessionsPath } from './sessions.js';
import { dirWatchFor, type DirWatch, type FileFreshness, type FreshnessOptions } from './file-watch.js';

/** One credential ready to authenticate a request. */
export interface Credential {
  id: string;
  provider: string;
  type: CredentialType;
  secret: SecretResolution;
  expires?: number;
  /** OAuth with a refresh token: a 401 or a near expiry can be cured by refreshing. */
  refreshable: boolean;
  /** Per-profile base URL override (`profiles.<id>.baseUrl`). */
  baseUrl?: string;
  /** The provider account the credential belongs to (OAuth profiles; Codex needs it per request). */
  accountId?: string;
}

/** The runtime view of one agent. */
export class AgentState {
  readonly sessions: SessionStore;
  private storeKey = '';
  private storeRead: StoreRead | null = null;
  /** The agent directory's watch: the store and sessions files are stat'ed only when they may have changed. */
  private readonly dirWatch: DirWatch;
  private readonly storeFile: FileFreshness;
  /** Re-reads under way (`reload`): the last read is served meanwhile, even after a change notice. */
  private reloads = 0;

  constructor(
    readonly id: string,
    readonly storePath: string,
    readonly env: Env,
    private readonly backend: StoreBackend,
    freshness?: FreshnessOptions,
  ) {
    this.dirWatch = dirWatchFor(storePath, freshness);
    this.storeFile = this.dirWatch.file(storePath);
    const sessions = sessionsPath(storePath);
    this.sessions = new SessionStore(sessions, this.dirWatch.file(sessions));
  }

  /**
   * This process wrote the store (bookkeeping, a refresh): the next read looks at the file
   * without waiting for the change notice, which arrives a loop turn later.
   */
  storeChanged(): void {
    this.storeFile.markChanged();
  }

  /**
   * This process's bookkeeping write landed: read the store again off the event loop (the
   * read and the parse used to wait for the next request, on it). Until this settles the
   * caller keeps showing the write through its overlay, and the cache serves the last read.
   * The stat comes first: a write by another process after it only makes the next look read again.
   */
  async reload(): Promise<void> {
    if (this.backend.kind !== 'file') return;
    this.reloads++;
    try {
      this.storeFile.markChanged();
      const key = this.storeFile.signature();
      const { read } = await readStoreOffLoop(this.storePath);
      this.storeRead = read;
      this.storeKey = key;
    } finally {
      this.reloads--;
    }
  }

  /** Stop watching the agent's files (the gateway closes). */
  close(): void {
    this.dirWatch.close();
  }

  /**
   * The store as it is now: a file is re-read only when it changed, and looked at only after a
   * change notice or once per re-check bound (file-watch.ts).
   */
  async read(): Promise<StoreRead> {
    return this.cached() ?? this.load();
  }

  /**
   * The file store's last read while the file has not changed, else null (then `read()`). The
   * request path takes it without an await: one promise and microtask less per request.
   */
  cached(): StoreRead | null {
    if (this.backend.kind !== 'file' || !this.storeRead) return null;
    // The notice of our own write comes before its re-read lands: that re-read will see any change.
    if (this.reloads > 0) return this.storeRead;
    return this.storeFile.signature() === this.storeKey ? this.storeRead : null;
  }

  private async load(): Promise<StoreRead> {
    if (this.backend.kind !== 'file') return this.backend.read(this);
    const key = this.storeFile.signature();
    this.storeRead = await this.backend.read(this);
    this.storeKey = key;
    return this.storeRead;
  }

  /** `<provider>:env` when the provider's env var is set on this host. */
  envProfileId(provider: string): string | undefined {
    const p = getProvider(provider);
    return p?.envVars.some((v) => (this.env[v] ?? '').trim() !== '') ? `${provider}:env` : undefined;
  }

  /** Profile ids that can serve `provider` (store profiles + env), for "valid ones" lists. */
  profileIds(store: Store, provider: string): string[] {
    const ids = Object.entries(store.profiles)
      .filter(([, p]) => p.provider === provider)
      .map(([id]) => id)
      .sort();
    const env = this.envProfileId(provider);
    if (env && !ids.includes(env)) ids.push(env);
    return ids;
  }

  /** The credential behind `id`, or null when there is none. */
  credential(store: Store, id: string): Credential | null {
    const p = Object.hasOwn(store.profiles, id) ? store.profiles[id] : undefined;
    if (p) {
      // Built once per try on the request path: optional fields assigned, not spread in.
      const c: Credential = {
        id,
        provider: p.provider,
        type: p.type,
        secret: profileSecret(p, this.env),
        refreshable: p.type === 'oauth' && typeof p.refresh === 'string' && p.refresh !== '',
      };
      if (p.expires !== undefined) c.expires = p.expires;
      if (typeof p.baseUrl === 'string' && p.baseUrl) c.baseUrl = p.baseUrl;
      if (p.type === 'oauth' && p.accountId) c.accountId = p.accountId;
      return c;
    }
    const view = envViews(this.id, this.env).find((v) => v.id === id);
    if (!view) return null;
    return { id, provider: view.provider, type: 'api_key', secret: view.secret, refreshable: false };
  }
}
