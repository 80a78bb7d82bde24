// XML in and out for the SOAP bindings, driven by the JSON Schema of the interface's zod schema:
// parse safely (no DTD, no external entities, size-capped by the HTTP layer), coerce element text to the
// schema's types, and serialise responses in schema order.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { RhcError } from '../errors.ts';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  maxLength?: number;
  description?: string;
  anyOf?: JsonSchema[];
}

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true, // only the five predefined entities: DTDs (the only way to declare others) are refused
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** Parses untrusted XML: refuses DTDs/entity declarations and malformed documents with 1010. */
export function parseUntrustedXml(xml: string): Record<string, unknown> {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    throw new RhcError('MESSAGE_PARSE', { detail: 'DTDs and entity declarations are not accepted' });
  const v = XMLValidator.validate(xml);
  if (v !== true)
    throw new RhcError('MESSAGE_PARSE', { detail: `malformed XML at line ${v.err.line}: ${v.err.msg}` });
  try {
    return parser.parse(xml) as Record<string, unknown>;
  } catch (err) {
    throw new RhcError('MESSAGE_PARSE', { detail: 'malformed XML', cause: err });
  }
}

function typeOf(s: JsonSchema): string | undefined {
  if (Array.isArray(s.type)) return s.type.find((t) => t !== 'null');
  if (s.type) return s.type;
  if (s.anyOf) return s.anyOf.map(typeOf).find((t) => t && t !== 'null');
  return undefined;
}

/** Element text/objects → values of the schema's types (zod then validates them). */
export function coerce(node: unknown, schema: JsonSchema): unknown {
  const t = typeOf(schema);
  if (t === 'object') {
    if (node === '' || node === undefined) return {};
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      const ps = schema.properties?.[k];
      if (!ps) {
        out[k] = v; // unknown element: kept so the strict schema names it (1002)
        continue;
      }
      if (v === '' && !schema.required?.includes(k) && typeOf(ps) !== 'array') continue; // empty optional element = absent
      out[k] = coerce(v, ps);
    }
    return out;
  }
  if (t === 'array') {
    const list = Array.isArray(node) ? node : node === '' || node === undefined ? [] : [node];
    return list.map((x) => coerce(x, schema.items ?? {}));
  }
  if (t === 'integer' || t === 'number')
    return typeof node === 'string' && node.trim() !== '' && !Number.isNaN(Number(node))
      ? Number(node)
      : node;
  if (t === 'boolean')
    return node === 'true' || node === '1' ? true : node === 'false' || node === '0' ? false : node;
  return node;
}

export function escapeXml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

/** Value → child elements in schema order, each with the given prefix. */
export function toXml(value: unknown, schema: JsonSchema, prefix: string): string {
  const t = typeOf(schema);
  if (t === 'object' && value && typeof value === 'object') {
    let out = '';
    const obj = value as Record<string, unknown>;
    for (const [k, ps] of Object.entries(schema.properties ?? {})) {
      const v = obj[k];
      if (v === undefined || v === null) continue;
      if (typeOf(ps) === 'array')
        for (const item of v as unknown[])
          out += `<${prefix}${k}>${toXml(item, ps.items ?? {}, prefix)}</${prefix}${k}>`;
      else out += `<${prefix}${k}>${toXml(v, ps, prefix)}</${prefix}${k}>`;
    }
    return out;
  }
  return escapeXml(String(value));
}
