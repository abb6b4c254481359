# Thin wrappers over npm; `make run` and `make test` work on a fresh Debian machine.
.PHONY: setup image run test bench clean

setup:
	@scripts/setup.sh

image: setup
	npm run image

run: setup
	node scripts/asuk.mjs run --timeout 60

test: setup
	npm test

bench: setup
	npm run bench

clean:
	rm -rf build dist out.elf
