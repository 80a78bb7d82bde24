// `rhc demo`: issues a virtual health card with the demo (test) keys, writes personal details, basic health
// information and one outpatient visit through the reader library exactly as a hospital window would (real
// APDUs, virtual SAM), then reads the whole card back and prints it decoded. Nothing is saved unless --out.
import type { Command } from 'commander';
import { computeCheckDigit } from '../../../codes/index.ts';
import { VirtualCard } from '../../../cos/card/virtual-card.ts';
import { newCard } from '../../../cos/card/issue.ts';
import { demoMasterKeys, createDemoPki, DEMO_SAM_PIN } from '../../../crypto/index.ts';
import { saveCard } from '../../../cos/persist.ts';
import { createDemoSam } from '../../../cos/sam/demo.ts';
import { getProfile } from '../../../card/profiles/index.ts';
import { HealthCardOperations } from '../../../reader/operations.ts';
import { Reader } from '../../../reader/reader.ts';
import { MemoryReaderDevice } from '../../../reader/transports/memory.ts';
import { readWholeCard } from '../../../reader/whole-card.ts';
import { cliErrors, renderContents } from './card-reader.ts';

/** A synthetic resident of 西安市雁塔区 whose name needs GB18030 beyond GB 2312 (堃). */
export function demoIdNumber(): string {
  const first17 = '61011319850612001';
  return first17 + computeCheckDigit(first17);
}

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      '演示：发一张虚拟居民健康卡、写入并读出 / demo: issue a virtual card, write and read it back',
    )
    .option('--profile <id>', '卡配置 card profile (national | shaanxi-64k)', 'national')
    .option('--out <file>', '保存虚拟卡文件 save the virtual card file (mode 0600)')
    .option('--unmasked', '不遮蔽证件号和姓名 do not mask ID numbers and names')
    .option('--json', '输出 JSON print CardContents JSON')
    .action(
      cliErrors(async (o: { profile: string; out?: string; unmasked?: boolean; json?: boolean }) => {
        const profile = getProfile(o.profile);
        const pki = createDemoPki();
        const { state } = newCard({
          idNumber: demoIdNumber(),
          name: '李堃',
          cityCode: '610100',
          profileId: profile.id,
          masterKeys: demoMasterKeys(profile),
          issuerCertificate: pki.issuerCertificate,
          issuerName: '陕西省卫生健康委员会（演示）',
        });
        const card = new VirtualCard(state);
        const reader = new Reader(new MemoryReaderDevice({ sam: createDemoSam(profile), card }), { profile });
        await reader.open();
        await reader.verifySamPin(DEMO_SAM_PIN);
        const ops = new HealthCardOperations(reader);
        await ops.writePersonalDetails({
          validity: { phone1: '13800000000', paymentMethod1: '01' },
          addresses: {
            address1Type: '01',
            address1: '陕西省西安市雁塔区小寨东路1号',
            address2Type: '02',
            address2: '陕西省西安市碑林区南大街2号',
          },
          contacts: { contact1Name: '王𠮷', contact1Relationship: '10', contact1Phone: '13900000000' },
          documents: { documentType: '01', healthRecordNumber: '61011300000000001' },
        });
        await ops.writeBasicHealth({
          clinical: { aboBloodGroup: '01', rhBloodGroup: '02', asthmaFlag: '00', diabetesFlag: '01' },
          allergies: [{ allergenName: '青霉素', reaction: '皮疹、呼吸困难' }],
          immunizations: [{ vaccineName: '乙肝疫苗', date: '19850701' }],
        });
        await ops.writeOutpatientVisit({
          institutionName: '西安市第一医院（演示）',
          institutionOrgCode: '123456789',
          visitDateTime: '20261125093000',
          outpatientNumber: 'MZ20261125001',
          departmentName: '内分泌科',
          paymentMethodCode: '01',
          symptom1Name: '多饮多尿',
          symptom1Code: 'R35',
          diagnosis1Date: '20261125',
          diagnosis1Name: '2型糖尿病',
          diagnosis1Code: 'E11.900',
          symptom1OnsetDateTime: '20261101080000',
          symptom1DurationDays: '24',
        });
        const contents = await readWholeCard(ops, { rootPublicKey: pki.rootPublicKey });
        const counts = reader.counts();
        await reader.close();
        if (o.out) saveCard(o.out, card.state);
        if (o.json) console.log(JSON.stringify(contents, null, 2));
        else {
          console.log('RHC 演示 / demo — 虚拟卡与演示（测试）密钥 virtual card with demo TEST keys\n');
          console.log(renderContents(profile, contents, o.unmasked));
          console.log(
            `\nAPDU: 卡 card ${counts.card}, SAM ${counts.sam}${o.out ? `; 已保存 saved to ${o.out}` : ''}`,
          );
        }
      }),
    );
}
