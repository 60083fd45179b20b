/**
 * Builds the console (services/api/web) into memory with esbuild when the API starts: one
 * minified script and one stylesheet, named by content hash so they can be cached forever,
 * and an index.html that names them. Building from source at start means what is served is
 * always what is checked out — no build step between `npm ci` and `npm start`, no CDN.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { errorMessage, vigilError } from '../../../shared/errors.ts';

export const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), '../web');

export interface ConsoleAsset {
  body: Buffer;
  gzip: Buffer;
  type: string;
  etag: string;
}

export interface ConsoleBundle {
  /** index.html; served at `/` with revalidation. */
  index: ConsoleAsset;
  /** By URL path (`/assets/app-<hash>.js`); served as immutable. */
  assets: ReadonlyMap<string, ConsoleAsset>;
  /** Bytes of script and stylesheet, raw and gzipped (the README reports them). */
  size: { js: number; css: number; js_gzip: number; css_gzip: number };
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function asset(body: Buffer, ext: string): ConsoleAsset {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  return { body, gzip: gzipSync(body, { level: 9 }), type: TYPES[ext] ?? 'application/octet-stream', etag };
}

let built: Promise<ConsoleBundle> | undefined;

/** The console, built once per process. */
export function consoleBundle(): Promise<ConsoleBundle> {
  built ??= buildConsole().catch((err: unknown) => {
    built = undefined;
    throw err;
  });
  return built;
}

async function buildConsole(): Promise<ConsoleBundle> {
  let result;
  try {
    result = await build({
      entryPoints: { app: join(WEB_DIR, 'main.ts') },
      bundle: true,
      minify: true,
      format: 'esm',
      target: 'es2022',
      write: false,
      outdir: '/assets',
      entryNames: '[name]-[hash]',
      legalComments: 'none',
      logLevel: 'silent',
    });
  } catch (err) {
    throw vigilError('VGL_ERR_API_CONSOLE_BUILD', [WEB_DIR, errorMessage(err)], { cause: err });
  }
  const assets = new Map<string, ConsoleAsset>();
  let js = '';
  let css = '';
  for (const file of result.outputFiles) {
    const ext = file.path.slice(file.path.lastIndexOf('.'));
    assets.set(file.path, asset(Buffer.from(file.contents), ext));
    if (ext === '.js') js = file.path;
    if (ext === '.css') css = file.path;
  }
  const icon = readFileSync(join(WEB_DIR, 'icon.svg'));
  const iconPath = `/assets/icon-${createHash('sha256').update(icon).digest('hex').slice(0, 8)}.svg`;
  assets.set(iconPath, asset(icon, '.svg'));
  const html = readFileSync(join(WEB_DIR, 'index.html'), 'utf8')
    .replace('{{app.js}}', js)
    .replace('{{app.css}}', css)
    .replace('{{icon}}', iconPath);
  const a = (p: string): ConsoleAsset => assets.get(p)!;
  return {
    index: asset(Buffer.from(html), '.html'),
    assets,
    size: {
      js: a(js).body.length,
      css: a(css).body.length,
      js_gzip: a(js).gzip.length,
      css_gzip: a(css).gzip.length,
    },
  };
}
