import express from 'express';
import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { requestClass, responseClass } from './express-adapter';

// V8's own answer to "do these two objects have the same hidden class?", compiled after allowing it.
setFlagsFromString('--allow-natives-syntax');
const sameHiddenClass = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (
  a: object,
  b: object,
) => boolean;

/**
 * Serves an Express app until two requests are in its handler at once, and tells what they share:
 * whether they have the app's prototypes, and whether their requests and responses have one hidden class.
 * A few requests are answered first: the claim is about a server in use. The very first objects of a shape
 * can still have their hidden class replaced while V8 learns what their fields hold (a field changing
 * representation deprecates the class): the likeliest reason this test once failed in a loaded CI run.
 */
async function twoRequestsAt(server: (app: express.Express) => Server, app: express.Express) {
  const held: Array<{ req: express.Request; res: express.Response }> = [];
  let holding = false;
  let bothHeld: () => void = () => undefined;
  const bothArrived = new Promise<void>((resolve) => (bothHeld = resolve));
  app.post('/x', (req, res) => {
    if (!holding) {
      res.json({ ok: true });
      return;
    }
    held.push({ req, res });
    if (held.length === 2) bothHeld();
  });
  const http = server(app);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const post = () =>
    fetch(`http://127.0.0.1:${port}/x`, { method: 'POST', body: '{}' }).then((response) => response.text());
  for (let i = 0; i < 20; i++) await Promise.all([post(), post()]);
  holding = true;
  const answers = [post(), post()];
  await bothArrived;
  const [a, b] = held;
  const shared = {
    prototypes: held.every(
      ({ req, res }) =>
        Object.getPrototypeOf(req) === app.request && Object.getPrototypeOf(res) === app.response,
    ),
    requestClass: sameHiddenClass(a.req, b.req),
    responseClass: sameHiddenClass(a.res, b.res),
  };
  for (const { res } of held) res.json({ ok: true });
  await Promise.all(answers);
  await new Promise((resolve) => http.close(resolve));
  return shared;
}

describe("the API's HTTP server", () => {
  it('creates requests and responses with Express prototypes, so that they keep one hidden class', async () => {
    const app = express();
    const shared = await twoRequestsAt(
      (handler) =>
        createServer(
          { IncomingMessage: requestClass(app.request), ServerResponse: responseClass(app.response) },
          handler,
        ),
      app,
    );
    expect(shared).toEqual({ prototypes: true, requestClass: true, responseClass: true });
  });

  it("(Node's default server, for comparison: Express sets the prototypes on each, and no two share a class)", async () => {
    const app = express();
    const shared = await twoRequestsAt((handler) => createServer(handler), app);
    expect(shared).toEqual({ prototypes: true, requestClass: false, responseClass: false });
  });
});
