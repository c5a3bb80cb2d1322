// Summarises a V8 CPU profile: self time by source file and by function, and inclusive time
// of the top functions. Frames in dist/index.js are mapped back to their src/ file through the
// `// src/…` module markers esbuild writes into the bundle (line numbers stay dist's).
// CLI: node bench/lib/cpu-profile-summary.mjs <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const distMarkers = new Map(); // dist url -> [{ line, source }]
function distSource(url, line) {
  if (!distMarkers.has(url)) {
    const markers = [];
    readFileSync(fileURLToPath(url), 'utf8').split('\n').forEach((text, index) => {
      const match = /^\/\/ ((?:src|node_modules)\/\S+)$/.exec(text);
      if (match) markers.push({ line: index, source: match[1] });
    });
    distMarkers.set(url, markers);
  }
  let source = 'dist (bundle header)';
  for (const marker of distMarkers.get(url)) if (marker.line <= line) source = marker.source;
  return source;
}

/** Where a frame's code lives: a src/ file, a package, or a V8 pseudo-frame. */
function where(frame) {
  const { url, lineNumber } = frame;
  if (!url) return `(${frame.functionName || 'native'})`;
  if (/\/dist\/index\.js$/.test(url)) return `${distSource(url, lineNumber)} (dist`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm:${pkg[1]}`;
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\/.*?\/(bench\/)/, '$1');
}

/** Prints the summary of `profile` (the JSON of a .cpuprofile), `top` lines per table. */
export function summarize(profile, top = 25, write = (line) => process.stdout.write(`${line}\n`)) {
// Time per sample from timeDeltas, attributed to the sampled node (self time).
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
profile.samples.forEach((id, k) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[k] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const parents = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

const selfByFile = new Map();
const selfByFn = new Map();
const inclusive = new Map();
for (const [id, us] of self) {
  const node = byId.get(id);
  const key = (n) => {
    const place = where(n.callFrame);
    const line = n.callFrame.lineNumber + 1;
    return `${n.callFrame.functionName || '(anonymous)'}  ${place.endsWith('(dist') ? `${place}:${line})` : `${place}:${line}`}`;
  };
  const file = where(node.callFrame).replace(/ \(dist$/, '');
  selfByFile.set(file, (selfByFile.get(file) ?? 0) + us);
  selfByFn.set(key(node), (selfByFn.get(key(node)) ?? 0) + us);
  // Inclusive: credit every distinct function on the stack once.
  const seen = new Set();
  for (let at = id; at !== undefined; at = parents.get(at)) {
    const k = key(byId.get(at));
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + us);
  }
}

const show = (title, map) => {
  write('');
  write(title);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    write(`  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`);
  }
};
write(`${(total / 1000).toFixed(0)} ms sampled`);
show('self time by file', selfByFile);
show('self time by function', selfByFn);
show('inclusive time by function (each function once per stack)', inclusive);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node bench/lib/cpu-profile-summary.mjs <file.cpuprofile> [top=25]\n');
    process.exit(2);
  }
  summarize(JSON.parse(readFileSync(file, 'utf8')), Number(top ?? 25));
}
