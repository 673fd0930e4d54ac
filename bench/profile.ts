import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Where a V8 CPU profile (node --cpu-prof) spent its time: self time by package (node_modules), by
 * file of the service's own code, by Node internals and by V8 (GC, program), idle left out.
 */
export function summariseProfiles(directory: string, top = 20): string {
  const files = readdirSync(directory).filter((file) => file.endsWith('.cpuprofile'));
  if (files.length === 0) return `no .cpuprofile in ${directory}`;
  const byGroup = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(directory, file), 'utf8')) as CpuProfile;
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    profile.samples.forEach((id, index) => {
      const frame = nodes.get(id)!.callFrame;
      const us = profile.timeDeltas[index] ?? 0;
      if (frame.functionName === '(idle)') return;
      busy += us;
      const group = groupOf(frame.url, frame.functionName);
      byGroup.set(group, (byGroup.get(group) ?? 0) + us);
      const fn = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    });
  }
  const lines = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([name, us]) =>
          `  ${(us / 1000).toFixed(0).padStart(7)} ms  ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${name}`,
      )
      .join('\n');
  return [
    `service CPU profile (${files.join(', ')}), ${(busy / 1000).toFixed(0)} ms busy (idle left out)`,
    'self time by component:',
    lines(byGroup),
    'self time by function:',
    lines(byFunction),
  ].join('\n');
}

function groupOf(url: string, functionName: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [first, second] = url.slice(modules + '/node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  if (url.startsWith('node:')) return url;
  const src = url.lastIndexOf('/src/');
  if (src >= 0) return `aidtrail ${url.slice(src + 1)}`;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  return url;
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  const src = url.lastIndexOf('/src/');
  return src >= 0 ? url.slice(src + 1) : url;
}
