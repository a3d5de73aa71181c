import { systemClock } from '@app/application';
import { ROLES, Role } from '@app/domain';
import { signJwt } from '../../../api/src/auth/jwt';
import { DEV_JWT_SECRET } from '../../../api/src/config/api-config';
import { ParsedArgs, UsageError, numberOption } from '../cli-args';

/**
 * `mint-token --sub ID --role ROLE [--customers a,b|*] [--hours 8]`: a bearer JWT signed with JWT_SECRET
 * (or the documented development key when it is not set).
 */
export async function mintToken(args: ParsedArgs): Promise<void> {
  const sub = args.options.get('sub');
  const role = args.options.get('role');
  const customers = args.options.get('customers') ?? '*';
  if (typeof sub !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/.test(sub))
    throw new UsageError('--sub takes a principal id');
  if (typeof role !== 'string' || !ROLES.includes(role as Role))
    throw new UsageError(`--role takes one of ${ROLES.join(', ')}`);
  if (typeof customers !== 'string') throw new UsageError('--customers takes a comma-separated list, or *');
  const hours = numberOption(args, 'hours', 8);
  const secret = process.env.JWT_SECRET ?? DEV_JWT_SECRET;
  if (!process.env.JWT_SECRET)
    console.error('note: signed with the public development key (set JWT_SECRET for real tokens)');
  const nowSeconds = Math.floor(systemClock.now().getTime() / 1000);
  console.log(
    signJwt(
      {
        sub,
        role: role as Role,
        customers: customers.split(',').filter(Boolean),
        iat: nowSeconds,
        exp: nowSeconds + Math.round(hours * 3600),
      },
      secret,
    ),
  );
}
