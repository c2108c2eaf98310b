/** `:::exercise <id>` markers in a lesson body, with their lines; fenced code blocks are skipped. */
export interface Marker {
  id: string;
  line: number;
}

export function exerciseMarkers(body: string, bodyLine: number): Marker[] {
  const out: Marker[] = [];
  let fence: string | undefined;
  body.split('\n').forEach((line, i) => {
    const f = /^\s*(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (!fence) fence = f[1];
      else if (line.trim().startsWith(fence)) fence = undefined;
      return;
    }
    if (fence) return;
    const m = /^\s*:::\s*exercise\s+(\S+)\s*$/.exec(line);
    if (m) out.push({ id: m[1]!, line: bodyLine + i });
  });
  return out;
}
