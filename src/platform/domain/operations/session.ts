// Session operations beside the ten interfaces: renew a token (sliding) and sign out (revokes the
// terminal's tokens), both audited under the caller.
import { auditLater } from '../context.ts';
import type { DomainContext } from '../context.ts';
import { toWireTime } from '../format.ts';

export async function renewToken(ctx: DomainContext, token: string | undefined) {
  const { token: fresh, expiresAt } = await ctx.registry.renewToken(token);
  return { token: fresh, expiresAt: toWireTime(expiresAt) };
}

export async function signOut(ctx: DomainContext, token: string | undefined) {
  const caller = await ctx.registry.signOut(token);
  auditLater(ctx, caller, 'SIGN_OUT', `term:${caller.termId}`);
  return { signedOut: true };
}
