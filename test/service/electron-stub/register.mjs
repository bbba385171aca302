// `node --import register.mjs out/main/index.js`: main runs against the stand-in `electron`, and says
// on stdout when it opens its window (bin/electron, the stand-in Electron binary).
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
process.env.STUB_ANNOUNCE = '1';
