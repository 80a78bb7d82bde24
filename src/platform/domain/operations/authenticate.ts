// RHC_C0001 认证: an institution user logs in (§2.2 digest) and gets a token, its permitted business codes
// and the current list versions. Failed logins are audited too (who tried, from which terminal, why refused).
import type * as C from '../../contracts.ts';
import { RhcError } from '../../errors.ts';
import { auditEntry, auditLater, nowParts } from '../context.ts';
import type { DomainContext } from '../context.ts';
import { toWireTime } from '../format.ts';
import { permittedCodes } from '../institutions/index.ts';
import { headVersion } from '../ledger/index.ts';

export async function authenticate(
  ctx: DomainContext,
  input: C.AuthenticateInput,
): Promise<C.AuthenticateOutput> {
  let authenticated: Awaited<ReturnType<DomainContext['registry']['authenticate']>>;
  try {
    authenticated = await ctx.registry.authenticate(input);
  } catch (err) {
    if (err instanceof RhcError)
      ctx.audit.append(
        auditEntry(
          { institutionCode: input.orgCode, userName: input.userName },
          'RHC_C0001',
          `term:${input.termId}`,
          err.code,
        ),
      );
    throw err;
  }
  const { caller, orgName, session } = authenticated;
  const { token, expiresAt } = ctx.registry.issueToken(caller, session);
  auditLater(ctx, caller, 'RHC_C0001', `term:${input.termId}`);
  const [b, w] = await Promise.all([headVersion(ctx.db, 'B'), headVersion(ctx.db, 'W')]);
  return {
    token,
    expiresAt: toWireTime(expiresAt),
    orgName,
    regionCode: caller.regionCode,
    allowedCodes: permittedCodes(caller.role, caller.userRole),
    serverTime: nowParts(ctx.clock).time,
    blacklistVersion: b.version,
    whitelistVersion: w.version,
  };
}
