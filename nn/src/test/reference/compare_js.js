// Cross-checks reference_cases.jsonl (ids from encoder.py) with two JavaScript GPT-2 encoders from npm.
// Usage: npm pack gpt-3-encoder gpt-tokenizer, unpack them to G3 and GT, then
//   node compare_js.js ../resources/gpt2/reference_cases.jsonl G3/package GT/package
// Expected: differences only on strings with U+FEFF or U+0085 (JavaScript's \s differs from Python's).
const g3 = require(require('path').resolve(process.argv[3], 'index.js'));
const gt = require(require('path').resolve(process.argv[4], 'cjs/encoding/gpt2.js'));
const fs=require('fs');
const lines = fs.readFileSync(process.argv[2],'utf8').trim().split('\n').map(JSON.parse);
let d3=0, dt=0;
for (const c of lines) {
  const a = JSON.stringify(g3.encode(c.text)), b = JSON.stringify(gt.encode(c.text,{disallowedSpecial:new Set(),allowedSpecial:new Set()})), p = JSON.stringify(c.ids);
  if (a!==p) { d3++; if (d3<=3) console.log('g3 DIFF', JSON.stringify(c.text)); }
  if (b!==p) { dt++; if (dt<=3) console.log('gt DIFF', JSON.stringify(c.text)); }
}
console.log(lines.length, 'cases; gpt-3-encoder diffs', d3, '; gpt-tokenizer diffs', dt);
