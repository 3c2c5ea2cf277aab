// Runs the pinned YoWASP Yosys (WebAssembly) on a script, in a virtual filesystem.
// usage: node run_yosys.mjs SCRIPT.ys OUTDIR IN_FILE...
// Every IN_FILE is visible to the script by its base name; every file the script writes
// (in its working directory) is copied to OUTDIR. Yosys's log goes to stdout.
import { runYosys } from '@yowasp/yosys';
import fs from 'node:fs';
import path from 'node:path';

const [script, outdir, ...inputs] = process.argv.slice(2);
if (!script || !outdir) {
  console.error('usage: node run_yosys.mjs SCRIPT.ys OUTDIR IN_FILE...');
  process.exit(2);
}
const files = { 'script.ys': fs.readFileSync(script, 'utf8') };
for (const f of inputs) {
  files[path.basename(f)] = fs.readFileSync(f, 'utf8');
}
let out;
try {
  out = await runYosys(['-q', '-l', 'yosys.log', '-s', 'script.ys'], files, { decodeASCII: true });
} catch (e) {
  console.error(String(e && e.files && e.files['yosys.log'] || ''));
  console.error('yosys failed: ' + e);
  process.exit(1);
}
fs.mkdirSync(outdir, { recursive: true });
for (const [name, content] of Object.entries(out)) {
  if (name in files || typeof content !== 'string') {
    continue;
  }
  fs.writeFileSync(path.join(outdir, name), content);
}
