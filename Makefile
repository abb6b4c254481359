# Thin wrappers over npm; `make run` and `make test` work on a fresh Debian machine.
#   make test        both vitest projects: fast (no QEMU) and qemu (vitest.config.ts)
#   make test-fast   the fast project alone (no QEMU)
#   make check       tsc --noEmit, the AssemblyScript type check, biome lint (CI runs it)
.PHONY: setup image run test test-fast test-qemu check bench clean

setup:
	@scripts/setup.sh

image: setup
	npm run image

run: setup
	node scripts/asuk.mjs run --timeout 60

test: setup
	npm test

test-fast: setup
	npm run test:fast

test-qemu: setup
	npm run test:qemu

check: setup
	npm run check

bench: setup
	npm run bench

clean:
	rm -rf build dist out.elf
