/** Minimal SVG charts for docs/performance.md: horizontal bars with a goal line, and line charts. No dependencies. */
const FONT = 'font-family="system-ui,sans-serif" font-size="12"';
const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Bars: [{ label, value }], value as a ratio; `goal` draws a dashed line. */
export function barChart({ title, bars, goal, max = Math.max(1, ...bars.map((bar) => bar.value)) }) {
  const width = 640;
  const left = 230;
  const barHeight = 22;
  const top = 36;
  const height = top + bars.length * (barHeight + 8) + 30;
  const x = (value) => left + (Math.min(value, max) / max) * (width - left - 60);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
    `<rect width="100%" height="100%" fill="#fff"/>`, `<text x="10" y="20" font-size="14" font-weight="bold">${escape(title)}</text>`];
  bars.forEach((bar, index) => {
    const y = top + index * (barHeight + 8);
    const met = goal === undefined || bar.goal === false || bar.value >= goal;
    parts.push(`<text x="${left - 8}" y="${y + 15}" text-anchor="end">${escape(bar.label)}</text>`);
    parts.push(`<rect x="${left}" y="${y}" width="${Math.max(1, x(bar.value) - left)}" height="${barHeight}" fill="${bar.goal === false ? '#9aa5b1' : met ? '#2f855a' : '#c05621'}"/>`);
    parts.push(`<text x="${x(bar.value) + 4}" y="${y + 15}">${bar.value.toFixed(2)}×</text>`);
  });
  const bottom = top + bars.length * (barHeight + 8);
  parts.push(`<line x1="${left}" y1="${top - 4}" x2="${left}" y2="${bottom}" stroke="#333"/>`);
  parts.push(`<line x1="${x(1)}" y1="${top - 4}" x2="${x(1)}" y2="${bottom}" stroke="#333" stroke-dasharray="2,2"/>`);
  parts.push(`<text x="${x(1)}" y="${bottom + 14}" text-anchor="middle">1.0 (hello-world)</text>`);
  if (goal !== undefined) {
    parts.push(`<line x1="${x(goal)}" y1="${top - 4}" x2="${x(goal)}" y2="${bottom}" stroke="#c53030" stroke-dasharray="6,3"/>`);
    parts.push(`<text x="${x(goal)}" y="${bottom + 26}" text-anchor="middle" fill="#c53030">goal ${goal}</text>`);
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** Lines: series [{ label, points: [[x, y]] }] on a log-x axis when `logX`, y from 0. */
export function lineChart({ title, series, xLabel, yLabel, logX = false }) {
  const width = 640;
  const height = 320;
  const margin = { left: 70, right: 20, top: 36, bottom: 50 };
  const xs = series.flatMap((line) => line.points.map(([value]) => value));
  const ys = series.flatMap((line) => line.points.map(([, value]) => value));
  const fx = logX ? Math.log10 : (value) => value;
  const [minX, maxX] = [fx(Math.min(...xs)), fx(Math.max(...xs))];
  const maxY = Math.max(...ys) * 1.1;
  const x = (value) => margin.left + ((fx(value) - minX) / (maxX - minX || 1)) * (width - margin.left - margin.right);
  const y = (value) => height - margin.bottom - (value / maxY) * (height - margin.top - margin.bottom);
  const colors = ['#2b6cb0', '#c05621', '#2f855a', '#6b46c1'];
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
    `<rect width="100%" height="100%" fill="#fff"/>`, `<text x="10" y="20" font-size="14" font-weight="bold">${escape(title)}</text>`,
    `<line x1="${margin.left}" y1="${height - margin.bottom}" x2="${width - margin.right}" y2="${height - margin.bottom}" stroke="#333"/>`,
    `<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${height - margin.bottom}" stroke="#333"/>`,
    `<text x="${(width + margin.left) / 2}" y="${height - 12}" text-anchor="middle">${escape(xLabel)}</text>`,
    `<text x="16" y="${(height - margin.bottom + margin.top) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(height - margin.bottom + margin.top) / 2})">${escape(yLabel)}</text>`];
  for (const value of [...new Set(xs)]) {
    parts.push(`<text x="${x(value)}" y="${height - margin.bottom + 16}" text-anchor="middle">${value.toLocaleString('en-US')}</text>`);
  }
  for (let step = 0; step <= 4; step++) {
    const value = (maxY / 4) * step;
    parts.push(`<text x="${margin.left - 6}" y="${y(value) + 4}" text-anchor="end">${value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1)}</text>`);
    parts.push(`<line x1="${margin.left}" y1="${y(value)}" x2="${width - margin.right}" y2="${y(value)}" stroke="#eee"/>`);
  }
  series.forEach((line, index) => {
    const color = colors[index % colors.length];
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${line.points.map(([px, py]) => `${x(px)},${y(py)}`).join(' ')}"/>`);
    for (const [px, py] of line.points) parts.push(`<circle cx="${x(px)}" cy="${y(py)}" r="3" fill="${color}"/>`);
    parts.push(`<text x="${width - margin.right - 4}" y="${margin.top + 14 + index * 16}" text-anchor="end" fill="${color}">${escape(line.label)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
