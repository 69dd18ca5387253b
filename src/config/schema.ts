/**
 * THE configuration schema: every setting aipro has is declared here, once, with its
 * format, default, env override and whether it is secret. `aipro.json` mirrors it.
 */
import { assertChannels } from './channels.js';
import {
  assertCron,
  assertDuration,
  assertDurationList,
  assertListen,
  assertNonNegativeNumber,
  assertHeartbeatTimeout,
  assertHeartbeatUrl,
  assertObjectMap,
  assertOrderMap,
  assertSecretRef,
  assertSqlIdentifier,
  assertStringMap,
} from './formats.js';

const fmt = (assert: (v: unknown) => void) => assert;

/**
 * Every monitor by name, in run order for `--once` (local checks first, expiry last so it sees
 * fresh probe and refresh results), with the cron schedule it runs on unless
 * `monitor.schedules.<name>` is set. Declared once: the schema, the monitor registry and the
 * scheduler all read it.
 */
export const MONITOR_DEFAULT_SCHEDULES = {
  store: '*/5 * * * *',
  refresh: '*/5 * * * *',
  validity: '*/30 * * * *',
  expiry: '* * * * *',
} as const;
export type MonitorName = keyof typeof MONITOR_DEFAULT_SCHEDULES;
export const MONITOR_NAMES = Object.keys(MONITOR_DEFAULT_SCHEDULES) as MonitorName[];

export const schema = {
  // convict cannot declare a child named `default` (it reads it as a leaf's default value), so
  // `agents.default` and `models.default` are declared as `__default`; load.ts renames both ways.
  agents: {
    __default: { doc: 'Agent used when --agent is not given.', format: String, default: 'main', env: 'AIPRO_AGENT' },
  },
  env: {
    vars: {
      doc: 'Extra env vars for aipro (lowest precedence but the login shell).',
      format: fmt(assertStringMap),
      default: {} as Record<string, string>,
    },
    shellEnv: {
      enabled: {
        doc: 'Import missing env vars from a login shell.',
        format: Boolean,
        default: false,
        env: 'AIPRO_LOAD_SHELL_ENV',
      },
      timeoutMs: { doc: 'Login-shell import timeout.', format: 'nat', default: 15000 },
    },
  },
  auth: {
    profiles: {
      doc: 'Declared profiles (id -> {provider, mode}).',
      format: fmt(assertObjectMap),
      default: {} as Record<string, { provider?: string; mode?: string }>,
    },
    order: {
      doc: 'Config order per provider (the store order wins).',
      format: fmt(assertOrderMap),
      default: {} as Record<string, string[]>,
    },
    warnHours: {
      doc: 'Warn window: a credential expiring within it is "expiring".',
      format: fmt(assertNonNegativeNumber),
      default: 24,
      env: 'AIPRO_WARN_HOURS',
    },
    refreshSkewMs: { doc: 'Refresh OAuth access tokens this long before they expire.', format: 'nat', default: 300000 },
  },
  models: {
    __default: {
      doc: 'Default model (provider/model or alias).',
      format: String,
      default: 'anthropic/claude-sonnet-4-5',
      env: 'AIPRO_MODEL',
    },
    aliases: {
      doc: 'Alias -> provider/model.',
      format: fmt(assertStringMap),
      default: { sonnet: 'anthropic/claude-sonnet-4-5' } as Record<string, string>,
    },
    fallbacks: {
      doc: 'Models tried when every credential of the chosen one failed.',
      format: Array,
      default: [] as string[],
    },
    providers: {
      doc: 'Per-provider settings: baseUrl, oauth endpoint overrides.',
      format: fmt(assertObjectMap),
      default: {} as Record<string, ProviderSettings>,
    },
  },
  monitor: {
    listen: {
      doc: 'Address of /metrics, /healthz, /readyz.',
      format: fmt(assertListen),
      default: '127.0.0.1:18790',
      env: 'AIPRO_MONITOR_LISTEN',
    },
    schedules: {
      expiry: {
        doc: 'Cron schedule of the expiry monitor.',
        format: fmt(assertCron),
        default: MONITOR_DEFAULT_SCHEDULES.expiry,
      },
      validity: {
        doc: 'Cron schedule of the validity (live probe) monitor.',
        format: fmt(assertCron),
        default: MONITOR_DEFAULT_SCHEDULES.validity,
      },
      store: {
        doc: 'Cron schedule of the store monitor.',
        format: fmt(assertCron),
        default: MONITOR_DEFAULT_SCHEDULES.store,
      },
      refresh: {
        doc: 'Cron schedule of the OAuth refresh monitor.',
        format: fmt(assertCron),
        default: MONITOR_DEFAULT_SCHEDULES.refresh,
      },
    },
    probe: {
      timeoutMs: { doc: 'Live probe timeout.', format: 'nat', default: 8000 },
      concurrency: { doc: 'Live probes in flight at once.', format: 'nat', default: 4 },
    },
    textfile: {
      path: {
        doc: 'node_exporter textfile collector file (empty: off).',
        format: String,
        default: '',
        env: 'AIPRO_TEXTFILE_PATH',
      },
    },
    statePath: {
      doc: 'Alert state + outbox file (empty: <state dir>/monitor/state.json).',
      format: String,
      default: '',
    },
    metrics: {
      statusMode: {
        doc:
          'aipro_auth_profile_status: "stateset" (8 series per profile, 1 for the current status) or "label" (1 ' +
          'series per profile: the current status), for large fleets.',
        format: ['stateset', 'label'],
        default: 'stateset',
      },
    },
    labels: {
      profile: {
        doc:
          'The `profile` label of metrics and alerts: "id" (the profile id) or "hash" (a stable 12-hex-digit hash, ' +
          'when ids are e-mail addresses; `aipro models status` shows the mapping).',
        format: ['id', 'hash'],
        default: 'id',
      },
    },
    heartbeat: {
      // URLs of ping services carry their token in the path: secret-valued, printed redacted.
      url: {
        doc: "Dead-man's switch: pinged after every successful expiry cycle / --once run (empty: off).",
        format: fmt(assertHeartbeatUrl),
        default: null as SecretValue | null,
        sensitive: true,
      },
      failUrl: {
        doc: 'Pinged (POST, the reason as body) after a run that could not judge the credentials (empty: none).',
        format: fmt(assertHeartbeatUrl),
        default: null as SecretValue | null,
        sensitive: true,
      },
      method: { doc: 'HTTP method of the success ping.', format: ['GET', 'POST'], default: 'GET' },
      timeoutMs: {
        doc: 'Bound of one ping, its one retry included (100 to 300000 ms).',
        format: fmt(assertHeartbeatTimeout),
        default: 10000,
      },
    },
  },
  alerts: {
    thresholds: {
      doc: 'Reminder ladder before expiry.',
      format: fmt(assertDurationList),
      default: ['14d', '7d', '3d', '1d', '6h', '1h'],
    },
    repeat: { doc: 'Repeat interval for still-firing alerts.', format: fmt(assertDuration), default: '24h' },
    probeFailingCycles: { doc: 'Failed probe cycles in a row before probe_failing fires.', format: 'nat', default: 3 },
    hostname: { doc: 'Host name shown in alerts (empty: the system host name).', format: String, default: '' },
    criticalWithin: {
      doc:
        'An expiring credential with less than this left is AiproCredentialExpiringCritical (critical), else ' +
        'AiproCredentialExpiringSoon (warning); also the default of `aipro rules print --critical`.',
      format: fmt(assertDuration),
      default: '24h',
    },
    channels: {
      doc: 'Notification channels by name.',
      format: fmt(assertChannels),
      default: {} as Record<string, ChannelConfig>,
    },
  },
  gateway: {
    port: { doc: 'Gateway port.', format: 'port', default: 18789, env: 'AIPRO_GATEWAY_PORT' },
    bind: { doc: 'loopback, lan, or an address.', format: String, default: 'loopback', env: 'AIPRO_GATEWAY_BIND' },
    auth: {
      token: {
        doc: 'Bearer token clients must send (required beyond loopback).',
        format: fmt(assertSecretRef),
        default: null as SecretValue | null,
        sensitive: true,
      },
    },
    bodyLimit: { doc: 'Largest request body accepted.', format: String, default: '10mb' },
    timeouts: {
      connectMs: {
        doc: 'Upstream connect timeout (ms): an endpoint that cannot be reached in time is skipped.',
        format: 'nat',
        default: 10_000,
      },
      headersMs: {
        doc: 'Upstream response-header timeout (ms) from sending the request; the next credential is tried.',
        format: 'nat',
        default: 60_000,
      },
      idleMs: {
        doc: 'Longest silence (ms) inside an upstream response body before it is cut.',
        format: 'nat',
        default: 120_000,
      },
    },
  },
  store: {
    backend: {
      doc: 'Where auth stores live: file (one per agent on this host) or postgres (shared by a fleet).',
      format: ['file', 'postgres'],
      default: 'file' as 'file' | 'postgres',
      env: 'AIPRO_STORE_BACKEND',
    },
    postgres: {
      url: {
        doc: 'PostgreSQL connection URL of the fleet store.',
        format: fmt(assertSecretRef),
        // null, not '': convict reads an object given to a key whose default is a string as
        // a missing key, and this key takes a {source, id} reference.
        default: null as SecretValue | null,
        sensitive: true,
        env: 'AIPRO_STORE_POSTGRES_URL',
      },
      schema: {
        doc: 'PostgreSQL schema holding the store tables.',
        format: fmt(assertSqlIdentifier),
        default: 'aipro',
      },
      encryption: {
        doc: 'How secret fields are sealed at rest (none only when the database itself is trusted).',
        format: ['aes-256-gcm', 'none'],
        default: 'aes-256-gcm' as 'aes-256-gcm' | 'none',
      },
      staleAfter: {
        doc: 'How long cached credentials are served while PostgreSQL is unreachable.',
        format: fmt(assertDuration),
        default: '15m',
      },
      fleet: {
        doc:
          'Name of the fleet that alerts carry instead of one host name (empty: fleet-<schema>); ' +
          'the alert state is kept under it.',
        format: String,
        default: '',
      },
    },
  },
};

export type SecretValue = string | { source: 'env' | 'file'; id: string };

export interface ProviderSettings {
  baseUrl?: string;
  oauth?: {
    clientId?: string;
    authorizeUrl?: string;
    tokenUrl?: string;
    fallbackTokenUrl?: string;
    redirectUri?: string;
    scopes?: string[];
    originator?: string;
  };
  [k: string]: unknown;
}

export interface ChannelConfig {
  type: 'email' | 'webhook' | 'alertmanager';
  [k: string]: unknown;
}

/** Dotted keys whose values are secrets (printed redacted). Channel secrets are found by name. */
export const SECRET_KEY_NAMES = new Set(['token', 'pass', 'password', 'secret', 'key', 'apiKey']);

export interface AiproConfig {
  agents: { default: string };
  env: { vars: Record<string, string>; shellEnv: { enabled: boolean; timeoutMs: number } };
  auth: {
    profiles: Record<string, { provider?: string; mode?: string }>;
    order: Record<string, string[]>;
    warnHours: number;
    refreshSkewMs: number;
  };
  models: {
    default: string;
    aliases: Record<string, string>;
    fallbacks: string[];
    providers: Record<string, ProviderSettings>;
  };
  monitor: {
    listen: string;
    schedules: Record<MonitorName, string>;
    probe: { timeoutMs: number; concurrency: number };
    textfile: { path: string };
    statePath: string;
    metrics: { statusMode: 'stateset' | 'label' };
    labels: { profile: 'id' | 'hash' };
    heartbeat: { url: SecretValue | null; failUrl: SecretValue | null; method: 'GET' | 'POST'; timeoutMs: number };
  };
  alerts: {
    thresholds: string[];
    repeat: string;
    probeFailingCycles: number;
    hostname: string;
    criticalWithin: string;
    channels: Record<string, ChannelConfig>;
  };
  gateway: {
    port: number;
    bind: string;
    auth: { token: SecretValue | null };
    bodyLimit: string;
    timeouts: { connectMs: number; headersMs: number; idleMs: number };
  };
  store: {
    backend: 'file' | 'postgres';
    postgres: {
      url: SecretValue | null;
      schema: string;
      encryption: 'aes-256-gcm' | 'none';
      staleAfter: string;
      fleet: string;
    };
  };
}
