import { Principal } from '@app/domain';
import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import { API_CONFIG, ApiConfig } from '../config/api-config';
import { CLOCK, Clock } from '@app/application';
import { InvalidTokenError, verifyJwt } from './jwt';

const IS_PUBLIC = 'isPublic';
/** A route anyone may call (health, API docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

type RequestWithPrincipal = { headers: Record<string, string | string[] | undefined>; principal?: Principal };

/** Tokens are looked up by their SHA-256 digest: lookup timing can then reveal nothing usable about a token. */
const digest = (value: string) => createHash('sha256').update(value).digest('hex');

/** Maps `Authorization: Bearer <token>` to a configured principal; 401 when absent or unknown. */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly principalsByDigest: ReadonlyMap<string, Principal>;

  constructor(
    private readonly reflector: Reflector,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.principalsByDigest = new Map(
      [...config.principals].map(([token, principal]) => [digest(token), principal]),
    );
  }

  /** A signed JWT (three dot-separated parts), else a token configured in PRINCIPALS_FILE. */
  private principalOf(token: string): Principal | undefined {
    if (token.split('.').length === 3) {
      try {
        return verifyJwt(token, this.config.jwtSecret, this.clock.now().getTime());
      } catch (error) {
        if (error instanceof InvalidTokenError) return undefined;
        throw error;
      }
    }
    return this.principalsByDigest.get(digest(token));
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]))
      return true;
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer (\S+)$/i.exec(header) : null;
    if (!match)
      throw new UnauthorizedException({ code: 'unauthenticated', message: 'a bearer token is required' });
    const principal = this.principalOf(match[1]);
    if (!principal)
      throw new UnauthorizedException({ code: 'unauthenticated', message: 'the bearer token is not valid' });
    request.principal = principal;
    return true;
  }
}

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal =>
    context.switchToHttp().getRequest<RequestWithPrincipal>().principal as Principal,
);
