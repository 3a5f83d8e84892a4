#!/usr/bin/env python3
"""PyTorch CPU peer for `kinema-bench diffusion`: the SD-1.5 UNet and VAE architecture with random
weights (made here, never committed), timed with the same shapes as the Swift side.

First run: writes unet.safetensors / vae.safetensors (fp16, diffusers names) and their config.json files
into --dir, which the Swift side then memory-maps. Prints one JSON object of seconds per call and the
peer's peak RSS. Needs torch (the CPU wheel) and diffusers.
"""
import argparse
import json
import os
import resource
import time

import torch
from diffusers import AutoencoderKL, UNet2DConditionModel
from safetensors.torch import save_file

UNET = dict(sample_size=64, in_channels=4, out_channels=4, block_out_channels=(320, 640, 1280, 1280),
            layers_per_block=2, cross_attention_dim=768, attention_head_dim=8,
            down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
            up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"))
VAE = dict(in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(128, 256, 512, 512), layers_per_block=2,
           down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4, sample_size=512)


def save(model, directory, name):
    path = os.path.join(directory, name + ".safetensors")
    if not os.path.exists(path):
        tmp = path + ".tmp"
        save_file({k: v.half().contiguous() for k, v in model.state_dict().items()}, tmp)
        os.replace(tmp, path)
        cfg = {k: v for k, v in dict(model.config).items() if not k.startswith("_")}
        with open(os.path.join(directory, name + ".json"), "w") as f:
            json.dump(cfg, f, default=list)


def timed(fn):
    """Wall and process-CPU seconds of one call."""
    start, cpu = time.perf_counter(), time.process_time()
    with torch.no_grad():
        fn()
    return time.perf_counter() - start, time.process_time() - cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--sizes", default="512,256")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--prepare-only", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.dir, exist_ok=True)
    torch.manual_seed(0)
    unet = UNet2DConditionModel(**UNET).eval()
    vae = AutoencoderKL(**VAE).eval()
    save(unet, args.dir, "unet")
    save(vae, args.dir, "vae")
    if args.prepare_only:
        return
    # Time on the same fp16-rounded values the Swift side reads.
    for m in (unet, vae):
        for p in m.parameters():
            p.data.copy_(p.data.half().float())
    result = {}
    g = torch.Generator().manual_seed(1)
    for size in [int(s) for s in args.sizes.split(",")]:
        lat = size // 8
        sample = torch.randn((2, 4, lat, lat), generator=g)
        ctx = torch.randn((2, 77, 768), generator=g)
        result[f"unet{size}"], result[f"unet{size}_cpu"] = timed(lambda: unet(sample, torch.tensor(500.0), encoder_hidden_states=ctx))
        z = torch.randn((1, 4, lat, lat), generator=g)
        result[f"vae{size}"], result[f"vae{size}_cpu"] = timed(lambda: vae.decode(z))
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["torch"] = torch.__version__
    print(json.dumps(result))


if __name__ == "__main__":
    main()
