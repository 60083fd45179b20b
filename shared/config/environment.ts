/**
 * Every environment variable Vigil reads, with its meaning: the contract of
 * docs/architecture.md ("Environment") plus the project's own (Kafka security, log
 * format). The resolver reads variables only through this list, so it is complete, and a
 * test checks that docker-compose.yml and deploy/k8s set no variable missing from it.
 * Variables marked `file` also accept `<NAME>_FILE`: a path whose content is the value
 * (for secrets mounted as files); setting both is an error.
 */
export interface EnvVar {
  readonly doc: string;
  /** Also read as `<NAME>_FILE`. */
  readonly file?: boolean;
}

export const ENVIRONMENT = {
  KAFKA_BROKERS: { doc: 'host:port,… of the Kafka cluster; unset → the embedded in-process bus' },
  KAFKA_SSL: { doc: 'true: TLS to the brokers, trusting the system CAs unless KAFKA_SSL_CA is set' },
  KAFKA_SSL_CA: { doc: 'PEM CA bundle the brokers are verified against (implies TLS)', file: true },
  KAFKA_SSL_CERT: { doc: 'PEM client certificate for mutual TLS (with KAFKA_SSL_KEY)', file: true },
  KAFKA_SSL_KEY: { doc: 'PEM private key of the client certificate', file: true },
  KAFKA_SSL_KEY_PASSWORD: { doc: 'passphrase of an encrypted KAFKA_SSL_KEY', file: true },
  KAFKA_SASL_MECHANISM: { doc: 'plain, scram-sha-256 or scram-sha-512' },
  KAFKA_SASL_USERNAME: { doc: 'SASL user', file: true },
  KAFKA_SASL_PASSWORD: { doc: 'SASL password', file: true },
  CLICKHOUSE_URL: { doc: 'ClickHouse server (http[s]://host:port); unset → embedded ClickHouse (chdb)' },
  CLICKHOUSE_USER: { doc: 'ClickHouse user (default "default")' },
  CLICKHOUSE_PASSWORD: { doc: 'ClickHouse password', file: true },
  VIGIL_DATA_DIR: { doc: 'embedded ClickHouse data and embedded-bus state (default ./data)' },
  VIGIL_HTTP_PORT: { doc: 'port of the API, or of /healthz, /readyz and /metrics in workers (default 8080)' },
  VIGIL_HTTP_HOST: { doc: 'interface the health endpoint binds (default 127.0.0.1; 0.0.0.0 in containers)' },
  VIGIL_CONFIG: { doc: 'detector config file (YAML or JSON)' },
  VIGIL_API_KEYS: { doc: 'key:role,… (keys of 8+ characters; roles admin, analyst, integration)' },
  VIGIL_LOG_LEVEL: { doc: 'fatal, error, warn, info (default), debug, trace or silent' },
  VIGIL_LOG_FORMAT: { doc: 'json, pretty, or auto (default): pretty on a terminal, JSON otherwise' },
} as const satisfies Record<string, EnvVar>;

export type EnvName = keyof typeof ENVIRONMENT;

/** Every name the resolver accepts, `_FILE` variants included. */
export function environmentNames(): string[] {
  return Object.entries(ENVIRONMENT).flatMap(([name, v]) =>
    'file' in v && v.file ? [name, `${name}_FILE`] : [name],
  );
}
