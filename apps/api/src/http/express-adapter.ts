import { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import { Socket } from 'node:net';

/** What Express gives every request and response as their prototypes (`app.request`, `app.response`). */
interface ExpressPrototypes {
  readonly request: object;
  readonly response: object;
}

/**
 * Express gives each request and response its app's prototypes with `Object.setPrototypeOf` (in
 * `app.handle`). For V8 that turns every one of them into an object of a shape of its own (a prototype
 * map): each property Express, Nest and this API then add creates a new hidden class, and every property
 * read on a request or response misses its inline cache (expressjs/express#5998). Measured here: no two
 * requests shared a hidden class, and the event loop's top costs were property lookups.
 *
 * This adapter has Node's HTTP server create requests and responses with those prototypes already, so
 * `Object.setPrototypeOf` finds them set and changes nothing: the same objects, with the same
 * prototypes, that keep the shapes they were created with.
 */
export class PrototypedExpressAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    // HTTPS (not used by this API) keeps Nest's own server.
    if (options?.httpsOptions) return super.initHttpServer(options);
    const app = this.getInstance<ExpressPrototypes & ((req: IncomingMessage, res: ServerResponse) => void)>();
    this.httpServer = createServer(
      { IncomingMessage: requestClass(app.request), ServerResponse: responseClass(app.response) },
      app,
    );
    // Nest's adapter tracks open connections only when asked to close them by force; this API does not ask.
    if (options?.forceCloseConnections)
      throw new Error('PrototypedExpressAdapter does not implement forceCloseConnections');
  }
}

/**
 * A request class whose instances have `prototype` (which inherits from IncomingMessage). Node constructs
 * it with `new`, so its instances start from one hidden class, and IncomingMessage (a plain function)
 * initializes them. (`Reflect.construct` with this function as the new target would derive a new hidden
 * class for every request, since the function's own initial map is not IncomingMessage's.)
 */
export function requestClass(prototype: object): typeof IncomingMessage {
  function ExpressRequest(this: IncomingMessage, socket: Socket) {
    (IncomingMessage as unknown as (this: IncomingMessage, socket: Socket) => void).call(this, socket);
  }
  ExpressRequest.prototype = prototype;
  return ExpressRequest as unknown as typeof IncomingMessage;
}

/** A response class whose instances have `prototype` (which inherits from ServerResponse); as above. */
export function responseClass(prototype: object): typeof ServerResponse {
  function ExpressResponse(this: ServerResponse, req: IncomingMessage, options?: object) {
    (
      ServerResponse as unknown as (this: ServerResponse, req: IncomingMessage, options?: object) => void
    ).call(this, req, options);
  }
  ExpressResponse.prototype = prototype;
  return ExpressResponse as unknown as typeof ServerResponse;
}
