/**
 * A seeded synthetic mobile operator: customers, monthly usage, complaints (and optionally call
 * detail records), with the mechanics churn teams see in real networks. Customers are simulated
 * one at a time from their own seed and written in chunks, so any size streams in bounded memory
 * and the output does not depend on chunking.
 *
 * Voluntary churn: a monthly hazard of "intent to leave" driven by early life, contract end,
 * complaints (unresolved ones most), dropped calls, price, segment; intent shows for 2–3 months
 * before deactivation as falling outgoing traffic (incoming holds), fewer distinct numbers called
 * and falling total minutes. Non-payment looks different: normal usage, unpaid bills, a cut.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { withAtomicDir } from '../io/atomic.js';
import { Rng } from '../rng.js';
import { dayIn, monthIndex, monthName, monthStart } from '../months.js';
import { progress } from '../io/progress.js';

export interface GenerateOptions {
  customers: number;
  months: number;
  seed: number;
  out: string;
  startMonth?: string; // first month of usage, default 2025-01
  cdr?: boolean; // also write call-detail records (small panels)
}

/** The true drivers: log hazard ratios of monthly intent to churn (documented for tests and reports). */
export const TRUE_DRIVERS = {
  base_monthly_hazard: 0.011,
  early_life: { feature: 'tenure_months', effect: 1.1, meaning: 'first 6 months on the network (decays with tenure)' },
  contract_end: { feature: 'months_to_contract_end', effect: 1.6, meaning: 'contract ends within a month either side' },
  complaints: { feature: 'complaints_3m', effect: 0.45, meaning: 'per complaint in the last 3 months' },
  unresolved_complaints: { feature: 'unresolved_complaints', effect: 0.8, meaning: 'per complaint still unresolved' },
  dropped_calls: { feature: 'dropped_call_rate', effect: 14, meaning: 'per unit of dropped-call rate (0.05 -> +0.7)' },
  price: { feature: 'revenue', effect: 0.35, meaning: 'premium plans pay more per minute (plan price index)' },
  key_account: { feature: 'segment=key_account', effect: -0.9, meaning: 'key accounts churn less' },
  precursors: {
    call_ratio: 'outgoing calls fall 25-45% per month of intent while incoming holds',
    distinct_called: 'distinct numbers called shrink 20-35% per month of intent',
    traffic: 'total minutes fall over the last 2-3 months',
  },
  non_payment: { monthly_probability: 0.003, meaning: 'revenue unpaid, usage normal until the cut, 2 months later' },
  fraud: { monthly_probability: 0.0003, meaning: 'usage spikes, then the line is cut' },
} as const;

type TrueDrivers = typeof TRUE_DRIVERS;

const PLANS = [
  { plan: 'prepaid', share: 0.3, fee: 12, perMinute: 0.05, price: 0.4 },
  { plan: 'basic', share: 0.4, fee: 20, perMinute: 0.02, price: 0 },
  { plan: 'plus', share: 0.25, fee: 35, perMinute: 0.01, price: 0.2 },
  { plan: 'premium', share: 0.05, fee: 60, perMinute: 0, price: 0.6 },
] as const;

const CATEGORIES = ['billing', 'coverage', 'service', 'price'] as const;

function customerSeed(seed: number, i: number): number {
  return (Math.imul(seed ^ 0x51ed270b, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca77)) >>> 0;
}

interface Buffers { customers: string[]; usage: string[]; complaints: string[]; cdr: string[] }

const fix = (v: number, d = 2): string => (Math.round(v * 10 ** d) / 10 ** d).toString();

/** Simulates one customer and appends its rows. */
function simulateCustomer(i: number, seed: number, first: number, last: number, withCdr: boolean, out: Buffers, population: number): void {
  const rng = new Rng(customerSeed(seed, i));
  const id = `C${String(i + 1).padStart(8, '0')}`;
  const keyAccount = rng.bernoulli(0.05);
  const segment = keyAccount ? 'key_account' : 'consumer';
  let planIndex = 0;
  if (keyAccount) planIndex = rng.bernoulli(0.6) ? 3 : 2;
  else {
    const u = rng.next();
    let acc = 0;
    planIndex = PLANS.findIndex((p) => (acc += p.share) > u);
    if (planIndex < 0) planIndex = 1;
  }
  const plan = keyAccount ? 'business' : PLANS[planIndex].plan;
  const tariff = PLANS[planIndex];
  // Activation: most customers are on the network before the panel starts; some join during it.
  const joinsDuring = rng.bernoulli(0.15);
  const activation = joinsDuring ? first + rng.int(Math.max(1, last - first)) : first - 1 - Math.floor(-Math.log(1 - rng.next()) * 30);
  const contractTerm = plan === 'prepaid' ? 0 : rng.bernoulli(0.7) ? (rng.bernoulli(0.5) ? 12 : 24) : 0;
  // Contract renews term by term from activation; the current end is the first one after the panel start.
  let contractEnd: number | null = null;
  if (contractTerm > 0) {
    contractEnd = activation + contractTerm;
    while (contractEnd < first) contractEnd += contractTerm;
  }
  const poorCoverage = rng.bernoulli(0.15);
  const dropRate = poorCoverage ? 0.06 + 0.06 * rng.next() : 0.005 + 0.02 * rng.next();
  const complaintRate = 0.04 + (poorCoverage ? 0.1 : 0) + (plan === 'prepaid' ? 0.02 : 0);
  const scale = (keyAccount ? 2.5 : 1) * Math.exp(0.5 * rng.normal());
  const baseOut = 60 * scale;
  const baseIn = baseOut * (0.7 + 0.6 * rng.next());
  const baseDistinct = Math.max(3, Math.round(18 * Math.sqrt(scale) * (0.7 + 0.6 * rng.next())));
  const minutesPerCall = 2.2 + rng.next() * 2;

  const complaintsAt: { month: number; unresolved: boolean; resolvedMonth: number | null }[] = [];
  let intent = -1; // month intent began, -1 = none
  let intentLength = 0;
  let unpaidFrom = -1;
  let fraudAt = -1;
  let deactivation: number | null = null;
  let reason: string | null = null;
  let renewedEnd = contractEnd;

  const start = Math.max(first, activation);
  for (let m = start; m <= last; m++) {
    const tenure = m - activation;
    // Contract rolls over at its end unless the customer leaves.
    if (renewedEnd !== null && m > renewedEnd + 1) renewedEnd += contractTerm;

    // Complaints this month.
    const nComplaints = rng.poisson(complaintRate * (intent >= 0 ? 1.6 : 1));
    for (let k = 0; k < nComplaints; k++) {
      const category = poorCoverage && rng.bernoulli(0.5) ? 'coverage' : CATEGORIES[rng.int(CATEGORIES.length)];
      const resolvedLag = rng.bernoulli(0.7) ? rng.int(2) : null; // months to resolution, null = open
      const day = 1 + rng.int(28);
      const resolvedMonth = resolvedLag === null ? null : m + resolvedLag;
      complaintsAt.push({ month: m, unresolved: resolvedLag === null, resolvedMonth });
      const resolved = resolvedMonth === null ? '' : dayIn(resolvedMonth, day + 3 + rng.int(10));
      out.complaints.push(`${id},${dayIn(m, day)},${category},${resolved}`);
    }

    // Intent to leave, from the true drivers.
    if (intent < 0 && unpaidFrom < 0 && fraudAt < 0) {
      const recent = complaintsAt.filter((c) => c.month >= m - 2).length;
      const open = complaintsAt.filter((c) => c.resolvedMonth === null || c.resolvedMonth > m).length;
      const nearEnd = renewedEnd !== null && Math.abs(renewedEnd - m) <= 1 ? 1 : 0;
      const logHazard = Math.log(TRUE_DRIVERS.base_monthly_hazard)
        + TRUE_DRIVERS.early_life.effect * Math.exp(-tenure / 6)
        + TRUE_DRIVERS.contract_end.effect * nearEnd
        + TRUE_DRIVERS.complaints.effect * recent
        + TRUE_DRIVERS.unresolved_complaints.effect * open
        + TRUE_DRIVERS.dropped_calls.effect * (dropRate - 0.015)
        + TRUE_DRIVERS.price.effect * tariff.price
        + (keyAccount ? TRUE_DRIVERS.key_account.effect : 0)
        - (renewedEnd !== null && !nearEnd ? 0.7 : 0); // inside a contract, leaving costs a fee
      if (rng.next() < Math.exp(logHazard)) {
        intent = m;
        intentLength = 2 + rng.int(2);
      }
      if (rng.bernoulli(TRUE_DRIVERS.non_payment.monthly_probability * (plan === 'prepaid' ? 2 : 1))) unpaidFrom = m;
      else if (rng.bernoulli(TRUE_DRIVERS.fraud.monthly_probability)) fraudAt = m;
    }

    // Usage this month.
    const months = intent >= 0 ? m - intent + 1 : 0;
    const outFactor = intent >= 0 ? Math.max(0.1, 1 - (0.25 + 0.2 * rng.next()) * months) : 1;
    const distinctFactor = intent >= 0 ? Math.max(0.2, 1 - (0.2 + 0.15 * rng.next()) * months) : 1;
    const inFactor = intent >= 0 ? 1 - 0.05 * months : 1;
    const fraudFactor = fraudAt >= 0 ? 6 : 1;
    const season = 1 + 0.05 * Math.sin((2 * Math.PI * (m % 12)) / 12);
    const outCalls = rng.poisson(baseOut * outFactor * season * fraudFactor);
    const inCalls = rng.poisson(baseIn * inFactor * season);
    const outMinutes = outCalls * minutesPerCall * (0.8 + 0.4 * rng.next());
    const inMinutes = inCalls * minutesPerCall * (0.8 + 0.4 * rng.next());
    const distinct = Math.min(outCalls, rng.poisson(baseDistinct * distinctFactor));
    const sms = rng.poisson(20 * scale);
    const dataMb = Math.round(3000 * scale * Math.exp(0.3 * rng.normal()) * (intent >= 0 ? 0.8 : 1));
    const revenue = (keyAccount ? 2.2 : 1) * tariff.fee + tariff.perMinute * outMinutes;
    const dropped = rng.poisson((outCalls + inCalls) * dropRate);
    out.usage.push(`${id},${monthStart(m)},${outCalls},${inCalls},${fix(outMinutes, 1)},${fix(inMinutes, 1)},${distinct},${sms},${dataMb},${fix(revenue)},${dropped}`);
    if (withCdr) {
      for (let c = 0; c < outCalls; c++) {
        const callee = `N${rng.int(Math.max(1, distinct))}-${id}`;
        out.cdr.push(`${id},${callee},${dayIn(m, 1 + rng.int(28))}T${String(rng.int(24)).padStart(2, '0')}:00:00,${Math.round(minutesPerCall * 60 * (0.5 + rng.next()))}`);
      }
      for (let c = 0; c < inCalls; c++) {
        const caller = `C${String(1 + rng.int(population)).padStart(8, '0')}`;
        out.cdr.push(`${caller === id ? `N0-${id}` : caller},${id},${dayIn(m, 1 + rng.int(28))}T${String(rng.int(24)).padStart(2, '0')}:00:00,${Math.round(minutesPerCall * 60 * (0.5 + rng.next()))}`);
      }
    }

    // Leaving.
    if (intent >= 0 && m - intent + 1 >= intentLength) {
      deactivation = m + 1;
      reason = rng.bernoulli(0.35) ? 'port_out' : 'voluntary';
    } else if (unpaidFrom >= 0 && m - unpaidFrom >= 2) {
      deactivation = m + 1;
      reason = 'non_payment';
    } else if (fraudAt >= 0 && m > fraudAt) {
      deactivation = m + 1;
      reason = 'fraud';
    }
    if (deactivation !== null) break;
  }
  // Deactivations after the panel's last month are not yet known.
  if (deactivation !== null && deactivation > last) {
    deactivation = null;
    reason = null;
  }
  // The current contract, as a CRM holds it: its start and end.
  const contract = renewedEnd === null ? ',' : `${monthStart(renewedEnd - contractTerm)},${monthStart(renewedEnd)}`;
  const deact = deactivation === null ? '' : dayIn(deactivation, 1 + rng.int(10));
  out.customers.push(`${id},${dayIn(activation, 1 + rng.int(28))},${segment},${plan},${contract},${deact},${reason ?? ''}`);
}

const HEADERS = {
  customers: 'customer_id,activation_date,segment,plan,contract_start_date,contract_end_date,deactivation_date,deactivation_reason',
  usage: 'customer_id,month,out_calls,in_calls,out_minutes,in_minutes,distinct_called,sms,data_mb,revenue,dropped_calls',
  complaints: 'customer_id,opened_at,category,resolved_at',
  cdr: 'caller,callee,started_at,seconds',
};

function write(stream: WriteStream, lines: string[]): Promise<void> {
  if (lines.length === 0) return Promise.resolve();
  const ok = stream.write(`${lines.join('\n')}\n`);
  lines.length = 0;
  return ok ? Promise.resolve() : new Promise((resolve) => stream.once('drain', () => resolve()));
}

function close(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.end(() => resolve());
    stream.once('error', reject);
  });
}

export interface GenerateResult {
  files: Record<string, string>;
  drivers: TrueDrivers;
  counts: { customers: number; months: number; first_month: string; last_month: string };
}

/** The panel config generate writes beside the tables. */
const PANEL_CONFIG = 'panel.config.json';

/** Limits of a generated panel: beyond them a run would fill the disk or mean a typo. */
export const GENERATE_LIMITS = { customers: 100_000_000, months: 240 } as const;

/** Refuses numbers generate cannot honour, naming the option, before anything is written. */
function checkGenerateOptions(options: Pick<GenerateOptions, 'customers' | 'months' | 'seed'>): void {
  const whole = (name: string, v: number, min: number, max: number): void => {
    if (!Number.isSafeInteger(v) || v < min || v > max) throw new UsageError(`--${name} must be a whole number from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}, not ${String(v)}`, { key: `--${name}` });
  };
  whole('customers', options.customers, 1, GENERATE_LIMITS.customers);
  whole('months', options.months, 1, GENERATE_LIMITS.months);
  whole('seed', options.seed, 0, 2 ** 32 - 1);
}

/**
 * Writes the panel into a temporary folder renamed over `out` at the end: a run killed midway
 * leaves the previous panel whole (or nothing), never a mix of old and new tables.
 */
export async function generatePanel(options: GenerateOptions): Promise<GenerateResult> {
  checkGenerateOptions(options);
  const first = monthIndex(options.startMonth ?? '2025-01');
  const last = first + options.months - 1;
  const names: (keyof Buffers)[] = ['customers', 'usage', 'complaints', ...(options.cdr === true ? (['cdr'] as const) : [])];
  const fileName = (name: keyof Buffers): string => `${name === 'usage' ? 'usage_monthly' : name}.csv`;
  const files: Record<string, string> = Object.fromEntries(names.map((name) => [name, join(options.out, fileName(name))]));
  files.drivers = join(options.out, 'drivers.json');
  files.config = join(options.out, PANEL_CONFIG);
  const counts = { customers: options.customers, months: options.months, first_month: monthName(first), last_month: monthName(last) };
  await withAtomicDir(options.out, 'panel', async (dir) => {
    const streams: Record<string, WriteStream> = {};
    for (const name of names) {
      streams[name] = createWriteStream(join(dir, fileName(name)));
      streams[name].write(`${HEADERS[name]}\n`);
    }
    const buffers: Buffers = { customers: [], usage: [], complaints: [], cdr: [] };
    const CHUNK = 5000;
    const bar = progress('generating', options.customers, 'customers');
    for (let i = 0; i < options.customers; i++) {
      simulateCustomer(i, options.seed, first, last, options.cdr === true, buffers, options.customers);
      if ((i + 1) % CHUNK === 0 || i + 1 === options.customers) {
        for (const name of names) await write(streams[name], buffers[name]);
        bar.tick((i % CHUNK) + 1);
      }
    }
    bar.stop();
    for (const name of names) await close(streams[name]);
    await writeFile(join(dir, 'drivers.json'), `${JSON.stringify({ seed: options.seed, ...counts, drivers: TRUE_DRIVERS }, null, 2)}\n`);
    // The panel config to train on it (tables relative to it), seeded as the panel was.
    const tables = { customers: fileName('customers'), usage: fileName('usage'), complaints: fileName('complaints') };
    await writeFile(join(dir, PANEL_CONFIG), `${JSON.stringify({ kind: 'panel', tables, seed: options.seed }, null, 2)}\n`);
  });
  return { files, drivers: TRUE_DRIVERS, counts };
}
