// Node ESM resolve hook for @ngrok/webernetes: its dist/ imports are extensionless
// (`./clock`), written for bundlers, which Node's ESM resolver refuses. This retries a failed
// relative import as `X.js`, then `X/index.js`. Loaded by `node --import ./resolve-hook.mjs`.
import { register } from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (e.code !== 'ERR_MODULE_NOT_FOUND' && e.code !== 'ERR_UNSUPPORTED_DIR_IMPORT') throw e;
    if (!specifier.startsWith('.')) throw e;
    for (const suffix of ['.js', '/index.js']) {
      try { return await next(specifier + suffix, context); } catch {}
    }
    throw e;
  }
}
`));
