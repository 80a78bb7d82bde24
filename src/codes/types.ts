// Shapes shared by every code table (GB/T, GB and WS 364 value sets).

export interface CodeEntry {
  code: string;
  zh: string;
  en: string;
}

export interface CodeTable {
  /** Stable id used by the API and the CLI, e.g. 'ethnicity'. */
  id: string;
  zh: string;
  en: string;
  /** Standard and spec section the values come from. */
  source: string;
  /** How the codes were chosen where the spec is silent. */
  note?: string;
  entries: readonly CodeEntry[];
}
