// `rhc agent`: the local reader agent for browser-based HIS (HTTP + WebSocket on 127.0.0.1 only).
import type { Command } from 'commander';
import { startAgent } from '../../agent/start.ts';
import { DEMO_SAM_PIN } from '../../../crypto/index.ts';
import { usageError } from '../usage.ts';

interface AgentCliOptions {
  port: string;
  reader?: string;
  virtual?: string;
  samReader?: string;
  virtualSam?: boolean;
  keys?: string;
  pin: string;
  profile: string;
  origin: string[];
  tokenFile?: string;
}

export function register(program: Command): void {
  program
    .command('agent')
    .description(
      '本机读卡代理（HTTP/WebSocket，仅 127.0.0.1） local reader agent for browser HIS (127.0.0.1 only)',
    )
    .option('--port <port>', '端口 port', '18080')
    .option('--reader <name>', 'PC/SC 读卡器名称 PC/SC reader name')
    .option('--virtual <file>', '虚拟卡文件（rhc card new 生成） virtual card file (from rhc card new)')
    .option('--sam-reader <name>', 'SAM 所在的 PC/SC 读卡器（槽） PC/SC reader (slot) holding the SAM')
    .option('--virtual-sam', 'PC/SC 模式下使用进程内虚拟 SAM use the in-process virtual SAM with --reader')
    .option(
      '--keys <file>',
      '虚拟 SAM 的主密钥文件（默认演示密钥） master key file for the virtual SAM (default demo keys)',
    )
    .option('--pin <pin>', 'SAM PIN', DEMO_SAM_PIN)
    .option('--profile <id>', '卡配置 card profile (with --reader)', 'national')
    .option(
      '--origin <url...>',
      '允许访问的网页来源 allowed browser origins, e.g. https://his.example.org',
      [],
    )
    .option('--token-file <path>', '工作站令牌文件（默认 ~/.rhc/agent-token） workstation token file')
    .action(async (o: AgentCliOptions) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw usageError(`端口无效 invalid port: ${o.port}`);
      const { agent, url, tokenFile, tokenCreated } = await startAgent({ ...o, port, origins: o.origin });
      console.log(`读卡代理已启动 reader agent listening on ${url}`);
      console.log(`  示例页面 example page: ${url}/   接口说明 OpenAPI: ${url}/openapi.json`);
      console.log(
        `  工作站令牌 workstation token ${tokenCreated ? '已生成 generated' : ''} in ${tokenFile} (mode 0600)`,
      );
      console.log(`  允许的来源 allowed origins: ${[url, ...o.origin].join(', ')}`);
      const stop = async () => {
        await agent.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
