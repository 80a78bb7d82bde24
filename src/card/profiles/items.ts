// Global data-item numbers of the older item API (card-format.md §8.5): 1…57 are the TLV tags, EE items
// start at 64 and ED items at 213 (the layouts carry their item numbers), 58…63 are unassigned.
import type { CardProfile, EfSpec, FieldSpec, RecordLayout, TlvElementSpec } from '../image.ts';
import { type EfEntry, listEfs } from './index.ts';

export type ItemRef =
  | {
      readonly kind: 'tlv';
      readonly item: number;
      readonly file: EfEntry;
      readonly record: number;
      readonly element: TlvElementSpec;
    }
  | {
      readonly kind: 'field';
      readonly item: number;
      /** The encounter files holding this layout, in slot order (wID 1…n of the item API). */
      readonly files: readonly EfEntry[];
      readonly layout: RecordLayout;
      readonly field: FieldSpec;
    };

/** The element or layout field with this item number, or undefined (e.g. 58…63). */
export function findItem(profile: CardProfile, item: number): ItemRef | undefined {
  const efs = listEfs(profile);
  for (const file of efs) {
    const i = file.ef.elements?.findIndex((e) => e.tag === item) ?? -1;
    if (i >= 0 && file.ef.elements)
      return { kind: 'tlv', item, file, record: i + 1, element: file.ef.elements[i] };
  }
  const seen = new Set<RecordLayout>();
  for (const { ef } of efs) {
    const layout = ef.slot !== undefined ? ef.layout : undefined;
    if (!layout || seen.has(layout)) continue;
    seen.add(layout);
    const field = layout.fields.find((f) => f.item === item);
    if (field)
      return { kind: 'field', item, files: efs.filter((e) => sameLayout(e.ef, layout)), layout, field };
  }
  return undefined;
}

const sameLayout = (ef: EfSpec, layout: RecordLayout): boolean =>
  ef.slot !== undefined && ef.layout === layout;

/** The element with this tag in a TLV file (READ RECORD by identifier, `00 B2 <tag> 00`). */
export function findElementByTag(
  ef: EfSpec,
  tag: number,
): { record: number; element: TlvElementSpec } | undefined {
  const i = ef.elements?.findIndex((e) => e.tag === tag) ?? -1;
  return i >= 0 && ef.elements ? { record: i + 1, element: ef.elements[i] } : undefined;
}
