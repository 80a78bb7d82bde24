// The operator pages as data: for each of the ten interfaces (2–10 here; 1 is the sign-in) the REST path
// from the platform's OpenAPI, the form fields, how the request body is built (personal identifiers only
// ever in the body) and how the answer is shown. app.js turns these into forms.
import { barChart, catalogueText, coded, h, kv, pii, table, tr, yesNo } from './render.js';
import { regionLabel } from './i18n.js';
import { showWire, toWireDate } from './wire.js';

const ID_TYPES = ['01', '02', '03', '06', '07', '99'];
const SEXES = ['', '1', '2', '0', '9'];
const REASONS = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '99'];
const STATUSES_FROM = ['30', '40', '50', '60', '20'];

/** Card-status actions of RHC_C0005 (§5.2 transitions): the usual current status, target, reason. */
export const STATUS_ACTIONS = {
  lost: { from: '30', to: '40', reason: '02' },
  found: { from: '40', to: '30', reason: '01' },
  freeze: { from: '30', to: '50', reason: '09' },
  unfreeze: { from: '50', to: '30', reason: '01' },
  cancel: { from: '30', to: '90', reason: '01' },
};

const addYears = (date, years) => {
  const d = new Date(date.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
};
/** City-level application city code of the signed-in institution (xxxx00). */
const cityOf = (s) => `${(s?.regionCode ?? '').slice(0, 4)}00`;

// Field helpers: name (dotted = nested body path), label key, options.
const text = (name, label, o = {}) => ({ name, label, type: 'text', ...o });
const date = (name, label, o = {}) => ({ name, label, type: 'date', ...o });
const select = (name, label, prefix, values, o = {}) => ({
  name,
  label,
  type: 'select',
  prefix,
  values,
  ...o,
});
const idNoField = (name = 'idNo') =>
  text(name, 'f.idNo', { required: true, maxlength: 18, hint: 'hint.idNo', autocomplete: 'off', pii: true });
const cardNoField = (name = 'cardNo') =>
  text(name, 'f.cardNo', { required: true, maxlength: 18, autocomplete: 'off', pii: true });
const chipField = (name = 'chipSerial', label = 'f.chipSerial') =>
  text(name, label, { required: true, maxlength: 10, autocomplete: 'off' });

/** Common trailer of write interfaces: who, when, idempotency key. */
const audit = (ctx) => ({ operator: ctx.session.userName, serialNo: ctx.serialNo('OP') });

/** Result code of an answer (0000 or a catalogue code) with its message in both languages. */
function resultLine(code, ctx) {
  return h(
    'p',
    { class: code === '0000' ? 'result-code ok' : 'result-code warn' },
    tr('result.code', { code }),
    ' — ',
    catalogueText(ctx.catalogue.get(code), code),
  );
}

function cardsTable(cards, ctx) {
  if (!cards.length) return h('p', { i18n: 'r.noCards' });
  return table(
    'r.cards',
    ['col.cardNo', 'col.chipSerial', 'col.status', 'col.issueDate', 'col.issuerOrgCode', 'col.appCityCode'],
    cards.map((c) => [
      pii(c.cardNo, 'id', ctx.reveal),
      c.chipSerial,
      coded('status', c.status),
      showWire(c.issueDate),
      c.issuerOrgCode,
      c.appCityCode,
    ]),
  );
}

export const PAGES = [
  {
    id: 'verifyId',
    showsPersonalData: true,
    code: 'RHC_C0002',
    path: '/residents/verify-id',
    fields: [
      select('idType', 'f.idType', 'opt.idType', ID_TYPES, { required: true }),
      idNoField(),
      text('name', 'f.name', { required: true, maxlength: 50, autocomplete: 'off', pii: true }),
      select('sex', 'f.sex', 'opt.sex', SEXES),
      date('birthDate', 'f.birthDate'),
    ],
    build: (v) => v,
    render: (out, ctx) =>
      h(
        'div',
        {},
        resultLine(out.resultCode, ctx),
        kv([
          ['r.checkDigitValid', yesNo(out.checkDigitValid)],
          ['r.nameMatches', yesNo(out.nameMatches)],
          ['r.residentExists', yesNo(out.residentExists)],
          ['r.mainIndex', out.mainIndex ? h('code', {}, out.mainIndex) : undefined],
          ['r.healthRecordNo', out.healthRecordNo],
        ]),
        cardsTable(out.cards, ctx),
      ),
  },
  {
    id: 'verifyCard',
    showsPersonalData: true,
    code: 'RHC_C0003',
    path: '/cards/verify',
    fields: [cardNoField(), chipField(), text('securityCode', 'f.securityCode', { maxlength: 3 })],
    build: (v, ctx) => ({ ...v, useTime: ctx.wireNow() }),
    render: (out, ctx) =>
      h(
        'div',
        {},
        resultLine(out.resultCode, ctx),
        kv([
          ['r.valid', yesNo(out.valid)],
          ['r.status', coded('status', out.status)],
          ['r.statusReason', out.statusReason ? coded('reason', out.statusReason) : undefined],
          ['r.validUntil', showWire(out.validUntil)],
          ['r.onBlacklist', yesNo(out.onBlacklist)],
          [
            'r.holder',
            h(
              'span',
              {},
              pii(out.holder.name, 'name', ctx.reveal),
              ' · ',
              pii(out.holder.idNo, 'id', ctx.reveal),
              ' · ',
              tr(`opt.sex.${out.holder.sex}`),
              ' · ',
              showWire(out.holder.birthDate),
            ),
          ],
          ['r.mainIndex', h('code', {}, out.mainIndex)],
        ]),
      ),
  },
  {
    id: 'issuance',
    code: 'RHC_C0004',
    path: '/cards/issuance',
    fields: [
      select('holder.idType', 'f.idType', 'opt.idType', ID_TYPES, { required: true }),
      idNoField('holder.idNo'),
      text('holder.name', 'f.name', { required: true, maxlength: 50, autocomplete: 'off', pii: true }),
      select('holder.sex', 'f.sex', 'opt.sex', SEXES.slice(1), { required: true }),
      date('holder.birthDate', 'f.birthDate', { required: true }),
      text('holder.nation', 'f.nation', { maxlength: 2, inputmode: 'numeric' }),
      text('card.cardNo', 'f.cardNo', {
        maxlength: 18,
        autocomplete: 'off',
        hint: 'hint.optional',
        pii: true,
      }),
      chipField('card.chipSerial'),
      text('card.securityCode', 'f.securityCode', { maxlength: 3 }),
      text('card.cardType', 'f.cardType', { required: true, maxlength: 1, value: () => '1' }),
      text('card.specVersion', 'f.specVersion', { required: true, maxlength: 4, value: () => '0100' }),
      text('card.issuerOrgName', 'f.issuerOrgName', { required: true, value: (c) => c.session.orgName }),
      text('card.issuerOrgCode', 'f.issuerOrgCode', {
        required: true,
        maxlength: 22,
        value: (c) => `${cityOf(c.session)}0000000000000001`,
      }),
      date('card.issueDate', 'f.issueDate', { required: true, value: (c) => toWireDate(c.now()) }),
      date('card.validUntil', 'f.validUntil', {
        required: true,
        value: (c) => toWireDate(addYears(c.now(), 10)),
      }),
      text('card.appCityCode', 'f.appCityCode', {
        required: true,
        maxlength: 6,
        value: (c) => cityOf(c.session),
      }),
      select('card.cardForm', 'f.cardForm', 'opt.cardForm', ['1', '2'], { required: true }),
      text('issuePoint', 'f.issuePoint', { required: true, value: (c) => c.session.orgCode }),
    ],
    build: (v, ctx) => ({
      card: { ...v.card, cardNo: v.card?.cardNo || v.holder?.idNo },
      holder: v.holder,
      issuePoint: v.issuePoint,
      issueTime: ctx.wireNow(),
      ...audit(ctx),
    }),
    render: (out) =>
      kv([
        ['r.provinceCardId', out.provinceCardId],
        ['r.status', coded('status', out.status)],
        ['r.mainIndex', h('code', {}, out.mainIndex)],
      ]),
  },
  {
    id: 'status',
    code: 'RHC_C0005',
    path: '/cards/status',
    fields: [
      cardNoField(),
      chipField(),
      select('action', 'f.action', 'opt.action', Object.keys(STATUS_ACTIONS), {
        required: true,
        // choosing an action presets the usual current status and reason
        onChange: (value, form) => {
          const a = STATUS_ACTIONS[value];
          form.elements.oldStatus.value = a.from;
          form.elements.reasonCode.value = a.reason;
        },
      }),
      select('oldStatus', 'f.oldStatus', 'status', STATUSES_FROM, { required: true }),
      select('reasonCode', 'f.reasonCode', 'reason', REASONS, { required: true, value: () => '02' }),
    ],
    build: (v, ctx) => ({
      cardNo: v.cardNo,
      chipSerial: v.chipSerial,
      oldStatus: v.oldStatus,
      newStatus: STATUS_ACTIONS[v.action].to,
      reasonCode: v.reasonCode,
      opTime: ctx.wireNow(),
      opOrgCode: ctx.session.orgCode,
      ...audit(ctx),
    }),
    confirm: (body) => [
      'confirm.status',
      {
        card: body.cardNo,
        chip: body.chipSerial,
        from: body.oldStatus,
        to: body.newStatus,
        reason: body.reasonCode,
      },
      { card: 'id', from: 'status', to: 'status', reason: 'reason' },
    ],
    render: (out) =>
      kv([
        ['r.currentStatus', coded('status', out.currentStatus)],
        ['r.blacklistVersion', out.blacklistVersion],
      ]),
  },
  {
    id: 'replacement',
    code: 'RHC_C0006',
    path: '/cards/replacement',
    fields: [
      select('type', 'f.type', 'opt.type', ['1', '2'], { required: true }),
      cardNoField(),
      chipField('oldChipSerial', 'f.oldChipSerial'),
      chipField('newChipSerial', 'f.newChipSerial'),
      text('newSecurityCode', 'f.newSecurityCode', { maxlength: 3 }),
      date('newValidUntil', 'f.newValidUntil', {
        required: true,
        value: (c) => toWireDate(addYears(c.now(), 10)),
      }),
      select('reasonCode', 'f.reasonCode', 'reason', REASONS, { required: true, value: () => '02' }),
    ],
    build: (v, ctx) => ({ ...v, opTime: ctx.wireNow(), opOrgCode: ctx.session.orgCode, ...audit(ctx) }),
    confirm: (body) => [
      'confirm.replacement',
      { type: body.type, card: body.cardNo, old: body.oldChipSerial, new: body.newChipSerial },
      { card: 'id', type: 'opt.type' },
    ],
    render: (out) =>
      kv([
        ['r.oldStatus', coded('status', out.oldStatus)],
        ['r.newStatus', coded('status', out.newStatus)],
        ['r.provinceCardId', out.provinceCardId],
        ['r.blacklistVersion', out.blacklistVersion],
      ]),
  },
  {
    id: 'lists',
    showsPersonalData: true,
    code: 'RHC_C0007',
    path: '/lists/query',
    submitLabel: 'action.query',
    fields: [
      select('listType', 'f.listType', 'opt.listType', ['B', 'W'], {
        required: true,
        onChange: (value, form, ctx) => {
          form.elements.haveVersion.value = ctx.listVersion(value) ?? '';
        },
      }),
      text('haveVersion', 'f.haveVersion', { hint: 'hint.haveVersion', value: (c) => c.listVersion('B') }),
      text('scope', 'f.scope', { maxlength: 6, inputmode: 'numeric' }),
    ],
    build: (v) => ({ ...v, pageSize: 100 }),
    /** Remember the version for the next (delta) query once the answer is complete. */
    after: (out, form, ctx) => {
      if (out.mode === 'D' || !out.nextPageToken) {
        ctx.rememberListVersion(out.listType, out.version);
        form.elements.haveVersion.value = out.version;
      }
    },
    render: (out, ctx) =>
      h(
        'div',
        {},
        resultLine(out.resultCode, ctx),
        kv([
          ['r.version', out.version],
          ['r.baseVersion', out.baseVersion],
          ['r.mode', h('span', { class: `mode-${out.mode}` }, `${out.mode} `, tr(`mode.${out.mode}`))],
          ['r.entries', String(out.entries.length)],
        ]),
        out.entries.length
          ? table(
              undefined,
              [
                'col.op',
                'col.cardNo',
                'col.chipSerial',
                'col.status',
                'col.reason',
                'col.effectiveTime',
                'col.appCityCode',
              ],
              out.entries.map((e) => [
                coded('listOp', e.op),
                pii(e.cardNo, 'id', ctx.reveal),
                e.chipSerial,
                coded('status', e.status),
                e.reasonCode ? coded('reason', e.reasonCode) : '',
                showWire(e.effectiveTime),
                e.appCityCode,
              ]),
            )
          : h('p', { i18n: 'r.noEntries' }),
      ),
    nextPage: (out, body) => (out.nextPageToken ? { ...body, pageToken: out.nextPageToken } : undefined),
  },
  {
    id: 'statistics',
    code: 'RHC_C0008',
    path: '/statistics/card-operations',
    submitLabel: 'action.query',
    fields: [
      select('groupBy', 'f.groupBy', 'opt.groupBy', ['op', 'org', 'region', 'day'], { required: true }),
      text('regionCode', 'f.regionCode', { maxlength: 6, inputmode: 'numeric' }),
      text('orgCode', 'f.orgCode', { maxlength: 22 }),
      date('startDate', 'f.startDate'),
      date('endDate', 'f.endDate'),
    ],
    build: (v) => ({ action: 'query', ...v, groupBy: [v.groupBy] }),
    render: (out, ctx, body) => {
      const g = body.groupBy[0];
      const keyOf = (r) => ({ op: r.opType, org: r.orgCode, region: r.regionCode, day: r.date })[g] ?? '';
      const head = { op: 'col.opType', org: 'col.orgCode', region: 'col.regionCode', day: 'col.date' }[g];
      if (!out.rows.length) return h('p', { i18n: 'r.noRows' });
      const groupLabel = (key) => (g === 'day' ? showWire(key) : g === 'region' ? regionLabel(key) : key);
      const total = out.rows.reduce((n, r) => n + r.count, 0);
      return h(
        'div',
        { class: 'stats' },
        barChart(
          out.rows.map((r) =>
            g === 'op'
              ? { labelKey: `opType.${r.opType}`, value: r.count }
              : { label: groupLabel(keyOf(r)), value: r.count },
          ),
          'r.chart',
        ),
        table(
          undefined,
          [head, 'col.count'],
          [
            ...out.rows.map((r) => [
              g === 'op' ? coded('opType', r.opType) : groupLabel(keyOf(r)),
              String(r.count),
            ]),
            [tr('r.total'), String(total)],
          ],
        ),
      );
    },
  },
  {
    id: 'resident',
    code: 'RHC_C0009',
    path: '/residents/update',
    intro2: 'hint.onlyChanged',
    fields: [
      select('idType', 'f.idType', 'opt.idType', ID_TYPES, { required: true }),
      idNoField(),
      text('changes.name', 'f.name', { maxlength: 50, autocomplete: 'off', pii: true }),
      select('changes.sex', 'f.sex', 'opt.sex', SEXES),
      date('changes.birthDate', 'f.birthDate'),
      text('changes.nation', 'f.nation', { maxlength: 2, inputmode: 'numeric' }),
      text('changes.phone1', 'f.phone1', { maxlength: 20, inputmode: 'tel', autocomplete: 'off' }),
      text('changes.address1', 'f.address1', { maxlength: 100, autocomplete: 'off' }),
      text('changes.healthRecordNo', 'f.healthRecordNo', { maxlength: 17 }),
    ],
    build: (v, ctx) => ({
      idType: v.idType,
      idNo: v.idNo,
      changes: v.changes ?? {},
      alterNo: ctx.serialNo('ALT'),
      alterTime: ctx.wireNow(),
      operator: ctx.session.userName,
    }),
    render: (out) =>
      kv([
        ['r.cardRewrite', h('span', {}, `${out.cardRewrite} — `, tr(`rewrite.${out.cardRewrite}`))],
        ['r.mainIndex', h('code', {}, out.mainIndex)],
      ]),
  },
  {
    id: 'card',
    code: 'RHC_C0010',
    path: '/cards/update',
    intro2: 'hint.onlyChanged',
    fields: [
      cardNoField(),
      chipField(),
      date('changes.validUntil', 'f.validUntil'),
      text('changes.cardType', 'f.cardType', { maxlength: 1 }),
      text('changes.bankAccountMasked', 'f.bankAccountMasked', { maxlength: 32 }),
      text('changes.issuerOrgCode', 'f.issuerOrgCode', { maxlength: 22 }),
    ],
    build: (v, ctx) => ({
      cardNo: v.cardNo,
      chipSerial: v.chipSerial,
      changes: v.changes ?? {},
      alterNo: ctx.serialNo('ALT'),
      alterTime: ctx.wireNow(),
      operator: ctx.session.userName,
    }),
    render: (out) =>
      kv([
        ['r.cardRewrite', h('span', {}, `${out.cardRewrite} — `, tr(`rewrite.${out.cardRewrite}`))],
        ['r.status', coded('status', out.status)],
      ]),
  },
];
