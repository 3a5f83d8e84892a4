#!/usr/bin/env python3
"""Reference fixtures for Tests/DiffusionTests (UNet*/VAE* tests): tiny random-weight diffusers
UNet2DConditionModel and AutoencoderKL, run once on the CPU in float32.

Each fixture is one .safetensors file: the network's weights under diffusers names with the prefix
"weights." (stored as F16, and the reference runs on exactly those fp16-rounded values), inputs under
"input.", diffusers' outputs under "output." (F32), and the diffusers config.json in the metadata key
"config". Reproduce with:

    python3 -m venv .venv-nets && .venv-nets/bin/pip install /opt/wheels/torch-2.13.0+cpu-*.whl diffusers==0.42.1 safetensors
    .venv-nets/bin/python scripts/diffusion-nets-fixtures.py Tests/DiffusionTests/Fixtures/nets
"""
import json
import math
import sys

import torch
from diffusers import AutoencoderKL, UNet2DConditionModel
from safetensors.torch import save_file

OUT = sys.argv[1] if len(sys.argv) > 1 else "Tests/DiffusionTests/Fixtures/nets"


def randomize(model, seed):
    """Every parameter random (norm scales near 1), then rounded to fp16 so Swift reads the same values."""
    g = torch.Generator().manual_seed(seed)
    for name, p in model.named_parameters():
        if p.dim() == 1 and ("norm" in name):
            v = (1 + 0.2 * torch.randn(p.shape, generator=g)) if name.endswith("weight") else 0.2 * torch.randn(p.shape, generator=g)
        elif p.dim() == 1:
            v = 0.2 * torch.randn(p.shape, generator=g)
        else:
            fan_in = p[0].numel()
            v = torch.randn(p.shape, generator=g) * (1.3 / math.sqrt(fan_in))
        p.data.copy_(v.half().float())


def config_json(model):
    cfg = {k: v for k, v in dict(model.config).items() if not k.startswith("_")}
    return json.dumps(cfg, default=list)


def save(name, model, inputs, outputs, include_config=True):
    tensors = {"weights." + k: v.detach().half().contiguous() for k, v in model.state_dict().items()}
    tensors.update({"input." + k: v.float().contiguous() for k, v in inputs.items()})
    tensors.update({"output." + k: v.detach().float().contiguous() for k, v in outputs.items()})
    meta = {"config": config_json(model) if include_config else "{}"}
    save_file(tensors, f"{OUT}/{name}.safetensors", metadata=meta)
    print(name, sum(p.numel() for p in model.parameters()), "params",
          {k: tuple(v.shape) for k, v in outputs.items()})


def unet_case(name, seed, sample_hw, seq, **cfg):
    torch.manual_seed(seed)
    model = UNet2DConditionModel(**cfg).eval()
    randomize(model, seed)
    g = torch.Generator().manual_seed(seed + 1)
    sample = torch.randn((2, cfg.get("in_channels", 4), *sample_hw), generator=g)
    ctx = torch.randn((2, seq, cfg["cross_attention_dim"]), generator=g)
    t = 537.0
    with torch.no_grad():
        out = model(sample, torch.tensor(t), encoder_hidden_states=ctx).sample
    save(name, model, {"sample": sample, "encoder_hidden_states": ctx, "timestep": torch.tensor([t])}, {"sample": out})


def vae_case(name, seed, hw, **cfg):
    torch.manual_seed(seed)
    model = AutoencoderKL(**cfg).eval()
    randomize(model, seed)
    g = torch.Generator().manual_seed(seed + 1)
    latents = torch.randn((1, cfg.get("latent_channels", 4), hw[0] // 2 ** (len(cfg["block_out_channels"]) - 1),
                           hw[1] // 2 ** (len(cfg["block_out_channels"]) - 1)), generator=g)
    images = torch.rand((1, 3, *hw), generator=g) * 2 - 1
    with torch.no_grad():
        decoded = model.decode(latents).sample
        dist = model.encode(images).latent_dist
    save(name, model, {"latents": latents, "images": images},
         {"decoded": decoded, "mean": dist.mean, "logvar": dist.logvar})


if __name__ == "__main__":
    torch.set_num_threads(2)
    # SD1-like: conv proj_in/out, attention_head_dim read as 4 heads everywhere, cross width 24.
    unet_case("unet-sd1", 10, (16, 16), 7,
              block_out_channels=(16, 32), layers_per_block=1, norm_num_groups=8, cross_attention_dim=24,
              attention_head_dim=4, down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
              up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"), sample_size=16)
    # SD2-like: linear projections, per-block head counts, two transformer layers in block 1,
    # only_cross_attention in block 0, three resolutions, odd sequence length.
    unet_case("unet-sd2", 20, (16, 12), 5,
              block_out_channels=(8, 16, 24), layers_per_block=(1, 2, 1), norm_num_groups=8,
              cross_attention_dim=20, attention_head_dim=(2, 4, 3), use_linear_projection=True,
              transformer_layers_per_block=(1, 2, 1), only_cross_attention=(True, False, False),
              down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
              up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"), upcast_attention=True,
              sample_size=16)
    # Shapes only (the test infers the config): 32 groups, one 32-wide head per block (the SD2 rule,
    # 64-wide heads, gives max(1, 32/64) = 1).
    unet_case("unet-inferred", 30, (8, 8), 4,
              block_out_channels=(32,), layers_per_block=1, norm_num_groups=32, cross_attention_dim=16,
              attention_head_dim=1, use_linear_projection=True, down_block_types=("CrossAttnDownBlock2D",),
              up_block_types=("CrossAttnUpBlock2D",), sample_size=8)
    # VAE (also read by the shape-inference test, hence 32 groups): encoder and decoder with mid-block
    # attention, a non-square image.
    vae_case("vae", 40, (16, 24), block_out_channels=(32, 32), layers_per_block=1, norm_num_groups=32,
             latent_channels=4, down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2)
