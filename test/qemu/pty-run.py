# test/qemu/pty-run.py — runs a command on a fresh pseudo-terminal as its
# controlling terminal, the way a user's shell would, and reports as JSON:
# the terminal settings before and after, the bytes it wrote, its exit status.
# With --interrupt-after S it types Ctrl-C (0x03, the terminal turns it into
# SIGINT) S seconds after the first output byte (or after S*4 s without any).
# Used by console.test.ts (node has no pty module here; `script` would add
# its own terminal handling).
import json, os, select, subprocess, sys, termios, time, fcntl

def main():
    args = sys.argv[1:]
    interrupt = None
    if args[:1] == ['--interrupt-after']:
        interrupt = float(args[1]); args = args[2:]
    master, slave = os.openpty()
    before = termios.tcgetattr(slave)
    def child_setup():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    p = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, preexec_fn=child_setup, close_fds=True)
    out = b''
    start = time.time(); first = None; sent = False
    while True:
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                chunk = b''
            if chunk:
                out += chunk
                if first is None: first = time.time()
        if interrupt is not None and not sent:
            ref = first if first is not None else start
            wait = interrupt if first is not None else interrupt * 4
            if time.time() - ref >= wait:
                os.write(master, b'\x03'); sent = True
        if p.poll() is not None and not r:
            break
        if time.time() - start > 120:
            p.kill(); break
    after = termios.tcgetattr(slave)
    os.close(slave); os.close(master)
    enc = lambda t: [t[0], t[1], t[2], t[3], t[4], t[5], [c.hex() if isinstance(c, bytes) else c for c in t[6]]]
    print(json.dumps({'status': p.returncode, 'before': enc(before), 'after': enc(after),
                      'output': out.decode('latin1'), 'interrupted': sent}))

main()
