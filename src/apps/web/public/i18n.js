// Every UI string of the console, zh-CN (default) and English, as data; plus the switch that persists the
// choice in localStorage and keeps <html lang> in step. Elements carry data-i18n="key" (text),
// data-i18n-placeholder / data-i18n-aria (attributes) or data-zh + data-en (texts that come from the
// server, e.g. catalogue messages), so switching never re-renders a page and never loses form input.

export const LANGS = ['zh-CN', 'en'];
export const DEFAULT_LANG = 'zh-CN';
const STORAGE_KEY = 'rhc.console.lang';

const zh = {
  'app.title': '居民健康卡省级卡管平台 · 管理控制台',
  'app.short': 'RHC 控制台',
  'app.skip': '跳到主要内容',
  'lang.switch': 'English',
  'lang.switchAria': '切换到英文界面',
  'nav.label': '功能导航',
  'nav.verifyId': '身份证验证',
  'nav.verifyCard': '卡验证',
  'nav.issuance': '发卡同步',
  'nav.status': '卡状态变更',
  'nav.replacement': '补换卡',
  'nav.lists': '黑/白名单',
  'nav.statistics': '卡操作统计',
  'nav.resident': '修改居民信息',
  'nav.card': '修改卡信息',
  'nav.notAllowed': '无权限',
  'page.notAllowed': '本机构无权调用 {code}，提交会被平台拒绝（1011）。',
  'session.signedInAs': '已登录：{org}（{code}）· {user}',
  'session.expires': '令牌有效期至 {time}（北京时间）',
  'session.signOut': '退出登录',
  'session.expired': '登录已过期，请重新登录。',
  'session.expiring': '登录即将过期。',
  'session.stay': '保持登录',
  'signin.title': '接入机构登录',
  'signin.intro':
    '使用卡管中心分配的机构代码、用户名和密码登录（RHC_C0001）。密码只在本机参与 SM3 摘要计算，不会发送。',
  'signin.submit': '登录',
  'signin.busy': '正在登录…',
  'f.orgCode': '机构代码',
  'f.userName': '用户名',
  'f.password': '密码',
  'f.termId': '终端编号',
  'f.idType': '证件类别',
  'f.idNo': '证件号码',
  'f.name': '姓名',
  'f.sex': '性别',
  'f.birthDate': '出生日期',
  'f.nation': '民族代码',
  'f.cardNo': '卡号（证件号码）',
  'f.chipSerial': '芯片序列号',
  'f.securityCode': '安全码',
  'f.cardType': '卡类别',
  'f.specVersion': '规范版本',
  'f.issuerOrgName': '发卡机构名称',
  'f.issuerOrgCode': '发卡机构代码',
  'f.issueDate': '发卡日期',
  'f.validUntil': '卡有效期',
  'f.appCityCode': '应用城市代码',
  'f.cardForm': '卡片形态',
  'f.issuePoint': '发卡点机构代码',
  'f.action': '操作',
  'f.oldStatus': '当前状态',
  'f.reasonCode': '原因',
  'f.type': '业务类型',
  'f.oldChipSerial': '原卡芯片序列号',
  'f.newChipSerial': '新卡芯片序列号',
  'f.newSecurityCode': '新卡安全码',
  'f.newValidUntil': '新卡有效期',
  'f.listType': '名单类型',
  'f.haveVersion': '本地已有版本（留空取全量）',
  'f.scope': '范围（省/市代码前缀）',
  'f.regionCode': '行政区划代码',
  'f.startDate': '开始日期',
  'f.endDate': '结束日期',
  'f.groupBy': '分组方式',
  'f.phone1': '联系电话',
  'f.address1': '常住地址',
  'f.healthRecordNo': '健康档案编号',
  'f.bankAccountMasked': '银行账号（脱敏）',
  'hint.optional': '可选',
  'hint.idNo': '18 位，末位校验码 X 须大写',
  'hint.onlyChanged': '只填写需要修改的项目',
  'hint.haveVersion': '每次查询后自动填入返回的版本号，再次查询即取增量',
  'page.verifyId.title': '身份证验证（RHC_C0002）',
  'page.verifyId.intro': '核对证件号码校验位、姓名与居民档案，并列出该居民名下的卡。',
  'page.verifyCard.title': '卡验证（RHC_C0003）',
  'page.verifyCard.intro': '核验卡号、芯片序列号与卡状态，是否在黑名单。',
  'page.issuance.title': '发卡同步（RHC_C0004）',
  'page.issuance.intro': '上报已发放的卡片。卡号默认为证件号码。',
  'page.status.title': '卡状态变更（RHC_C0005）',
  'page.status.intro': '挂失、解挂、冻结、解冻、注销。提交前需要确认。',
  'page.replacement.title': '补换卡（RHC_C0006）',
  'page.replacement.intro': '补卡（遗失、被盗）或换卡（损坏、到期、信息变更）；原卡随即注销并进入黑名单。',
  'page.lists.title': '黑名单 / 白名单下发（RHC_C0007）',
  'page.lists.intro': '按版本获取名单：首次为全量，之后携带本地版本号取增量。',
  'page.statistics.title': '卡操作统计（RHC_C0008）',
  'page.statistics.intro': '按机构、地区、日期或操作类型汇总卡操作次数。',
  'page.resident.title': '修改居民信息（RHC_C0009）',
  'page.resident.intro': '按证件号码定位居民，修改个人信息。结果说明卡面数据是否需要改写或换卡。',
  'page.card.title': '修改卡信息（RHC_C0010）',
  'page.card.intro': '修改卡有效期、卡类别、银行账号或发卡机构。',
  'action.submit': '提交',
  'action.query': '查询',
  'action.busy': '处理中…',
  'action.more': '下一页',
  'action.confirm': '确认',
  'action.cancel': '取消',
  'action.revealOn': '显示完整证件号和姓名',
  'confirm.title': '请确认',
  'confirm.status': '将卡 {card}（芯片 {chip}）的状态由「{from}」改为「{to}」，原因：{reason}。',
  'confirm.replacement': '{type}：卡 {card}，原芯片 {old} 将被注销，新芯片 {new}。',
  'confirm.cancelled': '已取消，未提交。',
  'error.title': '操作失败',
  'error.code': '错误代码 {code}',
  'error.field': '字段：{field}',
  'error.advice': '处理建议：',
  'error.network': '无法连接平台，请检查网络或稍后重试。',
  'error.badDate': '日期格式应为年-月-日',
  'result.title': '结果',
  'result.ok': '成功',
  'result.code': '结果代码 {code}',
  'result.yes': '是',
  'result.no': '否',
  'r.checkDigitValid': '校验位正确',
  'r.nameMatches': '姓名一致',
  'r.residentExists': '居民已建档',
  'r.mainIndex': '主索引 ID',
  'r.healthRecordNo': '健康档案编号',
  'r.cards': '名下卡片',
  'r.noCards': '名下无卡',
  'r.valid': '可以使用',
  'r.status': '卡状态',
  'r.statusReason': '状态原因',
  'r.validUntil': '卡有效期',
  'r.onBlacklist': '在黑名单中',
  'r.holder': '持卡人',
  'r.provinceCardId': '省平台卡标识',
  'r.currentStatus': '当前状态',
  'r.blacklistVersion': '黑名单版本',
  'r.oldStatus': '原卡状态',
  'r.newStatus': '新卡状态',
  'r.cardRewrite': '卡面处理',
  'r.version': '版本',
  'r.baseVersion': '基准版本',
  'r.mode': '下发方式',
  'r.entries': '条目数',
  'r.noEntries': '没有新的条目',
  'r.total': '合计',
  'r.chart': '卡操作次数柱状图',
  'r.noRows': '所选条件下没有记录',
  'col.cardNo': '卡号',
  'col.chipSerial': '芯片序列号',
  'col.status': '状态',
  'col.issueDate': '发卡日期',
  'col.issuerOrgCode': '发卡机构',
  'col.appCityCode': '应用城市',
  'col.op': '变更',
  'col.reason': '原因',
  'col.effectiveTime': '生效时间',
  'col.orgCode': '机构代码',
  'col.regionCode': '地区',
  'col.date': '日期',
  'col.opType': '操作类型',
  'col.count': '次数',
  'mode.F': '全量',
  'mode.D': '增量',
  'listOp.A': '新增',
  'listOp.D': '删除',
  'rewrite.none': '无需改写卡片',
  'rewrite.terminal': '需在终端改写卡内信息',
  'rewrite.replace': '卡面信息变更，需要换卡',
  'opt.idType.01': '01 居民身份证',
  'opt.idType.02': '02 居民户口簿',
  'opt.idType.03': '03 护照',
  'opt.idType.06': '06 港澳居民来往内地通行证',
  'opt.idType.07': '07 台湾居民来往内地通行证',
  'opt.idType.99': '99 其他法定有效证件',
  'opt.sex.': '（不填）',
  'opt.sex.0': '0 未知的性别',
  'opt.sex.1': '1 男',
  'opt.sex.2': '2 女',
  'opt.sex.9': '9 未说明的性别',
  'opt.cardForm.1': '1 成品卡',
  'opt.cardForm.2': '2 预制卡',
  'opt.action.lost': '挂失',
  'opt.action.found': '解挂',
  'opt.action.freeze': '冻结',
  'opt.action.unfreeze': '解冻',
  'opt.action.cancel': '注销',
  'opt.type.1': '1 补卡',
  'opt.type.2': '2 换卡',
  'opt.listType.B': '黑名单',
  'opt.listType.W': '白名单',
  'opt.groupBy.op': '按操作类型',
  'opt.groupBy.org': '按机构',
  'opt.groupBy.region': '按地区',
  'opt.groupBy.day': '按日期',
};

const en = {
  'app.title': 'Resident Health Card · Province Platform Console',
  'app.short': 'RHC console',
  'app.skip': 'Skip to main content',
  'lang.switch': '中文',
  'lang.switchAria': 'Switch to Chinese',
  'nav.label': 'Functions',
  'nav.verifyId': 'ID verification',
  'nav.verifyCard': 'Card verification',
  'nav.issuance': 'Issuance sync',
  'nav.status': 'Card status',
  'nav.replacement': 'Replace / reissue',
  'nav.lists': 'Black / white list',
  'nav.statistics': 'Statistics',
  'nav.resident': 'Modify resident',
  'nav.card': 'Modify card',
  'nav.notAllowed': 'no access',
  'page.notAllowed': 'Your institution may not call {code}; the platform will refuse it (1011).',
  'session.signedInAs': 'Signed in: {org} ({code}) · {user}',
  'session.expires': 'token valid until {time} (Beijing time)',
  'session.signOut': 'Sign out',
  'session.expired': 'Your session has expired. Please sign in again.',
  'session.expiring': 'Your session is about to expire.',
  'session.stay': 'Stay signed in',
  'signin.title': 'Institution sign-in',
  'signin.intro':
    'Sign in with the institution code, user name and password issued by the card centre (RHC_C0001). The password is only used locally for the SM3 digest and is never sent.',
  'signin.submit': 'Sign in',
  'signin.busy': 'Signing in…',
  'f.orgCode': 'Institution code',
  'f.userName': 'User name',
  'f.password': 'Password',
  'f.termId': 'Terminal ID',
  'f.idType': 'Document type',
  'f.idNo': 'Document number',
  'f.name': 'Name',
  'f.sex': 'Sex',
  'f.birthDate': 'Date of birth',
  'f.nation': 'Ethnicity code',
  'f.cardNo': 'Card number (ID number)',
  'f.chipSerial': 'Chip serial',
  'f.securityCode': 'Security code',
  'f.cardType': 'Card type',
  'f.specVersion': 'Spec version',
  'f.issuerOrgName': 'Issuer name',
  'f.issuerOrgCode': 'Issuer code',
  'f.issueDate': 'Issue date',
  'f.validUntil': 'Valid until',
  'f.appCityCode': 'Application city code',
  'f.cardForm': 'Card form',
  'f.issuePoint': 'Issuing point code',
  'f.action': 'Action',
  'f.oldStatus': 'Current status',
  'f.reasonCode': 'Reason',
  'f.type': 'Type',
  'f.oldChipSerial': 'Old chip serial',
  'f.newChipSerial': 'New chip serial',
  'f.newSecurityCode': 'New security code',
  'f.newValidUntil': 'New card valid until',
  'f.listType': 'List type',
  'f.haveVersion': 'Version held locally (empty = full list)',
  'f.scope': 'Scope (province / city code prefix)',
  'f.regionCode': 'Region code',
  'f.startDate': 'Start date',
  'f.endDate': 'End date',
  'f.groupBy': 'Group by',
  'f.phone1': 'Phone',
  'f.address1': 'Residential address',
  'f.healthRecordNo': 'Health record number',
  'f.bankAccountMasked': 'Bank account (masked)',
  'hint.optional': 'optional',
  'hint.idNo': '18 characters; check character X in upper case',
  'hint.onlyChanged': 'Fill in only what changes',
  'hint.haveVersion':
    'Filled with the returned version after each query, so the next query fetches the delta',
  'page.verifyId.title': 'ID verification (RHC_C0002)',
  'page.verifyId.intro':
    'Checks the check digit, the name against the resident register, and lists the holder’s cards.',
  'page.verifyCard.title': 'Card verification (RHC_C0003)',
  'page.verifyCard.intro':
    'Checks card number, chip serial and status, and whether the card is black-listed.',
  'page.issuance.title': 'Issuance sync (RHC_C0004)',
  'page.issuance.intro': 'Reports an issued card. The card number defaults to the ID number.',
  'page.status.title': 'Card status change (RHC_C0005)',
  'page.status.intro': 'Report lost, found, freeze, unfreeze, cancel. Each change needs confirmation.',
  'page.replacement.title': 'Replace / reissue (RHC_C0006)',
  'page.replacement.intro':
    'Reissue (lost, stolen) or replace (damaged, expired, data changed); the old card is cancelled and black-listed at once.',
  'page.lists.title': 'Black / white list distribution (RHC_C0007)',
  'page.lists.intro':
    'Fetches a list by version: the first query returns the full list, later ones the delta since the version held.',
  'page.statistics.title': 'Card-operation statistics (RHC_C0008)',
  'page.statistics.intro': 'Counts of card operations by institution, region, day or operation type.',
  'page.resident.title': 'Modify resident (RHC_C0009)',
  'page.resident.intro':
    'Finds the resident by document number and changes personal data. The answer says whether the card must be rewritten or replaced.',
  'page.card.title': 'Modify card (RHC_C0010)',
  'page.card.intro': 'Changes validity, card type, bank account or issuer.',
  'action.submit': 'Submit',
  'action.query': 'Query',
  'action.busy': 'Working…',
  'action.more': 'Next page',
  'action.confirm': 'Confirm',
  'action.cancel': 'Cancel',
  'action.revealOn': 'Show full ID numbers and names',
  'confirm.title': 'Please confirm',
  'confirm.status': 'Change card {card} (chip {chip}) from “{from}” to “{to}”, reason: {reason}.',
  'confirm.replacement': '{type}: card {card}, old chip {old} will be cancelled, new chip {new}.',
  'confirm.cancelled': 'Cancelled, nothing was sent.',
  'error.title': 'Failed',
  'error.code': 'Error code {code}',
  'error.field': 'Field: {field}',
  'error.advice': 'What to do: ',
  'error.network': 'Cannot reach the platform. Check the network or retry later.',
  'error.badDate': 'Use the form year-month-day',
  'result.title': 'Result',
  'result.ok': 'Success',
  'result.code': 'Result code {code}',
  'result.yes': 'yes',
  'result.no': 'no',
  'r.checkDigitValid': 'Check digit valid',
  'r.nameMatches': 'Name matches',
  'r.residentExists': 'Resident registered',
  'r.mainIndex': 'Main index ID',
  'r.healthRecordNo': 'Health record number',
  'r.cards': 'Cards held',
  'r.noCards': 'No cards',
  'r.valid': 'Usable',
  'r.status': 'Card status',
  'r.statusReason': 'Status reason',
  'r.validUntil': 'Valid until',
  'r.onBlacklist': 'On the black list',
  'r.holder': 'Holder',
  'r.provinceCardId': 'Province card ID',
  'r.currentStatus': 'Current status',
  'r.blacklistVersion': 'Black list version',
  'r.oldStatus': 'Old card status',
  'r.newStatus': 'New card status',
  'r.cardRewrite': 'Card action',
  'r.version': 'Version',
  'r.baseVersion': 'Base version',
  'r.mode': 'Mode',
  'r.entries': 'Entries',
  'r.noEntries': 'No new entries',
  'r.total': 'Total',
  'r.chart': 'Bar chart of card operations',
  'r.noRows': 'No records for these criteria',
  'col.cardNo': 'Card number',
  'col.chipSerial': 'Chip serial',
  'col.status': 'Status',
  'col.issueDate': 'Issue date',
  'col.issuerOrgCode': 'Issuer',
  'col.appCityCode': 'City',
  'col.op': 'Change',
  'col.reason': 'Reason',
  'col.effectiveTime': 'Effective',
  'col.orgCode': 'Institution',
  'col.regionCode': 'Region',
  'col.date': 'Date',
  'col.opType': 'Operation',
  'col.count': 'Count',
  'mode.F': 'full',
  'mode.D': 'delta',
  'listOp.A': 'add',
  'listOp.D': 'delete',
  'rewrite.none': 'No card rewrite needed',
  'rewrite.terminal': 'Rewrite the card data at a terminal',
  'rewrite.replace': 'Printed data changed: the card must be replaced',
  'opt.idType.01': '01 Resident ID card',
  'opt.idType.02': '02 Household register',
  'opt.idType.03': '03 Passport',
  'opt.idType.06': '06 Hong Kong / Macao travel permit',
  'opt.idType.07': '07 Taiwan travel permit',
  'opt.idType.99': '99 Other legal document',
  'opt.sex.': '(not given)',
  'opt.sex.0': '0 Unknown',
  'opt.sex.1': '1 Male',
  'opt.sex.2': '2 Female',
  'opt.sex.9': '9 Not stated',
  'opt.cardForm.1': '1 Finished card',
  'opt.cardForm.2': '2 Pre-made card',
  'opt.action.lost': 'Report lost',
  'opt.action.found': 'Report found',
  'opt.action.freeze': 'Freeze',
  'opt.action.unfreeze': 'Unfreeze',
  'opt.action.cancel': 'Cancel card',
  'opt.type.1': '1 Reissue',
  'opt.type.2': '2 Replace',
  'opt.listType.B': 'Black list',
  'opt.listType.W': 'White list',
  'opt.groupBy.op': 'By operation',
  'opt.groupBy.org': 'By institution',
  'opt.groupBy.region': 'By region',
  'opt.groupBy.day': 'By day',
};

export const MESSAGES = { 'zh-CN': zh, en };

/**
 * Labels of national codes are not kept here: they come from the platform's code tables
 * (`GET /api/v1/codes/{table}`, src/codes — the single source). Message-key prefix → table id.
 */
export const CODE_TABLES = {
  status: 'card-status',
  reason: 'card-status-reason',
  opType: 'card-operation-type',
};

/** Adds a code table's labels as `${prefix}.${code}` in both languages (English in sentence case). */
export function addCodeLabels(prefix, entries) {
  for (const e of entries) {
    zh[`${prefix}.${e.code}`] = e.zh;
    en[`${prefix}.${e.code}`] = e.en.charAt(0).toUpperCase() + e.en.slice(1);
  }
}

/** Fetches every table of CODE_TABLES once (the server caches them: Cache-Control + ETag). */
export async function loadCodeLabels(fetchFn) {
  await Promise.all(
    Object.entries(CODE_TABLES).map(async ([prefix, table]) => {
      const res = await fetchFn(`/api/v1/codes/${table}`);
      if (res.ok) addCodeLabels(prefix, (await res.json()).entries);
    }),
  );
}

/** GB/T 2260 full names by code, for the province of the signed-in institution (`GET /api/v1/codes/regions`). */
const regionNames = new Map();
const loadedProvinces = new Set();

export async function loadRegionNames(fetchFn, regionCode) {
  const province = String(regionCode ?? '').slice(0, 2);
  if (!/^\d{2}$/.test(province) || loadedProvinces.has(province)) return;
  loadedProvinces.add(province);
  const res = await fetchFn(`/api/v1/codes/regions?under=${province}`);
  if (!res.ok) return loadedProvinces.delete(province);
  for (const r of (await res.json()).regions) regionNames.set(r.code, r.fullName);
}

/** '西安市新城区（610102）' when the name is known, else the code itself. */
export function regionLabel(code) {
  const name = regionNames.get(code);
  return name ? `${name}（${code}）` : code;
}

let current = DEFAULT_LANG;

export function initialLang(storage) {
  const saved = storage?.getItem(STORAGE_KEY);
  return LANGS.includes(saved) ? saved : DEFAULT_LANG;
}

export function getLang() {
  return current;
}

/** Translation with {name} placeholders; a missing key shows the key itself (visible in review). */
export function t(key, vars = {}) {
  const text = MESSAGES[current][key] ?? MESSAGES[DEFAULT_LANG][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}

/** Text for an element that follows the language: key (+ vars) kept on the element. */
export function i18nText(el, key, vars) {
  el.dataset.i18n = key;
  if (vars) el.dataset.i18nVars = JSON.stringify(vars);
  el.textContent = t(key, vars);
  return el;
}

/** Server-provided texts in both languages (catalogue messages). */
export function bilingualText(el, zhText, enText) {
  el.dataset.zh = zhText;
  el.dataset.en = enText;
  el.textContent = current === 'en' ? enText : zhText;
  return el;
}

export function applyI18n(root) {
  for (const el of root.querySelectorAll('[data-i18n]'))
    el.textContent = t(el.dataset.i18n, el.dataset.i18nVars ? JSON.parse(el.dataset.i18nVars) : undefined);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]'))
    el.setAttribute('placeholder', t(el.dataset.i18nPlaceholder));
  for (const el of root.querySelectorAll('[data-i18n-aria]'))
    el.setAttribute('aria-label', t(el.dataset.i18nAria));
  for (const el of root.querySelectorAll('[data-zh]'))
    el.textContent = current === 'en' ? el.dataset.en : el.dataset.zh;
}

export function setLang(lang, doc, storage) {
  current = LANGS.includes(lang) ? lang : DEFAULT_LANG;
  storage?.setItem(STORAGE_KEY, current);
  doc.documentElement.lang = current;
  doc.title = t('app.title');
  applyI18n(doc);
}
