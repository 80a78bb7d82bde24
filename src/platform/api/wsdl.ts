// WSDL 1.1 + XSD for the SOAP 1.1 document/literal binding, generated from the same zod schemas as the
// REST binding (so .NET / Java / Python toolkits get typed clients of exactly what the server validates).
import { z } from 'zod';
import { INTERFACES, SESSION_OPERATIONS } from '../contracts.ts';
import { ERROR_CATALOGUE } from '../errors.ts';
import type { InterfaceDef, SessionOperation } from '../contracts.ts';
import { escapeXml } from './xml.ts';
import type { JsonSchema } from './xml.ts';

export const SOAP_NS = 'urn:rhc:platform:soap:v1';
export const SOAP_PATH = '/soap/rhc';

/** The SOAP envelope binding of §2.3: invoke(header, body) with XML strings (not generated from zod). */
export const INVOKE_OP = 'invoke';

const schemaCache = new Map<string, { req: JsonSchema; res: JsonSchema }>();

export function jsonSchemas(def: InterfaceDef | SessionOperation): { req: JsonSchema; res: JsonSchema } {
  let s = schemaCache.get(def.op);
  if (!s) {
    s = {
      req: z.toJSONSchema(def.req, { io: 'input', unrepresentable: 'any' }) as JsonSchema,
      res: z.toJSONSchema(def.res, { io: 'output', unrepresentable: 'any' }) as JsonSchema,
    };
    schemaCache.set(def.op, s);
  }
  return s;
}

function xsdType(s: JsonSchema, indent: string): { attr: string; inner: string } {
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  if (t === 'object')
    return {
      attr: '',
      inner: `\n${indent}<xsd:complexType>${sequence(s, indent + '  ')}</xsd:complexType>\n${indent.slice(2)}`,
    };
  if (t === 'integer') return { attr: ' type="xsd:long"', inner: '' };
  if (t === 'number') return { attr: ' type="xsd:decimal"', inner: '' };
  if (t === 'boolean') return { attr: ' type="xsd:boolean"', inner: '' };
  if (s.enum) {
    const values = s.enum.map((v) => `<xsd:enumeration value="${escapeXml(String(v))}"/>`).join('');
    return {
      attr: '',
      inner: `<xsd:simpleType><xsd:restriction base="xsd:string">${values}</xsd:restriction></xsd:simpleType>`,
    };
  }
  if (s.maxLength !== undefined)
    return {
      attr: '',
      inner: `<xsd:simpleType><xsd:restriction base="xsd:string"><xsd:maxLength value="${s.maxLength}"/></xsd:restriction></xsd:simpleType>`,
    };
  return { attr: ' type="xsd:string"', inner: '' };
}

function sequence(s: JsonSchema, indent: string): string {
  const req = new Set(s.required ?? []);
  let out = `\n${indent}<xsd:sequence>`;
  for (const [name, ps] of Object.entries(s.properties ?? {})) {
    const isArray = (Array.isArray(ps.type) ? ps.type.includes('array') : ps.type === 'array') && ps.items;
    const item = isArray ? ps.items! : ps;
    const occurs = isArray ? ` minOccurs="0" maxOccurs="unbounded"` : req.has(name) ? '' : ' minOccurs="0"';
    const { attr, inner } = xsdType(item, indent + '    ');
    const doc = ps.description
      ? `<xsd:annotation><xsd:documentation>${escapeXml(ps.description)}</xsd:documentation></xsd:annotation>`
      : '';
    out += `\n${indent}  <xsd:element name="${name}"${attr}${occurs}${inner || doc ? `>${doc}${inner}</xsd:element>` : '/>'}`;
  }
  return `${out}\n${indent}</xsd:sequence>`;
}

/** The codes a fault (or an envelope resultCode) can carry, published in the WSDL for toolkit users. */
export const FAULT_CODES_PREFIX = 'Result code (docs/errors.md): ';
const FAULT_CODES = FAULT_CODES_PREFIX + ERROR_CATALOGUE.map((e) => `${e.code} ${e.symbol}`).join(', ');

/** The typed operations: the ten interfaces and the session operations. */
const TYPED: readonly (InterfaceDef | SessionOperation)[] = [...INTERFACES, ...SESSION_OPERATIONS];

export function buildWsdl(endpoint: string): string {
  const ops = TYPED.map((d) => ({ d, s: jsonSchemas(d) }));
  const elements = ops
    .map(
      ({ d, s }) =>
        `    <xsd:element name="${d.op}Request">\n      <xsd:complexType>${sequence(s.req, '        ')}</xsd:complexType>\n    </xsd:element>\n    <xsd:element name="${d.op}Response">\n      <xsd:complexType>${sequence(s.res, '        ')}</xsd:complexType>\n    </xsd:element>`,
    )
    .join('\n');
  const messages = [...TYPED.map((d) => d.op), INVOKE_OP]
    .map(
      (op) =>
        `  <wsdl:message name="${op}Input"><wsdl:part name="parameters" element="tns:${op}Request"/></wsdl:message>\n  <wsdl:message name="${op}Output"><wsdl:part name="parameters" element="tns:${op}Response"/></wsdl:message>`,
    )
    .join('\n');
  const docOf = (op: string) => {
    const d = TYPED.find((x) => x.op === op);
    return d
      ? `${d.code} ${d.zh}`
      : 'envelope binding (platform-interfaces.md §2.3): header and body are XML strings';
  };
  const portOps = [...TYPED.map((d) => d.op), INVOKE_OP]
    .map(
      (op) =>
        `    <wsdl:operation name="${op}"><wsdl:documentation>${escapeXml(docOf(op))}</wsdl:documentation><wsdl:input message="tns:${op}Input"/><wsdl:output message="tns:${op}Output"/><wsdl:fault name="RhcFault" message="tns:RhcFault"/></wsdl:operation>`,
    )
    .join('\n');
  const bindOps = [...TYPED.map((d) => d.op), INVOKE_OP]
    .map((op) => {
      const header =
        op === INVOKE_OP || op === 'AuthenticateInstitution'
          ? ''
          : '<soap:header message="tns:RhcAuthHeader" part="auth" use="literal"/>';
      return `    <wsdl:operation name="${op}"><soap:operation soapAction="${SOAP_NS}/${op}" style="document"/><wsdl:input>${header}<soap:body use="literal" parts="parameters"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output><wsdl:fault name="RhcFault"><soap:fault name="RhcFault" use="literal"/></wsdl:fault></wsdl:operation>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions name="RhcPlatform" targetNamespace="${SOAP_NS}" xmlns:tns="${SOAP_NS}"
  xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
  xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <wsdl:documentation>RHC 省级居民健康卡管理平台 — the ten card-platform interfaces (platform-interfaces.md §4) and the §2.3 envelope operation invoke. Errors are SOAP Faults whose detail/RhcFault/code is from docs/errors.md.</wsdl:documentation>
  <wsdl:types>
  <xsd:schema targetNamespace="${SOAP_NS}" elementFormDefault="qualified">
    <xsd:element name="RhcAuth">
      <xsd:complexType><xsd:sequence><xsd:element name="token" type="xsd:string"/></xsd:sequence></xsd:complexType>
    </xsd:element>
    <xsd:element name="RhcFault">
      <xsd:complexType><xsd:sequence>
        <xsd:element name="code" type="xsd:string"><xsd:annotation><xsd:documentation>${escapeXml(FAULT_CODES)}</xsd:documentation></xsd:annotation></xsd:element><xsd:element name="name" type="xsd:string"/>
        <xsd:element name="field" type="xsd:string" minOccurs="0"/><xsd:element name="zh" type="xsd:string"/>
        <xsd:element name="detail" type="xsd:string"/>
      </xsd:sequence></xsd:complexType>
    </xsd:element>
    <xsd:element name="${INVOKE_OP}Request">
      <xsd:complexType><xsd:sequence><xsd:element name="header" type="xsd:string"/><xsd:element name="body" type="xsd:string"/></xsd:sequence></xsd:complexType>
    </xsd:element>
    <xsd:element name="${INVOKE_OP}Response">
      <xsd:complexType><xsd:sequence><xsd:element name="return" type="xsd:string"/></xsd:sequence></xsd:complexType>
    </xsd:element>
${elements}
  </xsd:schema>
  </wsdl:types>
  <wsdl:message name="RhcAuthHeader"><wsdl:part name="auth" element="tns:RhcAuth"/></wsdl:message>
  <wsdl:message name="RhcFault"><wsdl:part name="fault" element="tns:RhcFault"/></wsdl:message>
${messages}
  <wsdl:portType name="RhcPlatformPortType">
${portOps}
  </wsdl:portType>
  <wsdl:binding name="RhcPlatformSoapBinding" type="tns:RhcPlatformPortType">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
${bindOps}
  </wsdl:binding>
  <wsdl:service name="RhcPlatformService">
    <wsdl:port name="RhcPlatformPort" binding="tns:RhcPlatformSoapBinding"><soap:address location="${escapeXml(endpoint)}"/></wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`;
}
