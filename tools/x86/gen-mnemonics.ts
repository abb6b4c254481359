// Rewrites tools/x86/mnemonics.ts from the encoder table (mnemonic-source.ts).
//   npx vite-node tools/x86/gen-mnemonics.ts

import { writeFileSync } from 'node:fs';
import { MNEMONICS_FILE, mnemonicsSource } from './mnemonic-source.ts';

writeFileSync(MNEMONICS_FILE, mnemonicsSource());
console.log(`wrote ${MNEMONICS_FILE.pathname}`);
