import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const packagesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/**
 * The imports that survive compilation: each file transpiled with the project's own
 * verbatimModuleSyntax, so `import type` and type-only specifiers drop out exactly as
 * they do in dist/. Relative specifiers are resolved to the .ts file they name.
 */
function runtimeImports(file: string): string[] {
  const out = ts.transpileModule(readFileSync(file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    fileName: file,
  }).outputText;
  return relativeTargets(file, ts.preProcessFile(out, true, true).importedFiles.map((f) => f.fileName));
}

/** Every import, `import type` included: the graph of who knows whom. */
function allImports(file: string): string[] {
  return relativeTargets(file, ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName));
}

function relativeTargets(file: string, specs: string[]): string[] {
  return specs.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

const files = readdirSync(packagesDir).flatMap((pkg) => {
  try {
    return sources(join(packagesDir, pkg, 'src'));
  } catch {
    return [];
  }
});
const graph = new Map(files.map((f) => [f, runtimeImports(f)]));
const typeGraph = new Map(files.map((f) => [f, allImports(f)]));
const rel = (f: string) => relative(packagesDir, f);

function cyclesOf(g: Map<string, string[]>): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    path.push(f);
    for (const to of g.get(f) ?? []) {
      if (state.get(to) === 'open') cycles.push([...path.slice(path.indexOf(to)), to].map(rel).join(' -> '));
      else if (!state.has(to)) visit(to);
    }
    path.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return cycles;
}

describe('the runtime import graph of packages/*/src', () => {
  it('reads every package', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(new Set(files.map((f) => rel(f).split('/')[0]))).toEqual(new Set(['agent', 'coordinator', 'hactl', 'shared']));
  });

  it('has no cycles (a cycle means the order of module evaluation decides what is undefined)', () => {
    expect(cyclesOf(graph)).toEqual([]);
  });

  it('has no cycles even counting `import type` (no part knows the whole that owns it: compose.ts wires them)', () => {
    expect(cyclesOf(typeGraph)).toEqual([]);
  });

  it('reaches another package only through its public entry (@whmcs-ha/NAME), never by a relative path into its src', () => {
    const crossing = [...graph].flatMap(([f, tos]) => {
      const pkg = rel(f).split('/')[0];
      return tos.filter((to) => rel(to).split('/')[0] !== pkg).map((to) => `${rel(f)} -> ${rel(to)}`);
    });
    expect(crossing).toEqual([]);
  });

  it('resolves every relative import to a file that exists (the check itself sees real edges)', () => {
    const missing = [...typeGraph].flatMap(([f, tos]) => tos.filter((to) => !typeGraph.has(to)).map((to) => `${rel(f)} -> ${rel(to)}`));
    expect(missing).toEqual([]);
    const edges = (g: Map<string, string[]>) => [...g.values()].reduce((n, tos) => n + tos.length, 0);
    expect(edges(graph)).toBeGreaterThan(100);
    // type-only imports really are left out of the runtime graph
    expect(edges(typeGraph)).toBeGreaterThan(edges(graph));
  });
});
