// The two transition rules of §5.2 over lifecycle.ts's table: an online operation moves a card ONE step
// (the operation type is the step's); an exchange file carries the card's current state, so a stored
// status may move to it along any path of the table.
import { RhcError } from '../../errors.ts';
import { TRANSITIONS, transitionOp } from '../lifecycle.ts';

/** The operation type of the one-step move from → to; throws TRANSITION_NOT_ALLOWED when there is none. */
export function stepOp(from: string, to: string): string {
  const op = transitionOp(from, to);
  if (!op)
    throw new RhcError('TRANSITION_NOT_ALLOWED', {
      field: 'newStatus',
      detail: `${from} → ${to} is not allowed`,
    });
  return op;
}

const reach = new Map<string, boolean>();

/** Is `to` reachable from `from` along the §5.2 transition table (at least one step)? */
export function reachable(from: string, to: string): boolean {
  const k = `${from}>${to}`;
  const hit = reach.get(k);
  if (hit !== undefined) return hit;
  const seen = new Set<string>();
  const queue = Object.keys(TRANSITIONS[from] ?? {});
  let ok = false;
  while (queue.length) {
    const s = queue.shift()!;
    if (s === to) {
      ok = true;
      break;
    }
    if (seen.has(s)) continue;
    seen.add(s);
    queue.push(...Object.keys(TRANSITIONS[s] ?? {}));
  }
  reach.set(k, ok);
  return ok;
}
