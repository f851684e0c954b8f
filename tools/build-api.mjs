// Builds the API into dist/apps/api: tsc (decorator metadata is what Nest's injection needs), then tsc-alias
// turns the workspace path aliases (@ml-portal/contracts) into relative requires, then a main.js at the top.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';

const out = 'dist/apps/api';
const project = 'apps/api/tsconfig.app.json';
rmSync(out, { recursive: true, force: true });
const bin = (name) => `node_modules/.bin/${name}`;
execFileSync(bin('tsc'), ['-p', project], { stdio: 'inherit' });
execFileSync(bin('tsc-alias'), ['-p', project], { stdio: 'inherit' });
writeFileSync(`${out}/main.js`, "require('./apps/api/src/main.js');\n");
writeFileSync(`${out}/package.json`, JSON.stringify({ type: 'commonjs' }) + '\n');
