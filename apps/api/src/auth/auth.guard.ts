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
import { createHash, timingSafeEqual } from 'node:crypto';
import { API_CONFIG, ApiConfig } from '../config/api-config';

const IS_PUBLIC = 'isPublic';
/** A route anyone may call (health, API docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

type RequestWithPrincipal = { headers: Record<string, string | string[] | undefined>; principal?: Principal };

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Maps `Authorization: Bearer <token>` to a configured principal; 401 when absent or unknown. */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly tokens: Array<{ digest: Buffer; principal: Principal }>;

  constructor(
    private readonly reflector: Reflector,
    @Inject(API_CONFIG) config: ApiConfig,
  ) {
    this.tokens = [...config.principals].map(([token, principal]) => ({ digest: digest(token), principal }));
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]))
      return true;
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer (\S+)$/i.exec(header) : null;
    if (!match)
      throw new UnauthorizedException({ code: 'unauthenticated', message: 'a bearer token is required' });
    const presented = digest(match[1]);
    // Compare every token in constant time so that timing does not reveal which one nearly matched.
    let principal: Principal | undefined;
    for (const candidate of this.tokens) {
      if (timingSafeEqual(candidate.digest, presented)) principal = candidate.principal;
    }
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
