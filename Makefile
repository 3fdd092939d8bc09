# meshport: every target works on a fresh clone; the stamp below runs `npm ci` when node_modules
# is missing or older than package-lock.json.
SHELL := /bin/bash
NPX := npx --no-install
STAMP := node_modules/.meshport-installed

.PHONY: setup build check lint typecheck test generate sim bench bench-sim clean debian-test-deps wasm

setup: $(STAMP)

$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $(STAMP)

typecheck: setup
	$(NPX) tsc -p tsconfig.json

lint: setup
	$(NPX) eslint .

check: typecheck lint

# Type-checks, lints and emits dist/ (the JavaScript the exports map points at). bin/meshport needs
# no build: it loads the TypeScript sources through tsx.
build: check
	$(NPX) tsc -p tsconfig.build.json

generate: setup
	$(NPX) buf generate
	$(NPX) tsx scripts/gen-wire-codecs.ts

# AssemblyScript build of the portable hot paths (AES, CTR, envelope pipeline) into the committed
# wasm/gen/meshport-wasm.ts; test/wasm/wasm-drift.test.ts fails when it is stale.
wasm: setup
	node scripts/build-wasm.mjs

# Debian packages the integration tests use (mosquitto); installed when we are root with apt-get.
debian-test-deps:
	@bash scripts/ensure-debian-packages.sh

# Vitest prints its totals; VITEST_ARGS passes extra options (CI adds a JSON report).
test: check debian-test-deps
	$(NPX) vitest run $(VITEST_ARGS)

# The main job: two LoRa islands bridged by MQTT gateways through the embedded broker.
# SCENARIO=... and SIM_ARGS=... choose another scenario or options (see meshport sim --help).
SCENARIO ?= sim/scenarios/two-meshes.json
sim: setup
	./bin/meshport sim $(SCENARIO) --out sim-out $(SIM_ARGS)

bench: setup
	./bin/meshport bench

# Simulator scale: the Meshtasticator reference layout at 10, 100 and 1,000 nodes, 30 simulated
# minutes each (SIZES="10 100 1000 10000" for the largest; it takes minutes).
SIZES ?= 10 100 1000
bench-sim: setup
	@for n in $(SIZES); do $(NPX) tsx bench/sim-scale.ts $$n 30 44; done

clean:
	rm -rf node_modules dist coverage
