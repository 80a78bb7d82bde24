// The reader agent's own refusals (HTTP guards) in the shared catalogue shape (src/base/errors.ts); card-side
// failures use the reader catalogue. Codes are numbers on the wire, as the reader's are.
import { CodedError, defineCatalogue, type CodedErrorOptions, type SymbolOf } from '../../base/errors.ts';

/** Agent 130–149 (design choice, docs/architecture.md). */
export const agentErrors = defineCatalogue(
  'agent',
  [130, 149],
  [
    [
      '130',
      'TOKEN_INVALID',
      401,
      '缺少或错误的工作站令牌',
      'Missing or wrong workstation token',
      '请联系信息科为本工作站的HIS配置读卡代理令牌 / call IT to set the workstation token in the HIS',
      'send `Authorization: Bearer <token>` (`?token=` is accepted on the `/events` WebSocket only) with the token from the agent’s token file (`--token-file`, default ~/.rhc/agent-token, created on first start)',
    ],
    [
      '131',
      'ORIGIN_NOT_ALLOWED',
      403,
      '该网页来源未被允许访问读卡代理',
      'This web origin is not allowed to use the reader agent',
      '请联系信息科：当前HIS网页地址未被允许使用读卡器 / call IT: this HIS page address is not allowed to use the reader',
      'start the agent with `--origin <scheme://host:port>` of the HIS page (exactly as the browser sends it in `Origin`)',
    ],
    [
      '132',
      'NOT_FOUND',
      404,
      '接口不存在',
      'No such endpoint',
      '请联系信息科（HIS与读卡代理版本不一致） / call IT (HIS and reader agent versions differ)',
      'the method and path are not in this agent’s API; compare with its `/openapi.json`',
    ],
    [
      '133',
      'HOST_NOT_ALLOWED',
      421,
      '只接受本机地址访问',
      'Only loopback host names are accepted',
      '请联系信息科：读卡代理只能用本机地址访问 / call IT: the agent answers on this computer’s own address only',
      'call the agent as http://127.0.0.1:<port> or http://localhost:<port>; any other Host header is refused (DNS-rebinding guard)',
    ],
    [
      '134',
      'BODY_INVALID',
      400,
      '请求内容不是有效的 JSON',
      'Request body is not valid JSON',
      '请联系信息科（HIS发送的数据格式错误） / call IT (the HIS sent malformed data)',
      'send a JSON body (`Content-Type: application/json`) of at most 1 MB',
    ],
    [
      '135',
      'INTERNAL',
      500,
      '读卡代理内部错误',
      'Reader agent internal error',
      '请重试；仍失败请重启读卡代理并联系信息科 / retry; then restart the reader agent and call IT',
      'unexpected failure inside the agent; `detail` carries the message, the agent’s console output the rest',
    ],
  ],
);

export type AgentErrorSymbol = SymbolOf<typeof agentErrors>;

/** The agent entries by symbol, as `/errors` serves them (`code` a number, `status` the HTTP status). */
export const AGENT_ERRORS = Object.fromEntries(
  agentErrors.entries.map(({ code, symbol, http, zh, en, staff, integrator }) => [
    symbol,
    { code: Number(code), status: http, zh, en, staff, integrator },
  ]),
) as Record<
  AgentErrorSymbol,
  { code: number; status: number; zh: string; en: string; staff: string; integrator: string }
>;

export class AgentError extends CodedError {
  constructor(symbol: AgentErrorSymbol, opts: CodedErrorOptions = {}) {
    super(agentErrors.entry(symbol), opts);
    this.name = 'AgentError';
  }

  override get code(): number {
    return Number(this.entry.code);
  }

  override get symbol(): AgentErrorSymbol {
    return this.entry.symbol as AgentErrorSymbol;
  }
}
