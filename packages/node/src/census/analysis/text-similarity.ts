/**
 * Chinese text similarity for the census: character bigrams weighted by TF-IDF, compared by
 * cosine. No segmenter: system names are short, full of domain compounds (网格化, 一体化, 不动产)
 * that general-purpose dictionaries split badly, and bigrams need no dictionary to keep up to
 * date (docs/decisions/0004-census-text-similarity.md).
 */

/** Words every system name carries: they say nothing about what a system does. */
const GENERIC = [
  "信息系统",
  "管理系统",
  "服务系统",
  "业务系统",
  "信息平台",
  "管理平台",
  "服务平台",
  "综合平台",
  "系统",
  "平台",
  "信息化",
  "一体化",
  "综合",
  "智慧",
  "网上",
  "软件",
  "项目",
  "一期",
  "二期",
  "三期",
];

// Han ideographs (CJK Unified Ideographs and Extension A), Latin letters and digits; the rest
// (punctuation, spaces, brackets) separates runs.
const RUN = /[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]+/g;

/** The text's runs after removing generic words and, when given, the owner's name. */
export function normalizeText(text: string, strip: readonly string[] = []): string[] {
  let t = text.normalize("NFKC").slice(0, 4000);
  for (const word of [...strip].filter((s) => s.length >= 2).sort((a, b) => b.length - a.length))
    t = t.split(word).join(" ");
  for (const word of GENERIC) t = t.split(word).join(" ");
  return (t.match(RUN) ?? []).map((r) => r.toLowerCase());
}

/** Character bigrams of each run (a one-character run is its own term). */
export function bigrams(runs: readonly string[]): string[] {
  const out: string[] = [];
  for (const run of runs) {
    const chars = [...run];
    if (chars.length === 1) out.push(chars[0] as string);
    for (let i = 0; i + 1 < chars.length; i++) out.push(`${chars[i]}${chars[i + 1]}`);
  }
  return out;
}

/** A sparse L2-normalized vector. */
export type SparseVector = Map<string, number>;

/** A document: terms with their weight before IDF (e.g. name bigrams count double). */
export type WeightedTerms = Map<string, number>;

export function addTerms(into: WeightedTerms, terms: readonly string[], weight: number): void {
  for (const term of terms) into.set(term, (into.get(term) ?? 0) + weight);
}

/** TF-IDF vectors (smoothed IDF: ln((1 + n) / (1 + df)) + 1), L2-normalized. */
export function tfidf(documents: readonly WeightedTerms[]): SparseVector[] {
  const df = new Map<string, number>();
  for (const doc of documents) for (const term of doc.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const n = documents.length;
  return documents.map((doc) => {
    const vector: SparseVector = new Map();
    let norm = 0;
    for (const [term, tf] of doc) {
      const w = (1 + Math.log(tf)) * (Math.log((1 + n) / (1 + (df.get(term) ?? 0))) + 1);
      vector.set(term, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [term, w] of vector) vector.set(term, w / norm);
    return vector;
  });
}

export function cosine(a: SparseVector, b: SparseVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [term, w] of small) dot += w * (large.get(term) ?? 0);
  return Math.min(1, dot);
}

/**
 * Every pair of vectors whose cosine is at least `threshold`, found through an inverted index
 * (only pairs sharing a term are compared), as [i, j, cosine] with i < j.
 */
export function similarPairs(
  vectors: readonly SparseVector[],
  threshold: number,
): [number, number, number][] {
  const postings = new Map<string, [number, number][]>();
  vectors.forEach((vector, i) => {
    for (const [term, w] of vector) {
      let list = postings.get(term);
      if (!list) {
        list = [];
        postings.set(term, list);
      }
      list.push([i, w]);
    }
  });
  const out: [number, number, number][] = [];
  const dots = new Map<number, number>();
  for (let i = 0; i < vectors.length; i++) {
    dots.clear();
    for (const [term, w] of vectors[i] as SparseVector)
      for (const [j, v] of postings.get(term) ?? [])
        if (j > i) dots.set(j, (dots.get(j) ?? 0) + w * v);
    for (const [j, dot] of dots) if (dot >= threshold) out.push([i, j, Math.min(1, dot)]);
  }
  return out;
}
