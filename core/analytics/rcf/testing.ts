import { gaussian, mulberry32 } from '../../prng.js';

/**
 * For tests and the bench: a seeded synthetic temperature series, a daily-like sine of `amplitude` over `period`
 * rows around 21 °C with Gaussian noise of `noise`, quantized to 0.01 °C like the devices.
 */
export function sineSeries(rows: number, seed: number, o: { period?: number; amplitude?: number; noise?: number } = {}): Float64Array {
  const random = mulberry32(seed);
  const period = o.period ?? 1440;
  const amplitude = o.amplitude ?? 2;
  const noise = o.noise ?? 0.08;
  const series = new Float64Array(rows);
  for (let i = 0; i < rows; i++) series[i] = Math.round((21 + amplitude * Math.sin((2 * Math.PI * i) / period) + noise * gaussian(random)) * 100) / 100;
  return series;
}
