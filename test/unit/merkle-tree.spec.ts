import { createHash } from 'node:crypto';
import {
  appendLeaves,
  consistencyPathRanges,
  consistencyProof,
  emptyRoot,
  inclusionPathRanges,
  inclusionProof,
  leafHash,
  nodeHash,
  rangeRoot,
  rootFromFrontier,
  rootFromLeaves,
  subtreeDecomposition,
  verifyConsistency,
  verifyInclusion,
  type PerfectSubtree,
  type SubtreeHashSource,
} from '../../src/audit/merkle/merkle-tree';

const hex = (h: string): Buffer => Buffer.from(h, 'hex');
const b64 = (h: string): Buffer => Buffer.from(h, 'base64');

// ---------------------------------------------------------------------------------------------
// Published vectors.
// transparency-dev/merkle, proof/verify_test.go (commit 02194e9afb6c1d95b5381350007963aa70fff472):
// the `leaves`, `roots`, `inclusionProofs` and `consistencyProofs` tables (there `leaf` is 1-based).
// ---------------------------------------------------------------------------------------------
const LEAF_DATA = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(hex);

/** ROOTS[n - 1] = MTH of the first n leaves. */
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(hex);

const INCLUSION_VECTORS: Array<{ index: number; size: number; proof: Buffer[] }> = [
  { index: 0, size: 1, proof: [] },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ].map(hex),
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ].map(hex),
  },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'].map(hex) },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ].map(hex),
  },
];

const CONSISTENCY_VECTORS: Array<{ size1: number; size2: number; proof: Buffer[] }> = [
  { size1: 1, size2: 1, proof: [] },
  {
    size1: 1,
    size2: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ].map(hex),
  },
  {
    size1: 6,
    size2: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ].map(hex),
  },
  {
    size1: 2,
    size2: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ].map(hex),
  },
  {
    size1: 6,
    size2: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ].map(hex),
  },
];

// ---------------------------------------------------------------------------------------------
// Naive reference implementations, written straight from the RFC text and independent of the module.
// ---------------------------------------------------------------------------------------------
const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

function naiveMth(hashes: readonly Buffer[]): Buffer {
  if (hashes.length === 0) return sha256();
  if (hashes.length === 1) return hashes[0];
  let k = 1;
  while (k * 2 < hashes.length) k *= 2;
  return sha256(Buffer.from([1]), naiveMth(hashes.slice(0, k)), naiveMth(hashes.slice(k)));
}

const LEAVES = Array.from({ length: 300 }, (_, i) =>
  sha256(Buffer.from([0]), Buffer.from(`aidtrail entry ${i}`)),
);
const NAIVE_ROOTS = Array.from({ length: LEAVES.length + 1 }, (_, n) => naiveMth(LEAVES.slice(0, n)));
const memos = new WeakMap<readonly Buffer[], Map<string, Buffer>>();

/** Serves only what a database of complete aligned subtrees could serve for a tree of `treeSize`. */
function naiveSource(leaves: readonly Buffer[], treeSize: number): SubtreeHashSource & { reads: number } {
  const source = {
    reads: 0,
    // Not async, so a bad request throws synchronously: rangeRoot must still turn that into a rejection.
    subtreeHash(start: number, size: number): Promise<Buffer> {
      source.reads += 1;
      const powerOfTwo = size >= 1 && (size & (size - 1)) === 0;
      if (!powerOfTwo || start % size !== 0 || start + size > treeSize) {
        throw new Error(`not a complete aligned subtree of a size-${treeSize} tree: (${start}, ${size})`);
      }
      const memo = memos.get(leaves) ?? new Map<string, Buffer>();
      memos.set(leaves, memo);
      const key = `${start}:${size}`;
      let hash = memo.get(key);
      if (hash === undefined) {
        hash = naiveMth(leaves.slice(start, start + size));
        memo.set(key, hash);
      }
      return Promise.resolve(hash);
    },
  };
  return source;
}

/** All positions for small n; edges, the largest split point and a deterministic spread for larger n. */
function sample(n: number, inclusive: boolean): number[] {
  const limit = inclusive ? n : n - 1;
  if (n <= 32) return Array.from({ length: limit + 1 }, (_, i) => i);
  let k = 1;
  while (k * 2 < n) k *= 2;
  const picks = new Set([0, 1, limit - 1, limit, k - 1, k, k + 1]);
  for (let i = 1; i <= 4; i++) picks.add((i * 7919 + n * 31) % (limit + 1));
  return [...picks].filter((q) => q >= 0 && q <= limit).sort((a, b) => a - b);
}

// Tampering is probed on every small tree and on a sixth of the larger ones, to stay within a few seconds.
const tamperCheckedSize = (n: number): boolean => n <= 48 || n % 6 === 1;
const ceilLog2 = (n: number): number => (n <= 1 ? 0 : Math.ceil(Math.log2(n)));
const flipBit = (proof: readonly Buffer[], i: number, mask: number): Buffer[] =>
  proof.map((p, j) => (j === i ? Buffer.from(p.map((b, k) => (k === 0 ? b ^ mask : b))) : p));
const SOME_HASH = hex('abacaba000000000000000000000000000000000000000000060061e00123456');

/** Mirrors corruptInclusionProof in transparency-dev/merkle proof/verify_test.go; every probe must fail. */
function inclusionProbes(index: number, size: number, leaf: Buffer, proof: Buffer[], root: Buffer) {
  const probes: Array<[string, number, number, Buffer, Buffer[], Buffer]> = [
    ['index - 1', index - 1, size, leaf, proof, root],
    ['index + 1', index + 1, size, leaf, proof, root],
    ['index ^ 2', index ^ 2, size, leaf, proof, root],
    ['size * 2', index, size * 2, leaf, proof, root],
    ['size / 2', index, Math.floor(size / 2), leaf, proof, root],
    ['wrong leaf', index, size, SOME_HASH, proof, root],
    ['empty root', index, size, leaf, proof, emptyRoot()],
    ['random root', index, size, leaf, proof, SOME_HASH],
    ['trailing root', index, size, leaf, [...proof, root], root],
    ['preceding root', index, size, leaf, [root, ...proof], root],
    ['trailing empty', index, size, leaf, [...proof, Buffer.alloc(0)], root],
  ];
  proof.forEach((_, i) =>
    probes.push([`flipped proof[${i}]`, index, size, leaf, flipBit(proof, i, 8), root]),
  );
  if (proof.length > 0) probes.push(['truncated', index, size, leaf, proof.slice(0, -1), root]);
  if (proof.length > 1) {
    probes.push(['inserted', index, size, leaf, [proof[0], SOME_HASH, ...proof.slice(1)], root]);
  }
  // Other sizes with the same left/right shape (e.g. index 0 in 3 vs 4 leaves) legitimately accept the same
  // path: the root, not the path, binds the size, and the signed checkpoint binds root and size together.
  return probes.filter(([, i, s]) => i !== index || s !== size);
}

/** Mirrors corruptConsistencyProof in transparency-dev/merkle proof/verify_test.go; every probe must fail. */
function consistencyProbes(size1: number, size2: number, proof: Buffer[], root1: Buffer, root2: Buffer) {
  const probes: Array<[string, number, number, Buffer[], Buffer, Buffer]> = [
    ['size1 - 1', size1 - 1, size2, proof, root1, root2],
    ['size1 + 1', size1 + 1, size2, proof, root1, root2],
    ['size1 ^ 2', size1 ^ 2, size2, proof, root1, root2],
    ['size2 * 2', size1, size2 * 2, proof, root1, root2],
    ['size2 / 2', size1, Math.floor(size2 / 2), proof, root1, root2],
    ['wrong root1', size1, size2, proof, SOME_HASH, root2],
    ['wrong root2', size1, size2, proof, root1, SOME_HASH],
    ['swapped roots', size1, size2, proof, root2, root1],
    ['empty proof', size1, size2, [], root1, root2],
    ['trailing root1', size1, size2, [...proof, root1], root1, root2],
    ['trailing root2', size1, size2, [...proof, root2], root1, root2],
    ['preceding root1', size1, size2, [root1, ...proof], root1, root2],
    ['preceding root2', size1, size2, [root2, ...proof], root1, root2],
    ['preceding proof[0]', size1, size2, [proof[0], ...proof], root1, root2],
    ['truncated', size1, size2, proof.slice(0, -1), root1, root2],
    ['short hash', size1, size2, [...proof.slice(0, -1), proof[proof.length - 1].subarray(1)], root1, root2],
  ];
  proof.forEach((_, i) =>
    probes.push([`flipped proof[${i}]`, size1, size2, flipBit(proof, i, 16), root1, root2]),
  );
  return probes;
}

// ---------------------------------------------------------------------------------------------

describe('hashing (transparency-dev/merkle rfc6962/rfc6962_test.go, TestRFC6962Hasher)', () => {
  it('matches the published RFC 6962 hasher vectors', () => {
    expect(emptyRoot().toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(leafHash(Buffer.alloc(0)).toString('hex')).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    expect(leafHash(Buffer.from('L123456')).toString('hex')).toBe(
      '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56',
    );
    expect(nodeHash(Buffer.from('N123'), Buffer.from('N456')).toString('hex')).toBe(
      'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb',
    );
  });
});

describe('published proofs (transparency-dev/merkle proof/verify_test.go)', () => {
  const leafHashes = LEAF_DATA.map(leafHash);
  const source = (size: number) => naiveSource(leafHashes, size);

  it('computes the roots of trees of size 1..8', () => {
    for (let n = 1; n <= 8; n++) expect(rootFromLeaves(leafHashes.slice(0, n))).toEqual(ROOTS[n - 1]);
  });

  it.each(INCLUSION_VECTORS)(
    'inclusion of leaf $index in a tree of $size',
    async ({ index, size, proof }) => {
      await expect(inclusionProof(index, size, source(size))).resolves.toEqual(proof);
      expect(verifyInclusion(index, size, leafHashes[index], proof, ROOTS[size - 1])).toBe(true);
      for (const [desc, i, s, leaf, p, root] of inclusionProbes(
        index,
        size,
        leafHashes[index],
        proof,
        ROOTS[size - 1],
      )) {
        expect([desc, verifyInclusion(i, s, leaf, p, root)]).toEqual([desc, false]);
      }
    },
  );

  it.each(CONSISTENCY_VECTORS)('consistency from $size1 to $size2', async ({ size1, size2, proof }) => {
    const [root1, root2] = [ROOTS[size1 - 1], ROOTS[size2 - 1]];
    await expect(consistencyProof(size1, size2, source(size2))).resolves.toEqual(proof);
    expect(verifyConsistency(size1, size2, proof, root1, root2)).toBe(true);
    if (proof.length === 0) return;
    for (const [desc, s1, s2, p, r1, r2] of consistencyProbes(size1, size2, proof, root1, root2)) {
      expect([desc, verifyConsistency(s1, s2, p, r1, r2)]).toEqual([desc, false]);
    }
  });

  it('accepts the base64 proof in testdata/consistency/1/happy-path.json', () => {
    expect(
      verifyConsistency(
        1,
        8,
        [
          'lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=',
          'Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=',
          'a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ=',
        ].map(b64),
        b64('bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0='),
        b64('XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg='),
      ),
    ).toBe(true);
  });

  it('handles the trivial cases of TestVerifyConsistency, with roots checked as documented', () => {
    const empty = emptyRoot();
    const [r1, r2] = [ROOTS[0], ROOTS[1]];
    expect(verifyConsistency(0, 0, [], empty, empty)).toBe(true);
    expect(verifyConsistency(0, 1, [], empty, r1)).toBe(true);
    expect(verifyConsistency(1, 1, [], r1, r1)).toBe(true);
    expect(verifyConsistency(1, 1, [], r1, r2)).toBe(false); // roots differ
    expect(verifyConsistency(1, 0, [], r1, empty)).toBe(false); // time travel
    expect(verifyConsistency(2, 1, [], r2, r1)).toBe(false);
    expect(verifyConsistency(1, 2, [], r1, r2)).toBe(false); // empty proof
    expect(verifyConsistency(0, 0, [empty], empty, empty)).toBe(false); // non-empty proof
    expect(verifyConsistency(0, 1, [empty], empty, r1)).toBe(false);
    expect(verifyConsistency(1, 1, [r1], r1, r1)).toBe(false);
    // Deliberately stricter than transparency-dev: the claimed old root of an empty tree must be MTH({}).
    expect(verifyConsistency(0, 1, [], r2, r1)).toBe(false);
  });
});

describe('proof ranges (RFC 6962 section 2.1.3 worked example, the 7-leaf tree)', () => {
  // a..f, j = leaves d0..d6; g = [0,2), h = [2,4), i = [4,6), k = [0,4), l = [4,7).
  const [, b, c, d, , f, j] = [0, 1, 2, 3, 4, 5, 6].map((s) => [s, s + 1]);
  const [g, h, i, k, l] = [
    [0, 2],
    [2, 4],
    [4, 6],
    [0, 4],
    [4, 7],
  ];

  it('gives the audit paths [b,h,l], [c,g,l], [f,j,k], [i,k]', () => {
    expect(inclusionPathRanges(0, 7)).toEqual([b, h, l]);
    expect(inclusionPathRanges(3, 7)).toEqual([c, g, l]);
    expect(inclusionPathRanges(4, 7)).toEqual([f, j, k]);
    expect(inclusionPathRanges(6, 7)).toEqual([i, k]);
  });

  it('gives PROOF(3, D[7]) = [c,d,g,l], PROOF(4, D[7]) = [l], PROOF(6, D[7]) = [i,j,k]', () => {
    expect(consistencyPathRanges(3, 7)).toEqual([c, d, g, l]);
    expect(consistencyPathRanges(4, 7)).toEqual([l]);
    expect(consistencyPathRanges(6, 7)).toEqual([i, j, k]);
    expect(consistencyPathRanges(0, 7)).toEqual([]);
    expect(consistencyPathRanges(7, 7)).toEqual([]);
  });

  it('rejects impossible requests when generating', async () => {
    expect(() => inclusionPathRanges(7, 7)).toThrow(RangeError);
    expect(() => inclusionPathRanges(-1, 7)).toThrow(RangeError);
    expect(() => inclusionPathRanges(0.5, 7)).toThrow(RangeError);
    expect(() => consistencyPathRanges(8, 7)).toThrow(RangeError);
    await expect(inclusionProof(3, 3, naiveSource(LEAVES, 3))).rejects.toThrow(RangeError);
  });

  it('decomposes ranges into maximal aligned subtrees and refuses ranges MTH would split differently', async () => {
    expect(subtreeDecomposition(0, 7)).toEqual([
      { start: 0, size: 4 },
      { start: 4, size: 2 },
      { start: 6, size: 1 },
    ]);
    expect(subtreeDecomposition(96, 107)).toEqual([
      { start: 96, size: 8 },
      { start: 104, size: 2 },
      { start: 106, size: 1 },
    ]);
    expect(() => subtreeDecomposition(1, 4)).toThrow(RangeError); // MTH would pair (1,2), not (2,3)
    expect(() => subtreeDecomposition(2, 8)).toThrow(RangeError);
    const source = naiveSource(LEAVES, 300);
    const perfect = (s: number, size: number) => source.subtreeHash(s, size);
    await expect(rangeRoot(0, 0, perfect)).resolves.toEqual(emptyRoot());
    await expect(rangeRoot(96, 107, perfect)).resolves.toEqual(naiveMth(LEAVES.slice(96, 107)));
    await expect(rangeRoot(0, 300, perfect)).resolves.toEqual(NAIVE_ROOTS[300]);
    await expect(rangeRoot(0, 2, () => Buffer.alloc(31))).rejects.toThrow(/32 bytes/);
  });
});

describe('against a naive recomputation for every tree size 1..300', () => {
  it('rootFromLeaves equals the naive MTH', () => {
    for (let n = 0; n <= LEAVES.length; n++)
      expect(rootFromLeaves(LEAVES.slice(0, n))).toEqual(NAIVE_ROOTS[n]);
  });

  it('inclusion proofs verify, read O(log n) subtrees, and every tampered variant is rejected', async () => {
    for (let n = 1; n <= LEAVES.length; n++) {
      const root = NAIVE_ROOTS[n];
      for (const index of sample(n, false)) {
        const source = naiveSource(LEAVES, n);
        const proof = await inclusionProof(index, n, source);
        expect(proof).toHaveLength(inclusionPathRanges(index, n).length);
        expect(source.reads).toBeLessThanOrEqual(2 * ceilLog2(n));
        if (!verifyInclusion(index, n, LEAVES[index], proof, root)) throw new Error(`rejected ${index}/${n}`);
        if (!tamperCheckedSize(n)) continue;
        for (const [desc, i, s, leaf, p, r] of inclusionProbes(index, n, LEAVES[index], proof, root)) {
          if (verifyInclusion(i, s, leaf, p, r)) throw new Error(`accepted "${desc}" for ${index}/${n}`);
        }
      }
    }
  });

  it('consistency proofs verify, read O(log n) subtrees, and every tampered variant is rejected', async () => {
    for (let n = 1; n <= LEAVES.length; n++) {
      for (const m of sample(n, true)) {
        const source = naiveSource(LEAVES, n);
        const proof = await consistencyProof(m, n, source);
        expect(source.reads).toBeLessThanOrEqual(2 * ceilLog2(n) + 1);
        const [root1, root2] = [NAIVE_ROOTS[m], NAIVE_ROOTS[n]];
        if (!verifyConsistency(m, n, proof, root1, root2)) throw new Error(`rejected ${m} -> ${n}`);
        if (proof.length === 0 || !tamperCheckedSize(n)) continue;
        for (const [desc, s1, s2, p, r1, r2] of consistencyProbes(m, n, proof, root1, root2)) {
          if (verifyConsistency(s1, s2, p, r1, r2)) throw new Error(`accepted "${desc}" for ${m} -> ${n}`);
        }
      }
    }
  });

  it('frontier appends reproduce rootFromLeaves at every size and report every completed subtree', () => {
    let state = appendLeaves(0, [], []);
    const stored = new Map<string, PerfectSubtree>();
    for (let n = 1; n <= LEAVES.length; n++) {
      state = appendLeaves(state.treeSize, state.frontier, [LEAVES[n - 1]]);
      state.completed.forEach((s) => stored.set(`${s.level}:${s.start}`, s));
      expect(state.treeSize).toBe(n);
      expect(state.root).toEqual(NAIVE_ROOTS[n]);
      expect(rootFromFrontier(state.frontier)).toEqual(NAIVE_ROOTS[n]);
    }
    // Exactly the complete aligned subtrees of the final tree, each with its true MTH.
    let expected = 0;
    for (let size = 1; size <= LEAVES.length; size *= 2) expected += Math.floor(LEAVES.length / size);
    expect(stored.size).toBe(expected);
    for (const s of stored.values()) {
      expect(s.size).toBe(2 ** s.level);
      expect(s.start % s.size).toBe(0);
      expect(s.hash).toEqual(naiveMth(LEAVES.slice(s.start, s.start + s.size)));
    }
  });

  it('batched appends from any size give the same frontier as one-by-one appends', () => {
    for (const [from, to] of [
      [0, 300],
      [1, 2],
      [5, 6],
      [7, 8],
      [63, 200],
      [128, 129],
      [255, 300],
    ]) {
      const base = appendLeaves(0, [], LEAVES.slice(0, from));
      const batched = appendLeaves(base.treeSize, base.frontier, LEAVES.slice(from, to));
      expect(batched.root).toEqual(NAIVE_ROOTS[to]);
      expect(batched.frontier).toEqual(appendLeaves(0, [], LEAVES.slice(0, to)).frontier);
    }
  });

  it('rejects a frontier that does not fit the tree size', () => {
    const { frontier } = appendLeaves(0, [], LEAVES.slice(0, 6)); // 6 = 4 + 2: two hashes
    expect(() => appendLeaves(7, frontier, [])).toThrow(RangeError);
    expect(() => appendLeaves(6, [frontier[0]], [])).toThrow(RangeError);
    expect(() => appendLeaves(6, frontier, [Buffer.alloc(3)])).toThrow(RangeError);
  });
});

describe('verification never throws on malformed input', () => {
  const junk: unknown[] = [
    undefined,
    null,
    NaN,
    -1,
    0.5,
    2 ** 53,
    Infinity,
    '3',
    {},
    [],
    Buffer.alloc(31),
    [null],
  ];

  it('returns false for every junk argument in every position', async () => {
    const inclusion = [2, 5, LEAVES[2], await inclusionProof(2, 5, naiveSource(LEAVES, 5)), NAIVE_ROOTS[5]];
    const consistency = [
      3,
      5,
      await consistencyProof(3, 5, naiveSource(LEAVES, 5)),
      NAIVE_ROOTS[3],
      NAIVE_ROOTS[5],
    ];
    expect(verifyInclusion(...(inclusion as Parameters<typeof verifyInclusion>))).toBe(true);
    expect(verifyConsistency(...(consistency as Parameters<typeof verifyConsistency>))).toBe(true);
    for (let position = 0; position < 5; position++) {
      for (const value of junk) {
        const swap = (args: unknown[]) => args.map((arg, i) => (i === position ? value : arg));
        const badInclusion = swap(inclusion) as Parameters<typeof verifyInclusion>;
        const badConsistency = swap(consistency) as Parameters<typeof verifyConsistency>;
        expect(() => verifyInclusion(...badInclusion)).not.toThrow();
        expect(() => verifyConsistency(...badConsistency)).not.toThrow();
        expect(verifyInclusion(...badInclusion)).toBe(false);
        expect(verifyConsistency(...badConsistency)).toBe(false);
      }
    }
  });
});
