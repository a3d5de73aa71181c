import request from 'supertest';
import { signJwt } from '../../apps/api/src/auth/jwt';
import { DEV_JWT_SECRET } from '../../apps/api/src/config/api-config';
import { TestApp, startTestApp } from '../support/test-app';

/** Signed bearer tokens: the signature, the expiry and the claims decide who the caller is. */
describe('bearer JWTs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('2026-03-02T08:00:00Z');
  });
  afterAll(() => t.close());

  const now = () => Math.floor(t.clock.now().getTime() / 1000);
  const token = (claims: object, secret = DEV_JWT_SECRET) =>
    signJwt(
      { sub: 'auditor-7', role: 'auditor', customers: ['acme'], exp: now() + 3600, ...claims } as never,
      secret,
    );
  const get = (bearer: string) =>
    request(t.app.getHttpServer()).get('/tickets').set('Authorization', `Bearer ${bearer}`);
  const post = (bearer: string) =>
    request(t.app.getHttpServer())
      .post('/agreements')
      .set('Authorization', `Bearer ${bearer}`)
      .send({ customerId: 'acme', name: 'x', services: ['email'] });

  it('accepts a token signed with the configured key and takes role and customers from it', async () => {
    await get(token({})).expect(200);
    await post(token({})).expect(403); // an auditor never writes
    await post(token({ sub: 'admin-7', role: 'admin', customers: ['*'] })).expect(201);
    await get(token({})).query({ customerId: 'globex' }).expect(403);
  });

  it('refuses a wrong signature, an expired token, alg none and missing claims with 401', async () => {
    await get(token({}, 'another-secret-another-secret-another-secret')).expect(401);
    await get(token({ exp: now() - 1 })).expect(401);
    await get(token({ role: 'superuser' })).expect(401);
    const [, payload] = token({}).split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    await get(none).expect(401);
    await get('a.b.c').expect(401);
  });
});
