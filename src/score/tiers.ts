/** Risk tiers from probability thresholds in the config. */
export type RiskTier = 'high' | 'medium' | 'low';

export function riskTier(p: number, tiers: { high: number; medium: number }): RiskTier {
  return p >= tiers.high ? 'high' : p >= tiers.medium ? 'medium' : 'low';
}
