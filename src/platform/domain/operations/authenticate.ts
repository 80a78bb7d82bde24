// RHC_C0001 认证: an institution user logs in (§2.2 digest) and gets a token, its permitted business codes
// and the current list versions. Failed logins are audited too (who tried, from which terminal, why refused);
// the throttle (institutions/throttle.ts) bounds how fast a caller can add such rows.
import type * as C from '../../contracts.ts';
import { RhcError } from '../../errors.ts';
import { auditEntry, auditLater, nowParts } from '../context.ts';
import type { DomainContext } from '../context.ts';
import { toWireTime } from '../format.ts';
import { permittedCodes } from '../institutions/index.ts';
import { headVersion } from '../ledger/index.ts';

/** Request facts the bindings know: the source address (per-source throttling). */
export interface RequestMeta {
  source?: string | undefined;
}

export async function authenticate(
  ctx: DomainContext,
  input: C.AuthenticateInput,
  meta: RequestMeta = {},
): Promise<C.AuthenticateOutput> {
  const who = { institutionCode: input.orgCode, userName: input.userName };
  let authenticated: Awaited<ReturnType<DomainContext['registry']['authenticate']>>;
  try {
    authenticated = await ctx.registry.authenticate(input, {
      source: meta.source,
      // the lockout is audited once when it begins; refusals while locked are counted, not audited
      onLockout: (k) => ctx.audit.append(auditEntry(who, 'AUTH_LOCKOUT', k.key, '1013')),
    });
  } catch (err) {
    if (err instanceof RhcError && err.code !== '1013')
      ctx.audit.append(auditEntry(who, 'RHC_C0001', `term:${input.termId}`, err.code));
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
