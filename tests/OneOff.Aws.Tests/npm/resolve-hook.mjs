// dt-sql-parser 4.5.x ships ES modules written for bundlers: extensionless and directory imports
// ("./parser", "./common/basicSQL"), which Node's own ESM resolver refuses. This hook resolves them the
// way a bundler does (file.js, then dir/index.js); registered by sql-gate.mjs before it imports the parser.
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (!specifier.startsWith('.') || !['ERR_UNSUPPORTED_DIR_IMPORT', 'ERR_MODULE_NOT_FOUND'].includes(error.code)) {
      throw error;
    }
    for (const candidate of [`${specifier}.js`, `${specifier}/index.js`]) {
      try {
        return await next(candidate, context);
      } catch {
        // try the next form
      }
    }
    throw error;
  }
}
