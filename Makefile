# Kinema: two entry points that work on a fresh Debian 12 machine as root.
#   make demo  - install system packages, build release, run a real job on the bundled assets
#   make test  - install what is missing, build and run the whole test suite
SHELL := /bin/bash
DEB_PACKAGES := pkg-config libavformat-dev libavcodec-dev libswscale-dev libavutil-dev libswresample-dev libopenblas-dev ffmpeg file git
SWIFT ?= swift
CONSUMER_CONFIG ?= debug

.PHONY: deps demo test build release clean consumer

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel --num-workers 2
	$(MAKE) consumer

# A package that depends on Kinema by version (Examples/KinemaConsumer): clone the committed HEAD into a
# temporary folder, tag it, build the consumer against file://<clone> from: 0.2.0, and run it on real media.
consumer: deps
	@set -e; tmp=$$(mktemp -d /tmp/kinema-consumer.XXXXXX); trap 'rm -rf "$$tmp"' EXIT; \
	git clone -q "$(CURDIR)" "$$tmp/kinema"; \
	git -C "$$tmp/kinema" -c user.name=ci -c user.email=ci@localhost tag -a 0.2.0 -m 0.2.0; \
	cp -R Examples/KinemaConsumer "$$tmp/consumer"; rm -rf "$$tmp/consumer/.build"; \
	start=$$(date +%s); \
	KINEMA_URL="file://$$tmp/kinema" $(SWIFT) build --package-path "$$tmp/consumer" -c $(CONSUMER_CONFIG); \
	echo "consumer: built in $$(( $$(date +%s) - start )) s ($(CONSUMER_CONFIG))"; \
	"$$(KINEMA_URL="file://$$tmp/kinema" $(SWIFT) build --package-path "$$tmp/consumer" -c $(CONSUMER_CONFIG) --show-bin-path)/KinemaConsumer" \
		clips/astronaut.png clips/face.mp4 "$$tmp/restyled.mp4" | tee "$$tmp/out.txt"; \
	grep -q "^faces: 1 " "$$tmp/out.txt"; grep -q "^restyled: 64 frames 256x256" "$$tmp/out.txt"; \
	test -s "$$tmp/restyled.mp4"

demo: release
	@mkdir -p out
	$(SWIFT) run -c release kinema text2video --storyboard Tests/GenerationTests/Fixtures/storyboard-demo.json \
		-o out/text2video.mp4 --preview out/text2video.png
	@echo "demo output: $$(pwd)/out/text2video.mp4 (contact sheet: $$(pwd)/out/text2video.png)"

clean:
	rm -rf .build out
