/** The logistic function, computed on the side that cannot overflow (exp of a large positive z is Infinity). */
export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
