# meshport: every target works on a fresh clone; the stamp below runs `npm ci` when node_modules
# is missing or older than package-lock.json.
SHELL := /bin/bash
NPX := npx --no-install
STAMP := node_modules/.meshport-installed

.PHONY: setup build check lint typecheck test generate sim bench bench-sim clean debian-test-deps wasm soak fuzz

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

# Long runs (issue 8): the broker-fault test at full size (mosquitto killed every 10 s for 2
# minutes under a 20 packet/s gateway), then the simulator with NODES nodes for HOURS simulated
# hours, heap sampled after a full GC every simulated hour, with the heap and determinism verdicts
# (scripts/soak.ts). The simulator part takes about 6 minutes for 500 x 24 h on an idle core.
NODES ?= 500
HOURS ?= 24
soak: setup debian-test-deps
	SOAK=1 $(NPX) vitest run test/integration/broker-faults.test.ts
	NODES=$(NODES) HOURS=$(HOURS) node --expose-gc --import tsx scripts/soak.ts

# Fuzz (issue 8): every decoder (LoRa frame, protobuf codecs, envelope pipeline, MQTT, JSON downlink,
# scenario validator) on N inputs each, seeded; prints inputs, values vs typed errors, max time per
# input and heap per decoder, then PASS/FAIL (scripts/fuzz.ts). FAMILIES=mqtt,json picks some.
# The vitest suite runs the same targets at 100,000 (test/fuzz/). N=1000000: 55 decoders, about 5 minutes.
N ?= 1000000
SEED ?= 1
FAMILIES ?=
fuzz: setup
	node --expose-gc --import tsx scripts/fuzz.ts $(N) $(SEED) $(FAMILIES)

clean:
	rm -rf node_modules dist coverage
