/**
 * A blended candidate: the mean of two fitted models' probabilities (the sequence model's and the
 * best tree model's), saved with both members so it scores like any model. Its explanation is on
 * the probability scale: a member explaining log-odds has its parts rescaled so they sum to its
 * probability minus its baseline's, then the members' parts are averaged feature by feature.
 */
import { selectFeatures, type FeatureMatrix } from '../data/matrix.js';
import { ModelError } from '../errors.js';
import type { BatchExplanation, ChurnModel, ModelKind, ModelState, ReasonParts } from './model.js';
import { monthlyReasonNames, monthlyReasonParts } from './sequence/reasons.js';
import { sigmoid } from './sigmoid.js';

export interface BlendMember {
  name: ModelKind;
  state: ModelState;
}

export interface BlendState extends ModelState {
  kind: 'blend';
  params: Record<string, never>;
  features: string[];
  members: BlendMember[];
}


export class BlendModel implements ChurnModel {
  readonly kind = 'blend' as const;
  readonly features: readonly string[];
  /** A member's months grouped per channel (as the sequence model says them); other features as they are. */
  readonly reasonNames: readonly string[];

  constructor(readonly state: BlendState, private readonly members: readonly ChurnModel[]) {
    this.features = state.features;
    this.reasonNames = monthlyReasonNames(state.features).names;
  }

  /** Blends fitted models; the feature list is theirs, merged in order. */
  static of(members: readonly { name: ModelKind; model: ChurnModel }[]): BlendModel {
    const features = [...new Set(members.flatMap((m) => m.model.features))];
    return new BlendModel({ kind: 'blend', params: {}, features, members: members.map((m) => ({ name: m.name, state: m.model.toJSON() })) }, members.map((m) => m.model));
  }

  /** `load` rebuilds a member from its state (the model registry's). */
  static fromJSON(state: ModelState, load: (s: ModelState) => ChurnModel): BlendModel {
    const s = state as BlendState;
    if (!Array.isArray(s.members) || s.members.length === 0) throw new ModelError('a blend model file lists no members');
    return new BlendModel(s, s.members.map((m) => load(m.state)));
  }

  get backend(): string | undefined {
    return this.members.find((m) => m.backend !== undefined)?.backend;
  }

  predictProba(x: FeatureMatrix): Float64Array {
    const out = new Float64Array(x.rows);
    for (const m of this.members) {
      const p = m.predictProba(selectFeatures(x, m.features));
      for (let i = 0; i < x.rows; i++) out[i] += p[i] / this.members.length;
    }
    return out;
  }

  explainBatch(x: FeatureMatrix): BatchExplanation {
    const P = this.features.length;
    const position = new Map(this.features.map((f, j) => [f, j]));
    const contributions = new Float64Array(x.rows * P);
    const probability = new Float64Array(x.rows);
    let base = 0;
    const share = 1 / this.members.length;
    for (const m of this.members) {
      if (m.explainBatch === undefined) throw new ModelError(`the blend's member ${m.kind} cannot explain its scores`);
      const xm = selectFeatures(x, m.features);
      const e = m.explainBatch(xm);
      if (e.scale === 'log_hazard') throw new ModelError(`the blend's member ${m.kind} explains log-hazards, which do not blend with probabilities`);
      const p = e.probability ?? m.predictProba(xm);
      const p0 = e.scale === 'log_odds' ? sigmoid(e.base) : e.base;
      base += share * p0;
      const to = m.features.map((f) => position.get(f) as number);
      const Pm = m.features.length;
      for (let i = 0; i < x.rows; i++) {
        probability[i] += share * p[i];
        let factor = 1;
        if (e.scale === 'log_odds') {
          // Σ parts = z − z0; rescaled to sum to p − p0 (the slope of the sigmoid between them).
          const z = Math.log(p[i] / (1 - p[i]));
          factor = Math.abs(z - e.base) > 1e-9 ? (p[i] - p0) / (z - e.base) : p[i] * (1 - p[i]);
        }
        for (let j = 0; j < Pm; j++) contributions[i * P + to[j]] += share * factor * e.contributions[i * Pm + j];
      }
    }
    return { scale: 'probability', base, contributions, probability };
  }

  reasonParts(x: FeatureMatrix, e: BatchExplanation): ReasonParts {
    return monthlyReasonParts(x, e);
  }

  toJSON(): BlendState {
    return this.state;
  }
}
