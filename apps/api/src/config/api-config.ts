import { Principal, ROLES, Role } from '@app/domain';
import { AutomationConfig, AutomationConfigError, loadAutomationConfig } from '@app/automation';
import { StoresConfig, StoresConfigError, loadStoresConfig } from '@app/stores';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface ApiConfig {
  readonly port: number;
  /** Folder of the embedded stores, created on first start. */
  readonly dataDir: string;
  /** Which event and read stores, and where the projections run. */
  readonly stores: StoresConfig;
  /** The process manager and the notification outbox (run where the projections run). */
  readonly automation: AutomationConfig;
  /** Bearer token -> principal. */
  readonly principals: ReadonlyMap<string, Principal>;
  readonly principalsSource: string;
  /** Key that signs and verifies bearer JWTs (HS256). */
  readonly jwtSecret: string;
}

/** The documented development key: public, refused under NODE_ENV=production. */
export const DEV_JWT_SECRET = 'dev-only-jwt-secret-do-not-use-in-production';

export const API_CONFIG = Symbol('API_CONFIG');

/** The development principals shipped in config/, found from the source or the built file alike. */
function devPrincipalsFile(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'config', 'dev-principals.json');
    if (existsSync(candidate)) return candidate;
  }
  throw new ConfigError('config/dev-principals.json not found: set PRINCIPALS_FILE');
}

export class ConfigError extends Error {}

function parsePrincipals(file: string): Map<string, Principal> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`PRINCIPALS_FILE ${file} cannot be read as JSON: ${(error as Error).message}`);
  }
  const tokens = (parsed as { tokens?: Record<string, Partial<Principal>> }).tokens;
  if (!tokens || typeof tokens !== 'object') throw new ConfigError(`${file}: expected {"tokens": {...}}`);
  const principals = new Map<string, Principal>();
  for (const [token, principal] of Object.entries(tokens)) {
    if (token.length < 12) throw new ConfigError(`${file}: tokens must be at least 12 characters`);
    if (
      typeof principal.id !== 'string' ||
      !ROLES.includes(principal.role as Role) ||
      !Array.isArray(principal.customers) ||
      !principal.customers.every((customer) => typeof customer === 'string')
    ) {
      throw new ConfigError(
        `${file}: each token maps to {id, role (${ROLES.join('|')}), customers: string[]}`,
      );
    }
    principals.set(token, { id: principal.id, role: principal.role as Role, customers: principal.customers });
  }
  return principals;
}

/** Reads and checks the configuration once at start-up; a bad value stops the start with a clear message. */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`PORT "${env.PORT}" is not a port`);
  let stores: StoresConfig;
  let automation: AutomationConfig;
  try {
    stores = loadStoresConfig(env);
    automation = loadAutomationConfig(env, stores.dataDir);
  } catch (error) {
    if (error instanceof StoresConfigError || error instanceof AutomationConfigError)
      throw new ConfigError(error.message);
    throw error;
  }
  if (env.NODE_ENV === 'production' && !env.PRINCIPALS_FILE) {
    throw new ConfigError('NODE_ENV=production needs PRINCIPALS_FILE: the development tokens are public');
  }
  if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
    throw new ConfigError('NODE_ENV=production needs JWT_SECRET: the development key is public');
  }
  if (env.JWT_SECRET !== undefined && env.JWT_SECRET.length < 32) {
    throw new ConfigError('JWT_SECRET must be at least 32 characters');
  }
  const principalsSource = env.PRINCIPALS_FILE ? resolve(env.PRINCIPALS_FILE) : devPrincipalsFile();
  return {
    port,
    dataDir: stores.dataDir,
    stores,
    automation,
    principals: parsePrincipals(principalsSource),
    principalsSource,
    jwtSecret: env.JWT_SECRET ?? DEV_JWT_SECRET,
  };
}
