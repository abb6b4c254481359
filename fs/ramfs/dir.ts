// fs/ramfs/dir.ts — a ramfs directory's entries.
//
// Entries live in slots (the slot index is the readdir cookie, stable while
// other entries come and go; a removed entry leaves an empty slot until the
// directory is empty or mostly holes). A slot holds the name (stored once,
// as the string the entry was created with), the node and the name's hash.
// Lookup is an open-addressing table of slot numbers keyed by that hash,
// and compares a path component in place (no substring per lookup).
//
// Why chunks: the incremental GC's write barrier re-grays a whole array when
// a new object is stored into it while it is being marked; with one array
// of 10,000 names every create would re-scan all of them. Names and nodes
// are kept in chunks of CHUNK slots, so a store re-scans one chunk; the
// hashes and the table hold no references and are never scanned.


const CHUNK_BITS: i32 = 6;
const CHUNK: i32 = 1 << CHUNK_BITS;
const TABLE_MIN: i32 = 16;
/** Table values: 0 never used, TOMB a removed entry, else slot + 1. */
const TOMB: i32 = -1;

/** FNV-1a over the UTF-16 code units of s[i, j). */
function hashRange(s: string, i: i32, j: i32): u32 {
  let h: u32 = 0x811c9dc5;
  let p = changetype<usize>(s);
  for (let k = i; k < j; k++) {
    h = (h ^ <u32>load<u16>(p + (<usize>k << 1))) * 0x01000193;
  }
  return h;
}

/** A directory's entries; `N` is the node type (node.ts uses RamDir<RamNode>: no import back). */
export class RamDir<N> {
  private names: Array<StaticArray<string | null>> = new Array<StaticArray<string | null>>();
  private nodes: Array<StaticArray<N | null>> = new Array<StaticArray<N | null>>();
  private hashes: StaticArray<u32> = new StaticArray<u32>(CHUNK);
  private table: StaticArray<i32> = new StaticArray<i32>(TABLE_MIN);
  /** Table cells in use (entries and tombstones). */
  private filled: i32 = 0;
  /** Slots handed out so far (live entries and holes). */
  count: i32 = 0;
  /** Live entries. */
  live: i32 = 0;

  /** The name in slot `s` (null: a hole). Caller checks s < count. */
  @inline nameAt(s: i32): string | null {
    return unchecked(unchecked(this.names[s >> CHUNK_BITS])[s & (CHUNK - 1)]);
  }

  /** The node in slot `s` (null: a hole). Caller checks s < count. */
  @inline nodeAt(s: i32): N | null {
    return unchecked(unchecked(this.nodes[s >> CHUNK_BITS])[s & (CHUNK - 1)]);
  }

  /** The slot of the entry named path[i, j), or -1. */
  slotOf(path: string, i: i32, j: i32): i32 {
    let h = hashRange(path, i, j);
    let t = this.table;
    let mask = t.length - 1;
    let len = j - i;
    let at = <i32>h & mask;
    while (true) {
      let v = unchecked(t[at]);
      if (v == 0) return -1;
      if (v > 0) {
        let s = v - 1;
        if (unchecked(this.hashes[s]) == h) {
          let n = changetype<string>(this.nameAt(s));
          if (n.length == len && memory.compare(changetype<usize>(n), changetype<usize>(path) + (<usize>i << 1), <usize>len << 1) == 0) return s;
        }
      }
      at = (at + 1) & mask;
    }
  }

  /** The node named path[i, j), or null. */
  findIn(path: string, i: i32, j: i32): N | null {
    let s = this.slotOf(path, i, j);
    return s < 0 ? null : this.nodeAt(s);
  }

  /** The node named `name`, or null. */
  find(name: string): N | null {
    return this.findIn(name, 0, name.length);
  }

  /** Adds `name` (caller checked it is absent). */
  add(name: string, node: N): void {
    let s = this.count;
    if ((s & (CHUNK - 1)) == 0) {
      this.names.push(new StaticArray<string | null>(CHUNK));
      this.nodes.push(new StaticArray<N | null>(CHUNK));
      if (s + CHUNK > this.hashes.length) this.growHashes(s + CHUNK);
    }
    unchecked(this.names[s >> CHUNK_BITS])[s & (CHUNK - 1)] = name;
    unchecked(this.nodes[s >> CHUNK_BITS])[s & (CHUNK - 1)] = node;
    let h = hashRange(name, 0, name.length);
    unchecked(this.hashes[s] = h);
    this.count = s + 1;
    this.live++;
    if ((this.filled + 1) * 4 > this.table.length * 3) this.rehash();
    else this.insert(h, s);
  }

  /** Points existing `name` at `node`. */
  replace(name: string, node: N): void {
    let s = this.slotOf(name, 0, name.length);
    unchecked(this.nodes[s >> CHUNK_BITS])[s & (CHUNK - 1)] = node;
  }

  /** Removes `name` (caller checked it is present). */
  remove(name: string): void {
    this.removeAt(this.slotOf(name, 0, name.length));
  }

  /** Removes the entry in slot `s` (a live slot from slotOf). */
  removeAt(s: i32): void {
    let h = unchecked(this.hashes[s]);
    let t = this.table;
    let mask = t.length - 1;
    let at = <i32>h & mask;
    while (unchecked(t[at]) != s + 1) at = (at + 1) & mask;
    unchecked(t[at] = TOMB);
    unchecked(this.names[s >> CHUNK_BITS])[s & (CHUNK - 1)] = null;
    unchecked(this.nodes[s >> CHUNK_BITS])[s & (CHUNK - 1)] = null;
    this.live--;
    let holes = this.count - this.live;
    if (this.live == 0) this.clear();
    else if (holes > 1024 && holes > 4 * this.live) this.compact();
  }

  /** Puts slot `s` with hash `h` in the table (there is room). */
  private insert(h: u32, s: i32): void {
    let t = this.table;
    let mask = t.length - 1;
    let at = <i32>h & mask;
    while (unchecked(t[at]) > 0) at = (at + 1) & mask;
    if (unchecked(t[at]) == 0) this.filled++;
    unchecked(t[at] = s + 1);
  }

  /** Rebuilds the table for the live slots (drops tombstones; grows it to keep load <= 1/2). */
  private rehash(): void {
    let cap = TABLE_MIN;
    while (cap < (this.live + 1) * 2) cap <<= 1;
    this.table = new StaticArray<i32>(cap);
    this.filled = 0;
    for (let s = 0; s < this.count; s++) {
      if (this.nameAt(s) !== null) this.insert(unchecked(this.hashes[s]), s);
    }
  }

  private growHashes(need: i32): void {
    let cap = this.hashes.length << 1;
    if (cap < need) cap = need;
    let h = new StaticArray<u32>(cap);
    memory.copy(changetype<usize>(h), changetype<usize>(this.hashes), <usize>this.count << 2);
    this.hashes = h;
  }

  /** Forgets every slot (the directory is empty). */
  private clear(): void {
    this.names.length = 0;
    this.nodes.length = 0;
    this.count = 0;
    this.table = new StaticArray<i32>(TABLE_MIN);
    this.filled = 0;
  }

  /** Moves the live entries down to slots 0 .. live-1 (readdir cookies change). */
  private compact(): void {
    let names = this.names;
    let nodes = this.nodes;
    let n = this.count;
    this.names = new Array<StaticArray<string | null>>();
    this.nodes = new Array<StaticArray<N | null>>();
    this.hashes = new StaticArray<u32>(CHUNK);
    this.count = 0;
    this.live = 0;
    this.table = new StaticArray<i32>(TABLE_MIN);
    this.filled = 0;
    for (let s = 0; s < n; s++) {
      let name = unchecked(unchecked(names[s >> CHUNK_BITS])[s & (CHUNK - 1)]);
      if (name === null) continue;
      this.add(name, changetype<N>(unchecked(unchecked(nodes[s >> CHUNK_BITS])[s & (CHUNK - 1)])));
    }
  }
}
