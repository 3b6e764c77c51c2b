// Gem::Version#<=> in TypeScript: segments are runs of digits or letters; trailing zeros of the release and
// of the prerelease part do not count; a letter segment sorts before a number. Numbers of any length
// compare exactly (as strings). Spec: rubygems/version.rb.

type Segment = { n: string } | { s: string };

function canonicalSegments(version: string): Segment[] {
  const raw = (version.match(/[0-9]+|[a-z]+/gi) ?? []).map((part): Segment => (/^\d/.test(part) ? { n: part.replace(/^0+(?=\d)/, "") } : { s: part }));
  const firstString = raw.findIndex((s) => "s" in s);
  const release = firstString < 0 ? raw : raw.slice(0, firstString);
  const pre = firstString < 0 ? [] : raw.slice(firstString);
  const trim = (list: Segment[]) => {
    const out = [...list];
    while (out.length > 0) {
      const last = out[out.length - 1]!;
      if (!("n" in last) || last.n !== "0") break;
      out.pop();
    }
    return out;
  };
  return [...trim(release), ...trim(pre)];
}

const compareNumbers = (a: string, b: string) => (a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0);

export function compareGemVersions(a: string, b: string): number {
  if (a === b) return 0;
  const left = canonicalSegments(a);
  const right = canonicalSegments(b);
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const l = left[i] ?? { n: "0" };
    const r = right[i] ?? { n: "0" };
    if ("n" in l && "n" in r) {
      const c = compareNumbers(l.n, r.n);
      if (c !== 0) return Math.sign(c);
    } else if ("s" in l && "s" in r) {
      if (l.s !== r.s) return l.s < r.s ? -1 : 1;
    } else {
      return "s" in l ? -1 : 1;
    }
  }
  return 0;
}
