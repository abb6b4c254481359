// The CLI's host-side behaviour, without booting: Kraftfile parsing, memory
// sizing, volume merging and fstab, and every wrong input as a user meets it
// (spawned `asuk`, one `asuk: ...` line, nonzero exit, no stack trace).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKraftfile, KraftfileError } from '../../tools/kraftfile/index.ts';
import { memoryPlan, mergeVolumes, parseMemory, runFstab, runPorts, tcpListens, wasmListen, UsageError } from '../../tools/cli/index.ts';
import { asuk, freshDir, tmp } from './helpers.ts';

const MiB = 1 << 20;

describe('Kraftfile (spec v0.6 subset)', () => {
  it('reads name, rootfs, volumes (both forms) and cmd, paths relative to its folder', () => {
    const d = freshDir('kf-ok');
    writeFileSync(join(d, 'Kraftfile'), [
      'spec: v0.6', 'name: shell', 'rootfs: ./rootfs', 'unikraft: stable', 'targets:', '  - qemu/x86_64',
      'volumes:', '  - ./html:/nginx/html', '  - source: /srv', '    destination: /data', '    readOnly: true',
      'cmd: ["find", "/"]', '',
    ].join('\n'));
    const k = readKraftfile(join(d, 'Kraftfile'));
    expect(k.name).toBe('shell');
    expect(k.rootfs).toBe(join(d, 'rootfs'));
    expect(k.volumes).toEqual([`${join(d, 'html')}:/nginx/html`, '/srv:/data:ro']);
    expect(k.cmd).toEqual(['find', '/']);
    expect(k.ignored).toEqual(['unikraft', 'targets']);
  });

  it('takes cmd as one string and a Kraftfile with only a name', () => {
    const d = freshDir('kf-str');
    writeFileSync(join(d, 'Kraftfile'), 'name: hello\ncmd: find /; mounts\n');
    expect(readKraftfile(join(d, 'Kraftfile')).cmd.join(' ')).toBe('find /; mounts');
  });

  it.each([
    ['spec: v0.4\n', /spec 'v0.4' is not supported/],
    ['name: [a\n', /not valid YAML: line \d+: /],
    ['volumes: ./a:/b\n', /'volumes' must be a list/],
    ['volumes:\n  - nodest\n', /volumes\[0\] 'nodest': expected SRC:DST/],
    ['volumes:\n  - source: ./a\n', /needs 'source' and 'destination'/],
    ['cmd: {a: 1}\n', /'cmd' must be a string or a list/],
    ['- a\n- b\n', /expected a mapping/],
  ])('rejects %j', (text, msg) => {
    const p = join(freshDir('kf-bad'), 'Kraftfile');
    writeFileSync(p, text);
    expect(() => readKraftfile(p)).toThrow(KraftfileError);
    expect(() => readKraftfile(p)).toThrow(msg);
  });
});

describe('memory', () => {
  it('parses QEMU and kraft sizes', () => {
    expect(parseMemory('128M')).toBe(128 * MiB);
    expect(parseMemory('64Mi')).toBe(64 * MiB);
    expect(parseMemory('1G')).toBe(1024 * MiB);
    expect(parseMemory('256')).toBe(256 * MiB);
    expect(parseMemory('512MB')).toBe(512 * MiB);
    expect(() => parseMemory('12Q')).toThrow(UsageError);
    expect(() => parseMemory('0')).toThrow(/too small/);
  });

  it('sizes automatically from image + initrd and warns with the figure below it', () => {
    const imageEnd = 0x292000; // 2.6 MiB, the shell image
    const auto = memoryPlan({ imageEnd, initrdBytes: 16 * MiB });
    expect(auto.tooSmall).toBeUndefined();
    expect(auto.bytes % (16 * MiB)).toBe(0);
    expect(auto.bytes).toBeGreaterThanOrEqual(imageEnd + 16 * MiB + 32 * MiB);
    expect(memoryPlan({ imageEnd, initrdBytes: 300 * MiB }).bytes).toBeGreaterThan(300 * MiB);
    expect(auto.needed).toBe(20 * MiB); // measured: 19M panics, 20M boots
    const low = memoryPlan({ imageEnd, initrdBytes: 16 * MiB, requested: 19 * MiB });
    expect(low.bytes).toBe(19 * MiB);
    expect(low.tooSmall).toMatch(/-m 19M is below .* initrd \(16 MiB\) need: give at least -m 20M/);
    expect(memoryPlan({ imageEnd, initrdBytes: 16 * MiB, requested: 20 * MiB }).tooSmall).toBeUndefined();
  });
});

describe('volumes and fstab', () => {
  const a = freshDir('vol-a'), b = freshDir('vol-b');
  it('adds -v to the Kraftfile volumes; a flag for the same destination replaces the file one', () => {
    const v = mergeVolumes([`${a}:/x`, `${a}:/y`], [`${b}:/y:ro`, `${b}:/z`]);
    expect(v.map((x) => `${x.src}:${x.dst}:${x.readonly}`)).toEqual([`${a}:/x:false`, `${b}:/y:true`, `${b}:/z:false`]);
  });

  it('puts the root entry first when volumes are given, nothing otherwise', () => {
    const v = mergeVolumes([], [`${a}:/nginx/html`]);
    expect(runFstab(v, { initrd: true, einitrd: false })).toEqual(['initrd0:/:extract::ramfs=1:', 'fs0:/nginx/html:9pfs:::mkmp']);
    expect(runFstab(v, { initrd: false, einitrd: true })).toEqual(['embedded:/:extract::ramfs=1:', 'fs0:/nginx/html:9pfs:::mkmp']);
    expect(runFstab(mergeVolumes([], [`${a}:/`]), { initrd: false, einitrd: false })).toEqual(['fs0:/:9pfs:::mkmp']);
    expect(runFstab([], { initrd: true, einitrd: false })).toEqual([]);
  });

  it('a WASI command\'s -p: one listener per TCP guest port (wasi.tcplisten), none without -p', () => {
    expect(wasmListen(runPorts(['8080:80', '8081:80', '0.0.0.0:9443:443', '5353:53/udp'], false))).toBe('wasi.tcplisten=[ 0.0.0.0:80 0.0.0.0:443 ]');
    expect(wasmListen(runPorts([], false))).toBeUndefined();
    expect(tcpListens(['0.0.0.0:80', '10.0.2.15:8080'])).toEqual(['0.0.0.0:80', '10.0.2.15:8080']);
    for (const bad of ['80', '1.2.3:80', '1.2.3.4:0', '1.2.3.256:80', '1.2.3.4:65536', '1.2.3.4:']) {
      expect(() => tcpListens([bad])).toThrow(`bad --tcplisten '${bad}': expected A.B.C.D:PORT`);
    }
  });
});

/** Asserts a failed run: nonzero, exactly one stderr line `asuk: ...` matching `msg`, no stack. */
function expectOneLine(r: { exitCode?: number; stderr: unknown }, msg: RegExp): void {
  const err = String(r.stderr);
  expect(r.exitCode).not.toBe(0);
  expect(err.trimEnd().split('\n')).toHaveLength(1);
  expect(err).toMatch(/^asuk: /);
  expect(err).toMatch(msg);
  expect(err).not.toMatch(/\n\s+at /);
}

describe('wrong input: one line, nonzero exit', () => {
  const d = freshDir('errs');
  mkdirSync(join(d, 'rootfs'), { recursive: true });
  writeFileSync(join(d, 'Dockerfile'), '# syntax=docker/dockerfile:1\nFROM alpine:3.19\nRUN apk add nginx\n');
  writeFileSync(join(d, 'notes.txt'), 'just text\n');
  writeFileSync(join(d, 'bad.cpio'), '070701' + 'zz'.repeat(60));
  const cases: [string, string[], RegExp, Record<string, string>?][] = [
    ['unknown flag', ['run', '--frobnicate', 'shell'], /unknown option '--frobnicate' \(see 'asuk run --help'\)/],
    ['unknown command', ['frob'], /unknown command 'frob'/],
    ['malformed volume spec', ['run', '-v', 'rootfs', 'shell'], /bad volume 'rootfs': wrong number of fields \(expected SRC:DST\[:ro\]\)/],
    ['relative volume destination', ['run', '-v', './rootfs:data', 'shell'], /destination must be an absolute path/],
    ['unknown volume mode', ['run', '-v', './rootfs:/d:rx', 'shell'], /unknown mode 'rx'/],
    ['missing volume source', ['run', '-v', './nope:/d', 'shell'], /nope is not a directory/],
    ['missing rootfs', ['run', '--rootfs', './nope.cpio', 'shell'], /rootfs \.\/nope\.cpio: no such file or directory/],
    ['rootfs of unknown type', ['run', '--rootfs', 'notes.txt', 'shell'], /notes.txt: unknown type: give a directory, a CPIO/],
    ['malformed CPIO', ['run', '--rootfs', 'bad.cpio', 'shell'], /bad.cpio: a malformed CPIO archive/],
    ['Dockerfile', ['run', '--rootfs', 'Dockerfile', 'shell'], /Dockerfile: building it needs BuildKit, which is not available here.*docker save IMG -o img.tar.*--rootfs img.tar/],
    ['Dockerfile to pkg', ['pkg', '--rootfs', 'Dockerfile', 'shell'], /BuildKit/],
    ['unknown image', ['run', 'nosuch'], /no image 'nosuch': give one of .*shell/],
    ['bad memory', ['run', '-m', 'lots', 'shell'], /bad memory size 'lots'/],
    ['unknown machine', ['run', '--machine', 'q35', 'shell'], /unknown machine 'q35': use pc or microvm/],
    ['unknown accelerator', ['run', '--accel', 'hvf', 'shell'], /unknown accelerator 'hvf' \(--accel\): use tcg or kvm/],
    ['unknown accelerator from the environment', ['run', 'shell'], /unknown accelerator 'xen' \(\$ASUK_ACCEL\)/, { ASUK_ACCEL: 'xen' }],
    ['KVM not usable', ['run', '--accel', 'kvm', 'shell'], /KVM asked for \(--accel\) but \/nonexistent\/kvm is not usable \(ENOENT\): run with --accel tcg/, { ASUK_KVM_DEVICE: '/nonexistent/kvm' }],
    ['QEMU not installed', ['run', 'shell'], /qemu-system-x86_64 not found on PATH: install QEMU/, { PATH: '/nonexistent' }],
    ['rootfs and a volume both at /', ['run', '--rootfs', 'rootfs', '-v', './rootfs:/', 'shell'], /both --rootfs and a volume claim \//],
    ['pkg without rootfs', ['pkg', 'shell'], /nothing to package: give --rootfs PATH/],
    ['-- outside run', ['build', '--', 'x'], /only asuk run takes them/],
    ['missing ELF-like file', ['run', 'notes.txt'], /notes.txt: not an ELF file/],
  ];
  it.each(cases)('%s', async (_name, args, msg, env) => {
    expectOneLine(await asuk(args, { cwd: d, env }), msg);
  });

  it('a broken Kraftfile in the working directory', async () => {
    const k = freshDir('errs-kf');
    writeFileSync(join(k, 'Kraftfile'), 'name: shell\nvolumes:\n  - ./missing:/m\n');
    expectOneLine(await asuk(['run'], { cwd: k }), /Kraftfile: bad volume '.*missing:\/m': .*missing is not a directory/);
    writeFileSync(join(k, 'Kraftfile'), 'name: [shell\n');
    expectOneLine(await asuk(['run'], { cwd: k }), /Kraftfile: not valid YAML/);
  });

  it.each(['run', 'pkg', 'build', 'mkcpio', 'aot'])('asuk %s --help', async (cmd) => {
    const r = await asuk([cmd, '--help'], { cwd: tmp });
    expect(r.exitCode).toBe(0);
    expect(String(r.stdout)).toMatch(new RegExp(`^Usage: asuk ${cmd} `));
    expect(String(r.stdout)).toMatch(/-h, --help/);
  });

  it('asuk --help lists the commands', async () => {
    const r = await asuk(['--help']);
    expect(r.exitCode).toBe(0);
    for (const c of ['run', 'pkg', 'build', 'mkcpio']) expect(String(r.stdout)).toMatch(new RegExp(`\\n  ${c} `));
  });
});

describe('the diagnostics channel (tools/qemu/diag.ts)', () => {
  it('hands on whole lines, however the socket cuts them, and the unterminated rest at close', async () => {
    const { openDiag } = await import('../../tools/qemu/index.ts');
    const { createConnection } = await import('node:net');
    const seen: string[] = [];
    const d = await openDiag((c) => seen.push(c));
    const s = createConnection(d.path);
    await new Promise<void>((r) => s.once('connect', () => r()));
    const pause = () => new Promise((r) => setTimeout(r, 30));
    for (const part of ['boot: st', 'ub 12 us\nmou', 'nt ok\n', 'tail']) { s.write(part); await pause(); }
    s.end();
    expect(await d.close()).toBe('boot: stub 12 us\nmount ok\ntail');
    expect(seen).toEqual(['boot: stub 12 us\n', 'mount ok\n', 'tail']);
  });
});
