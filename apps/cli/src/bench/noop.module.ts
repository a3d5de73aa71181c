import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';

/** The yardstick: a Nest endpoint that parses the JSON body and does nothing with it. */
@Controller()
class NoopController {
  @Post('noop')
  @HttpCode(201)
  noop(@Body() _body: unknown) {
    return { ok: true };
  }
}

@Module({ controllers: [NoopController] })
export class NoopModule {}
