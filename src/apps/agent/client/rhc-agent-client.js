// RHC reader agent — browser client (ES module, no dependencies). Types: rhc-agent-client.d.ts.
// Usage: import { RhcAgentClient } from 'http://127.0.0.1:18080/client.js';
//        const agent = new RhcAgentClient({ token }); const info = await agent.readCardInfo();

export class RhcAgentError extends Error {
  constructor(status, error) {
    super(`[${error.code}] ${error.zh} / ${error.en}`);
    this.name = 'RhcAgentError';
    this.status = status;
    this.code = error.code;
    this.symbol = error.symbol;
    this.zh = error.zh;
    this.en = error.en;
    this.sw = error.sw;
    this.field = error.field;
  }
}

export class RhcAgentClient {
  constructor(options) {
    this.baseUrl = (options.baseUrl ?? 'http://127.0.0.1:18080').replace(/\/$/, '');
    this.token = options.token;
  }

  async request(method, path, body) {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new RhcAgentError(res.status, json.error);
    return json;
  }

  status() {
    return this.request('GET', '/status');
  }
  verifySamPin(pin) {
    return this.request('POST', '/sam/verify-pin', { pin });
  }
  readCardInfo() {
    return this.request('GET', '/card/info');
  }
  readResidentInfo(options = {}) {
    return this.request('GET', `/card/resident${options.photo ? '?photo=1' : ''}`);
  }
  readBasicHealth() {
    return this.request('GET', '/card/health');
  }
  readBloodAndAllergies() {
    return this.request('GET', '/card/health/blood-allergies');
  }
  readImmunizations() {
    return this.request('GET', '/card/health/immunizations');
  }
  listOutpatientVisits() {
    return this.request('GET', '/card/outpatient');
  }
  readOutpatientVisit(slot, view) {
    return this.request('GET', `/card/outpatient/${slot}${view ? `?view=${view}` : ''}`);
  }
  listInpatientStays() {
    return this.request('GET', '/card/inpatient');
  }
  readInpatientStay(slot, part) {
    return this.request('GET', `/card/inpatient/${slot}${part ? `?part=${part}` : ''}`);
  }
  verifyRecord(section, slot) {
    return this.request('GET', `/card/${section}/${slot}/verify`);
  }
  writePersonalDetails(details) {
    return this.request('POST', '/card/personal', details);
  }
  writeBasicHealth(health) {
    return this.request('POST', '/card/health', health);
  }
  writeOutpatientVisit(record) {
    return this.request('POST', '/card/outpatient', record);
  }
  writeInpatientStay(record) {
    return this.request('POST', '/card/inpatient', record);
  }

  /** Card insert/remove events; returns a function that closes the stream. */
  onCardEvent(listener) {
    const ws = new WebSocket(
      `${this.baseUrl.replace(/^http/, 'ws')}/events?token=${encodeURIComponent(this.token)}`,
    );
    ws.onmessage = (m) => listener(JSON.parse(m.data));
    return () => ws.close();
  }
}
