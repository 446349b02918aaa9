/**
 * The factor-importance report: one self-contained HTML file (inline SVG charts, inline styles,
 * nothing fetched), and the same content as Markdown and JSON, written atomically into a folder.
 */
import { join } from 'node:path';
import { describeFeature } from '../features/catalogue.js';
import { proportionalHazardsAdvice, proportionalHazardsRows } from '../models/cox-ph-test.js';
import { toStableJson, withAtomicDir, writeFileAtomic } from '../io/atomic.js';
import { checkApart, checkFolderOutput } from '../io/output-guard.js';
import type { ChurnTrend } from '../labels/churn-trend.js';
import { barChart, calibrationChart, importanceChart, kaplanMeierChart, monthlyChart, overlayChart, ratioChart } from './charts.js';
import { economics, type Campaign, type Economics, type SegmentReason } from './economics.js';
import { consolidatedRanking, factorMatrix, type FactorRow, type RankedDriver } from './factors.js';
import type { ReportInput } from './input.js';
import { renderSvg, type ChartSpec } from './render-svg.js';
import { shapDependenceChart, shapSummaryChart } from './shap-charts.js';
import { progress } from '../io/progress.js';
import { DEFAULT_EMPC } from '../evaluate/empc.js';

const METRICS = ['auc', 'pr_auc', 'lift_at_10', 'capture_at_20', 'brier', 'log_loss', 'empc', 'c_index', 'fit_seconds'] as const;
const TOP = 15;

interface ReportDocument {
  title: string;
  run: string;
  dataset: ReportInput['evaluation']['dataset'];
  split: ReportInput['evaluation']['split'];
  champion: string;
  champion_metric: string;
  comparison: Record<string, Record<string, number | null>>;
  warnings: string[];
  consolidated: (RankedDriver & { meaning: string })[];
  factors: FactorRow[];
  economics: Economics | null;
  importance: ReportInput['importance'];
  /** What the lists' value is, stated once: "value = 12 × monthly revenue (MonthlyCharges), EUR". */
  value: { definition: string; currency: string | null };
  /** One plain sentence per number a manager meets, in the order the report shows them. */
  reading: { term: string; sentence: string }[];
  /** Panels: the monthly churn trend the report opens with. */
  trend: ChurnTrend | null;
}

/** The value's definition as the report states it. */
function valueDefinition(v: ReportInput['value']): string {
  if (v.column === null) return 'no value: the model has no revenue role or retention.value_column, so lists rank by churn probability';
  return `value = ${v.months} × monthly revenue (${v.column})${v.currency === null ? '; currency not set (retention.currency)' : `, ${v.currency}`}`;
}

/** The sentences under "How to read this report". */
function readingGuide(value: string, campaign: Campaign | null, trend = false): ReportDocument['reading'] {
  return [
    ...(trend ? [
      { term: 'churn rate', sentence: 'Of the customers active on a month\'s first day, the share deactivated within that month, for any reason. Voluntary churn counts only those who chose to leave (voluntary and port-out): what the models predict.' },
      { term: 'retention rate', sentence: 'Of the customers active on a month\'s first day, the share still active at its end: 1 − the churn rate.' },
    ] : []),
    { term: 'value', sentence: `What a customer brings in: ${value}. Value at risk is that value times the customer's churn probability; revenue at risk sums it over customers.` },
    { term: 'AUC', sentence: 'The chance that the model ranks a customer who left above one who stayed: 0.5 is a coin toss, 1 is perfect. CV AUC is its mean ± standard deviation over the cross-validation folds.' },
    { term: 'lift at 10%', sentence: 'How many times more leavers the top 10% of the list holds than a random 10% of customers would.' },
    { term: 'EMPC', sentence: `The expected maximum profit of a retention campaign per customer of the base, when it contacts the best-ranked customers and stops where profit peaks (Verbraken et al. 2013; customer lifetime value ${DEFAULT_EMPC.clv}, offer ${DEFAULT_EMPC.incentive}, contact ${DEFAULT_EMPC.contact}, in the value's currency; the share who accept an offer varies between customers, 30% on average).` },
    { term: 'share to contact', sentence: 'The share of the base that campaign contacts: call the top of the list down to this share and no further.' },
    { term: 'improvability', sentence: 'How far the operator can move a driver, from 0 (not at all: age, tenure) to 1 (fully: an open complaint can be closed). Set per driver in retention.improvability; the factor matrix says where each value came from.' },
    { term: 'priority', sentence: 'Importance × share of high-risk customers for whom the driver is a top reason × improvability: the driver at the top is the one worth fixing first.' },
    ...(campaign === null ? [] : [{ term: 'campaign', sentence: `Contacting the first ${campaign.top_n.toLocaleString('en')} customers of the list at ${campaign.offer_cost} an offer, if ${Math.round(campaign.success_rate * 100)}% of the leavers reached are kept: the expected saving is that share of their value at risk.` }]),
  ];
}

interface Figure { id: string; section: string; caption: string; spec: ChartSpec }

/** A deactivation reason as people write it: port-out, non-payment. */
const reasonName = (r: string): string => r.replaceAll('_', '-');

function trendFigures(trend: ChurnTrend): Figure[] {
  const kinds = trend.months.flatMap((m) => [
    { month: m.month, series: 'all kinds', value: m.churn_rate },
    ...Object.entries(m.churned).map(([k, n]) => ({ month: m.month, series: reasonName(k), value: m.active === 0 ? 0 : n / m.active })),
  ]);
  const segments = trend.by_segment.map((r) => ({ month: r.month, series: r.segment, value: r.churn_rate }));
  return [
    { id: 'trend-kind', section: 'trend', caption: 'Monthly churn rate (customers active at the month\'s start who were deactivated within it), in all and by kind.', spec: monthlyChart('Monthly churn rate by kind', 'churn rate', kinds, 'kind') },
    { id: 'trend-segment', section: 'trend', caption: 'Monthly churn rate, all kinds, by segment.', spec: monthlyChart('Monthly churn rate by segment', 'churn rate', segments, 'segment') },
    { id: 'trend-reasons', section: 'trend', caption: 'Deactivations over the data\'s months by reason.', spec: barChart('Deactivation reasons', trend.reasons.map((r) => ({ label: reasonName(r.reason), value: r.customers })), 'customers deactivated', 'reason') },
  ];
}

function figures(input: ReportInput, doc: ReportDocument): Figure[] {
  const models = Object.keys(input.curves);
  const pick = (k: 'roc' | 'pr' | 'gains' | 'lift'): Record<string, { x: number; y: number }[]> => Object.fromEntries(models.map((m) => [m, input.curves[m][k]]));
  const out: Figure[] = [
    ...(doc.trend === null ? [] : trendFigures(doc.trend)),
    { id: 'roc', section: 'curves', caption: 'ROC curve on the test split: churners found (true positive rate) against stayers disturbed.', spec: overlayChart('ROC', 'false positive rate', 'true positive rate', pick('roc'), [{ x: 0, y: 0 }, { x: 1, y: 1 }]) },
    { id: 'pr', section: 'curves', caption: 'Precision–recall: how pure the contacted group stays as more churners are found.', spec: overlayChart('Precision–recall', 'recall', 'precision', pick('pr')) },
    { id: 'gains', section: 'curves', caption: 'Cumulative gains: share of all churners reached by contacting the top share of customers.', spec: overlayChart('Cumulative gains', 'share of customers contacted', 'share of churners reached', pick('gains'), [{ x: 0, y: 0 }, { x: 1, y: 1 }]) },
    { id: 'lift', section: 'curves', caption: 'Lift: churn rate among those contacted, relative to the base rate.', spec: overlayChart('Lift', 'share of customers contacted', 'lift', pick('lift'), [{ x: 0, y: 1 }, { x: 1, y: 1 }]) },
    { id: 'calibration', section: 'curves', caption: 'Calibration: a well-calibrated model lies on the diagonal.', spec: calibrationChart(models.flatMap((m) => input.curves[m].calibration.map((c) => ({ ...c, model: m })))) },
  ];
  for (const [grouping, curves] of Object.entries(input.kaplanMeier)) {
    out.push({ id: `km-${grouping}`, section: 'survival', caption: `Share of customers still with the operator by months on the network, by ${grouping.replaceAll('_', ' ')}, with 95% Greenwood bands.${medianNote(curves)}`, spec: kaplanMeierChart(grouping, curves) });
  }
  for (const [model, imp] of Object.entries(input.importance)) {
    out.push({ id: `perm-${model}`, section: 'importance', caption: `${model}: drop in test AUC when the feature is shuffled (mean ± sd over 5 repeats).`, spec: importanceChart(`Permutation importance: ${model}`, imp.permutation.slice(0, TOP).map((p) => ({ feature: p.feature, value: p.mean, sd: p.sd })), 'drop in AUC') });
    if (imp.shap !== undefined && imp.shap.drivers.length > 0) {
      const { drivers, scale, rows } = imp.shap;
      out.push({ id: `shap-${model}`, section: 'importance', caption: `${model}: SHAP values of its top drivers for ${rows} test customers (one dot each, coloured by where the customer's value ranks: blue low, red high, grey missing); right of zero raises the churn risk.`, spec: shapSummaryChart(`SHAP summary: ${model}`, drivers, scale) });
      drivers.slice(0, 3).forEach((d, k) => out.push({ id: `shap-dep-${model}-${k + 1}`, section: 'importance', caption: `${model}: how ${d.feature} moves the churn risk (SHAP value against the customer's value; each dot a test customer).`, spec: shapDependenceChart(model, d, scale) }));
    }
    if (imp.impurity !== undefined) out.push({ id: `impurity-${model}`, section: 'importance', caption: `${model}: mean decrease in Gini impurity (share of total).`, spec: importanceChart(`Impurity importance: ${model}`, imp.impurity.slice(0, TOP).map((p) => ({ feature: p.feature, value: p.importance })), 'share of impurity decrease') });
    const ratios = imp.odds_ratios?.map((r) => ({ feature: r.feature, ratio: r.odds_ratio, lo: r.ci_low, hi: r.ci_high }))
      ?? imp.hazard_ratios?.map((r) => ({ feature: r.feature, ratio: r.hazard_ratio, lo: r.ci_low, hi: r.ci_high }));
    if (ratios !== undefined) {
      const kind = imp.odds_ratios !== undefined ? 'Odds' : 'Hazard';
      const top = ratios.filter((r) => Number.isFinite(r.lo) && Number.isFinite(r.hi) && r.lo > 0).sort((a, b) => Math.abs(Math.log(b.ratio)) - Math.abs(Math.log(a.ratio))).slice(0, TOP);
      out.push({ id: `ratios-${model}`, section: 'importance', caption: `${model}: ${kind.toLowerCase()} ratio per unit of each feature with 95% interval (log scale; 1 = no effect).`, spec: ratioChart(`${kind} ratios: ${model}`, top, `${kind.toLowerCase()} ratio`) });
    }
  }
  out.push({ id: 'consolidated', section: 'consolidated', caption: 'Drivers ranked across all models (mean share of permutation importance).', spec: importanceChart('Consolidated driver ranking', doc.consolidated.slice(0, TOP).map((d) => ({ feature: d.driver, value: d.score })), 'share of importance') });
  if (doc.economics !== null) {
    out.push({ id: 'risk-tier', section: 'economics', caption: 'Revenue at risk (value × churn probability) by risk tier.', spec: barChart('Revenue at risk by tier', doc.economics.by_tier.map((r) => ({ label: r.group, value: r.revenue_at_risk })), 'revenue at risk', 'tier') });
    if (doc.economics.by_segment.length > 0) out.push({ id: 'risk-segment', section: 'economics', caption: 'Revenue at risk by segment.', spec: barChart('Revenue at risk by segment', doc.economics.by_segment.map((r) => ({ label: r.group, value: r.revenue_at_risk })), 'revenue at risk', 'segment') });
  }
  return out;
}

/** "January 2025" from "2025-01". */
function longMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleString('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/**
 * What the report is about, in the reader's words: a panel by the months of customer history it
 * read (its usage file's name means nothing to marketing), a customer table by its file's name.
 */
function reportTitle(ev: ReportInput['evaluation']): string {
  const months = ev.panel?.trend?.months.map((m) => m.month) ?? ev.panel?.months.map((m) => m.month);
  if (months !== undefined && months.length > 0) return `Churn report: customer history ${longMonth(months[0])} to ${longMonth(months[months.length - 1])}`;
  return `churnscope report: ${ev.dataset.source.split('/').pop() ?? ev.dataset.source}`;
}

async function buildReport(input: ReportInput, campaign?: Campaign): Promise<{ doc: ReportDocument; svgs: Map<string, string>; figs: Figure[] }> {
  const ev = input.evaluation;
  const ranking = consolidatedRanking(input.importance);
  const eco = input.list === null ? null : await economics(input.list, campaign);
  const describe = (d: string): string => describeFeature(d, input.roles, input.tenure_unit);
  const doc: ReportDocument = {
    title: reportTitle(ev),
    run: input.runDir,
    dataset: ev.dataset,
    split: ev.split,
    champion: ev.champion,
    champion_metric: ev.champion_metric,
    comparison: Object.fromEntries(Object.entries(ev.models).map(([m, v]) => [m, Object.fromEntries([...METRICS, 'empc_fraction' as const, 'cv_auc_mean' as const, 'cv_auc_sd' as const].map((k) => [k, v[k] ?? null]))])),
    warnings: ev.warnings,
    consolidated: ranking.map((r) => ({ ...r, meaning: describe(r.driver) })),
    factors: factorMatrix(ranking, eco?.driver_share_high_risk ?? null, describe, input.improvability, { roles: input.roles, role_sums: input.role_sums }),
    economics: eco,
    importance: input.importance,
    value: { definition: valueDefinition(input.value), currency: input.value.currency },
    reading: readingGuide(valueDefinition(input.value), eco === null ? null : eco.campaign, input.trend !== null),
    trend: input.trend,
  };
  const figs = figures(input, doc);
  const svgs = new Map<string, string>();
  const bar = progress('report charts', figs.length, 'charts');
  for (const f of figs) {
    svgs.set(f.id, await renderSvg(f.spec));
    bar.tick();
  }
  bar.stop();
  return { doc, svgs, figs };
}

const esc = (s: string): string => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const fmt = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : Number.isInteger(v) ? v.toLocaleString('en') : v.toFixed(digits));
const money = (v: number): string => Math.round(v).toLocaleString('en');
const pValue = (p: number): string => (!Number.isFinite(p) ? '–' : p < 1e-4 ? '<0.0001' : p.toFixed(4));

/** Median months on the network per group with its 95% interval ("not reached" while the curve stays above one half). */
function medianNote(curves: ReportInput['kaplanMeier'][string]): string {
  const months = (v: number | null): string => (v === null ? 'not reached' : fmt(v, 1));
  const parts = Object.entries(curves).flatMap(([level, c]) => (c.median === undefined ? [] : [`${level} ${months(c.median.median)} (${months(c.median.lower)}–${months(c.median.upper)})`]));
  return parts.length === 0 ? '' : ` Median months (95% interval): ${parts.join('; ')}.`;
}

/** The sentence under a linear model's table: what each text column's terms are relative to, and what was dropped. */
function designNote(imp: ReportDocument['importance'][string]): string {
  const refs = (imp.reference_levels ?? []).map((r) => `${r.column} = ${r.level}`);
  const parts: string[] = [];
  if (refs.length > 0) parts.push(`Text columns are treatment coded: each level's term is relative to the reference level (${refs.join('; ')}).`);
  if ((imp.aliased ?? []).length > 0) parts.push(`Dropped as collinear with the terms listed: ${(imp.aliased ?? []).map((a) => a.feature).join(', ')}.`);
  return parts.join(' ');
}

interface Table { head: string[]; rows: string[][] }

/** Mean ± sd, or '–' when not computed. */
const meanSd = (mean: number | null | undefined, sd: number | null | undefined): string => (mean === null || mean === undefined ? '–' : `${fmt(mean)} ± ${fmt(sd)}`);
const pct = (x: number): string => `${Math.round(x * 100)}%`;
const pct1 = (x: number): string => `${(x * 100).toFixed(1)}%`;

function trendTables(trend: ChurnTrend): Record<string, Table> {
  const kinds = trend.reasons.map((r) => r.reason);
  const months = [...new Set(trend.by_segment.map((r) => r.month))];
  const segments = [...new Set(trend.by_segment.map((r) => r.segment))].sort();
  const at = new Map(trend.by_segment.map((r) => [`${r.segment}\u0000${r.month}`, r]));
  return {
    trend: {
      head: ['month', 'customers at the start', ...kinds.map(reasonName), 'churn rate', 'voluntary churn rate', 'retention rate'],
      rows: trend.months.map((m) => [m.month, fmt(m.active), ...kinds.map((k) => fmt(m.churned[k])), pct1(m.churn_rate), pct1(m.voluntary_rate), pct1(m.retention_rate)]),
    },
    'trend-segment': {
      head: ['segment (churn rate)', ...months],
      rows: segments.map((s) => [s, ...months.map((m) => { const r = at.get(`${s}\u0000${m}`); return r === undefined ? '–' : pct1(r.churn_rate); })]),
    },
    'trend-reasons': { head: ['deactivation reason', 'customers', 'share'], rows: trend.reasons.map((r) => [reasonName(r.reason), fmt(r.customers), pct1(r.share)]) },
  };
}

function tables(doc: ReportDocument): Record<string, Table> {
  const cv = Object.values(doc.comparison).some((v) => v.cv_auc_mean !== null);
  const cur = doc.value.currency === null ? '' : ` (${doc.value.currency})`;
  const t: Record<string, Table> = {
    comparison: {
      head: ['model', ...METRICS.flatMap((k) => (k === 'auc' && cv ? ['auc', 'cv auc (mean ± sd)'] : [k]))],
      rows: Object.entries(doc.comparison).map(([m, v]) => [m === doc.champion ? `${m} (champion)` : m, ...METRICS.flatMap((k) => (k === 'auc' && cv ? [fmt(v.auc), meanSd(v.cv_auc_mean, v.cv_auc_sd)] : [fmt(v[k])]))]),
    },
    reading: { head: ['number', 'what it says'], rows: doc.reading.map((r) => [r.term, r.sentence]) },
    consolidated: { head: ['rank', 'driver', 'meaning', 'score'], rows: doc.consolidated.slice(0, TOP).map((d) => [String(d.rank), d.driver, d.meaning, fmt(d.score)]) },
    factors: {
      head: ['driver', 'meaning', 'importance', 'share of at-risk customers affected', 'improvability', 'improvability from', 'priority'],
      rows: doc.factors.map((f) => [f.driver, f.meaning, fmt(f.importance, 2), f.share_at_risk_affected === null ? 'n/a (no list)' : pct(f.share_at_risk_affected), fmt(f.improvability, 2), f.improvability_source, fmt(f.priority, 3)]),
    },
    ...(doc.trend === null ? {} : trendTables(doc.trend)),
  };
  for (const [model, imp] of Object.entries(doc.importance)) {
    const rows = imp.odds_ratios?.map((r) => ({ ...r, ratio: r.odds_ratio })) ?? imp.hazard_ratios?.map((r) => ({ ...r, ratio: r.hazard_ratio }));
    if (rows === undefined) continue;
    const ratio = imp.odds_ratios !== undefined ? 'odds ratio' : 'hazard ratio';
    t[`terms-${model}`] = {
      head: ['term', 'coef', ratio, 'se', 'z', 'p', '95% interval'],
      rows: rows.map((r) => [r.feature, fmt(r.coef, 4), fmt(r.ratio, 3), fmt(r.se, 4), fmt(r.z, 2), pValue(r.p), `${fmt(r.ci_low, 3)}–${fmt(r.ci_high, 3)}`]),
    };
  }
  if (doc.economics !== null) {
    const e = doc.economics;
    const group = (rows: typeof e.by_tier): Table => ({ head: ['group', 'customers', 'mean churn probability', `revenue at risk${cur}`], rows: rows.map((r) => [r.group, fmt(r.customers), fmt(r.mean_probability), money(r.revenue_at_risk)]) });
    t.tiers = group(e.by_tier);
    if (e.by_segment.length > 0) t.segments = group(e.by_segment);
    t.campaign = {
      head: ['contacted (top N)', `offer cost${cur}`, 'success rate', `revenue at risk reached${cur}`, `expected saving${cur}`, `cost${cur}`, `net${cur}`],
      rows: [[fmt(e.campaign.contacted), money(e.campaign.offer_cost), `${Math.round(e.campaign.success_rate * 100)}%`, money(e.campaign.revenue_at_risk), money(e.campaign.expected_saving), money(e.campaign.cost), money(e.campaign.net)]],
    };
    t.empc = { head: ['model', `EMPC (profit per customer${doc.value.currency === null ? '' : `, ${doc.value.currency}`})`, 'share to contact'], rows: Object.entries(doc.comparison).map(([m, v]) => [m, fmt(v.empc, 2), v.empc_fraction === null ? '–' : pct(v.empc_fraction)]) };
    const acts = (rows: { actions: { action: string; share: number }[] }): string => rows.actions.map((a) => `${a.action} (${pct(a.share)})`).join('; ') || '–';
    t['actions-tier'] = { head: ['tier', 'customers', 'suggested actions (share of the tier whose top reasons call for it)'], rows: e.actions.by_tier.map((r) => [r.tier, fmt(r.customers), acts(r)]) };
    if (e.actions.by_segment.length > 0) t['actions-segment'] = { head: ['segment', 'customers', 'suggested actions (share of the segment)'], rows: e.actions.by_segment.map((r) => [r.segment, fmt(r.customers), acts(r)]) };
    t['top-customers'] = {
      head: ['rank', 'customer', 'churn probability', 'tier', `value at risk${cur}`, ...(e.actions.top_customers.some((c) => c.segment !== null) ? ['segment'] : []), 'first reason', 'suggested action', 'second reason', 'suggested action'],
      rows: e.actions.top_customers.map((c) => [
        String(c.rank), c.id, fmt(c.churn_probability), c.risk_tier, c.value_at_risk === null ? '–' : money(c.value_at_risk), ...(e.actions.top_customers.some((x) => x.segment !== null) ? [c.segment ?? ''] : []),
        c.reasons[0]?.sentence ?? '–', c.reasons[0]?.action ?? '–', c.reasons[1]?.sentence ?? '–', c.reasons[1]?.action ?? '–',
      ]),
    };
  }
  return t;
}

/** Each linear model's coefficient table with its note on coding; a Cox model's proportional-hazards test after it. */
function termSections(doc: ReportDocument, t: Record<string, Table>): { title: string; note: string; table: Table }[] {
  return Object.entries(doc.importance).flatMap(([model, imp]) => {
    const table = t[`terms-${model}`];
    if (table === undefined) return [];
    const kind = imp.odds_ratios !== undefined ? 'odds' : 'hazard';
    const out = [{ title: `${model}: coefficients (${kind} ratios, Wald tests)`, note: designNote(imp), table }];
    const ph = imp.proportional_hazards;
    if (ph !== undefined) {
      out.push({
        title: `${model}: proportional hazards (Grambsch–Therneau test of the scaled Schoenfeld residuals against the rank of event time)`,
        note: proportionalHazardsAdvice(ph),
        table: { head: ['term', 'chi-squared', 'df', 'p'], rows: proportionalHazardsRows(ph, (v, d) => fmt(v, d), pValue) },
      });
    }
    return out;
  });
}

/** A segment's top reasons, worded as the list words them. */
function segmentReasons(rs: SegmentReason[]): Table {
  return { head: ['reason (as the list words it)', 'feature', 'share of high-risk customers'], rows: rs.map((r) => [r.wording, r.driver, pct(r.share)]) };
}

function htmlTable(t: Table): string {
  return `<table><thead><tr>${t.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/** Text from the data (column names, segments, file names) in Markdown: HTML escaped as in report.html, so a renderer never runs it. */
const md = (s: string): string => esc(s).replaceAll('|', '\\|');

function mdTable(t: Table): string {
  return [`| ${t.head.map(md).join(' | ')} |`, `|${t.head.map(() => '---').join('|')}|`, ...t.rows.map((r) => `| ${r.map(md).join(' | ')} |`)].join('\n');
}

const SECTIONS: { id: string; title: string; intro: string; tables: string[] }[] = [
  { id: 'trend', title: 'Churn over time', intro: 'Whether churn is rising, and where, before any model: each month\'s customers at its start, how many of them were deactivated within it and why, by segment, and the reasons over all months. The models predict voluntary churn (voluntary and port-out); non-payment and fraud are counted here and left out of their labels.', tables: ['trend', 'trend-segment', 'trend-reasons'] },
  { id: 'reading', title: 'How to read this report', intro: 'One sentence for each number a manager meets below.', tables: ['reading'] },
  { id: 'actions', title: 'Suggested actions', intro: 'What the scored list suggests doing, by risk tier and segment, and for the customers at the top of the ranking (each customer\'s actions follow from their top reasons).', tables: ['actions-tier', 'actions-segment', 'top-customers'] },
  { id: 'models', title: 'Model comparison', intro: 'Every model on the held-out test split; the champion is the best on the configured metric.', tables: ['comparison'] },
  { id: 'factors', title: 'Factor matrix: what to fix first', intro: 'Drivers ranked by priority = importance × share of high-risk customers for whom it is a top reason × how easily the operator can improve it.', tables: ['factors'] },
  { id: 'economics', title: 'Churn economics', intro: 'Customers and revenue at risk from the scored list, and what a campaign on the top of the list is expected to save.', tables: ['tiers', 'segments', 'campaign', 'empc'] },
  { id: 'segments-detail', title: 'Segments', intro: 'The most frequent reasons among high-risk customers in each segment.', tables: [] },
  { id: 'consolidated', title: 'Consolidated driver ranking', intro: 'Permutation importance of each driver, averaged over models.', tables: ['consolidated'] },
  { id: 'importance', title: 'Importance per model', intro: 'Permutation importance on the test split, SHAP summaries and dependence plots (the tree models\' exact TreeSHAP, the logistic model\'s terms), forest impurity importance, logistic odds ratios and Cox hazard ratios.', tables: [] },
  { id: 'curves', title: 'Discrimination and calibration', intro: 'All models overlaid on the test split.', tables: [] },
  { id: 'survival', title: 'Survival', intro: 'Kaplan–Meier curves by customer group.', tables: [] },
];

/** The sections this report has: the churn trend only for a panel. */
const sectionsOf = (doc: ReportDocument): typeof SECTIONS => SECTIONS.filter((s) => s.id !== 'trend' || doc.trend !== null);

const CSS = `body{font-family:Helvetica,Arial,sans-serif;margin:2rem auto;max-width:1100px;color:#222;line-height:1.45}
h1{font-size:1.7rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}
table{border-collapse:collapse;margin:.8rem 0;font-size:.9rem}th,td{border:1px solid #ddd;padding:.3rem .55rem;text-align:left}
th{background:#f4f6f8}figure{display:inline-block;margin:.6rem 1rem .6rem 0;vertical-align:top;max-width:520px}
figcaption{font-size:.85rem;color:#555}.warn{background:#fff4e5;border-left:4px solid #f0a030;padding:.5rem .8rem}
nav ul{columns:2}.meta{color:#555}figure svg{max-width:100%;height:auto}
@media print{@page{size:A4;margin:14mm}body{margin:0;max-width:none;font-size:10pt}nav{display:none}
h2{break-after:avoid;margin-top:1.2rem}figure,tr,.warn{break-inside:avoid}table{font-size:8pt;width:100%}
th,td{padding:.15rem .3rem}a{color:inherit;text-decoration:none}}`;

function toHtml(doc: ReportDocument, figs: Figure[], svgs: Map<string, string>): string {
  const t = tables(doc);
  const sections = sectionsOf(doc).map((s) => {
    const tabs = s.tables.filter((k) => t[k] !== undefined).map((k) => htmlTable(t[k])).join('\n');
    const charts = figs.filter((f) => f.section === s.id).map((f) => `<figure id="fig-${f.id}" class="chart">${svgs.get(f.id) ?? ''}<figcaption>${esc(f.caption)}</figcaption></figure>`).join('\n');
    let extra = '';
    if ((s.id === 'economics' || s.id === 'actions') && doc.economics === null) extra = '<p>No scored list was given: run <code>churnscope report --list &lt;retention list&gt;</code> to see suggested actions, revenue at risk and campaign economics.</p>';
    if (s.id === 'importance') extra = termSections(doc, t).map((x) => `<h3>${esc(x.title)}</h3><p>${esc(x.note)}</p>${htmlTable(x.table)}`).join('\n');
    if (s.id === 'segments-detail') {
      const segs = Object.entries(doc.economics?.top_reasons_by_segment ?? {});
      extra = segs.length === 0 ? '<p>No segments in the scored list.</p>' : segs.map(([seg, rs]) => `<h3>${esc(seg)}</h3>${htmlTable(segmentReasons(rs))}`).join('\n');
    }
    return `<section id="${s.id}"><h2>${esc(s.title)}</h2><p>${esc(s.intro)}</p>${tabs}${extra}${charts}</section>`;
  }).join('\n');
  const warnings = doc.warnings.length === 0 ? '' : `<div class="warn"><strong>Warnings</strong><ul>${doc.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(doc.title)}</title><style>${CSS}</style></head>
<body><h1>${esc(doc.title)}</h1>
<p class="meta">${fmt(doc.dataset.rows)} rows, churn rate ${(doc.dataset.churn_rate * 100).toFixed(1)}%; ${esc(doc.split.kind.replaceAll('_', ' '))} split: ${fmt(doc.split.train_rows)} train, ${fmt(doc.split.test_rows)} test. Champion: <strong>${esc(doc.champion)}</strong> (by ${esc(doc.champion_metric)}). Value: ${esc(doc.value.definition)}.</p>
${warnings}
<nav><strong>Contents</strong><ul>${sectionsOf(doc).map((s) => `<li><a href="#${s.id}">${esc(s.title)}</a></li>`).join('')}</ul></nav>
${sections}
</body></html>
`;
}

function toMarkdown(doc: ReportDocument): string {
  const t = tables(doc);
  const parts = [`# ${md(doc.title)}`, '', `${fmt(doc.dataset.rows)} rows, churn rate ${(doc.dataset.churn_rate * 100).toFixed(1)}%; ${md(doc.split.kind.replaceAll('_', ' '))} split: ${fmt(doc.split.train_rows)} train, ${fmt(doc.split.test_rows)} test. Champion: **${md(doc.champion)}** (by ${md(doc.champion_metric)}). Value: ${md(doc.value.definition)}.`, ''];
  if (doc.warnings.length > 0) parts.push('**Warnings**', '', ...doc.warnings.map((w) => `- ${md(w)}`), '');
  for (const s of sectionsOf(doc)) {
    parts.push(`## ${s.title}`, '', s.intro, '');
    for (const k of s.tables) if (t[k] !== undefined) parts.push(mdTable(t[k]), '');
    if (s.id === 'segments-detail') {
      for (const [seg, rs] of Object.entries(doc.economics?.top_reasons_by_segment ?? {})) parts.push(`### ${md(seg)}`, '', mdTable(segmentReasons(rs)), '');
    }
    if (s.id === 'importance') for (const x of termSections(doc, t)) parts.push(`### ${md(x.title)}`, '', md(x.note), '', mdTable(x.table), '');
    if (['trend', 'importance', 'curves', 'survival'].includes(s.id)) parts.push('Charts: see report.html.', '');
  }
  return `${parts.join('\n')}\n`;
}

export async function writeReport(input: ReportInput, outDir: string, campaign?: Campaign): Promise<{ html: string; markdown: string; json: string }> {
  checkApart([{ path: outDir, what: 'the report folder' }], [
    { path: input.runDir, what: 'the run folder' },
    ...(input.list === null ? [] : [{ path: input.list, what: 'the scored list' }]),
  ]);
  checkFolderOutput(outDir, 'report');
  const { doc, svgs, figs } = await buildReport(input, campaign);
  await withAtomicDir(outDir, 'report', async (dir) => {
    await writeFileAtomic(join(dir, 'report.html'), toHtml(doc, figs, svgs));
    await writeFileAtomic(join(dir, 'report.md'), toMarkdown(doc));
    await writeFileAtomic(join(dir, 'report.json'), toStableJson(doc));
  });
  return { html: join(outDir, 'report.html'), markdown: join(outDir, 'report.md'), json: join(outDir, 'report.json') };
}
