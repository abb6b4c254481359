// fs/ramfs/dir.ts — a ramfs directory's entries: a name -> slot map for
// lookup and a slot array for readdir (the slot index is the readdir
// cookie, stable while other entries come and go; a removed entry leaves an
// empty slot until the directory is empty or mostly holes).

import { RamNode } from "./node";

export class RamEntry {
  name: string;
  node: RamNode;

  constructor(name: string, node: RamNode) {
    this.name = name;
    this.node = node;
  }
}

export class RamDir {
  slots: Array<RamEntry | null> = new Array<RamEntry | null>();
  index: Map<string, i32> = new Map<string, i32>();
  live: i32 = 0;

  /** The node named `name`, or null. */
  find(name: string): RamNode | null {
    if (!this.index.has(name)) return null;
    return changetype<RamEntry>(this.slots[this.index.get(name)]).node;
  }

  /** Adds `name` (caller checked it is absent). */
  add(name: string, node: RamNode): void {
    this.index.set(name, this.slots.length);
    this.slots.push(new RamEntry(name, node));
    this.live++;
  }

  /** Points existing `name` at `node`. */
  replace(name: string, node: RamNode): void {
    changetype<RamEntry>(this.slots[this.index.get(name)]).node = node;
  }

  /** Removes `name` (caller checked it is present). */
  remove(name: string): void {
    let i = this.index.get(name);
    this.index.delete(name);
    this.slots[i] = null;
    this.live--;
    let holes = this.slots.length - this.live;
    if (this.live == 0) this.slots.length = 0;
    else if (holes > 1024 && holes > 4 * this.live) this.compact();
  }

  private compact(): void {
    let out = new Array<RamEntry | null>();
    for (let i = 0; i < this.slots.length; i++) {
      let e = this.slots[i];
      if (e === null) continue;
      this.index.set(e.name, out.length);
      out.push(e);
    }
    this.slots = out;
  }
}
