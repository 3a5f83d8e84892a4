#!/usr/bin/env python3
"""Builds a Stable Diffusion 1.5-ARCHITECTURE diffusers pipeline folder with random fp16 weights, for measuring
Kinema's seconds per step and peak memory at real size (never committed: about 2 GB; no hub, no real weights).

    v/bin/python scripts/diffusion-random-sd15.py /tmp/sd15-random
    /usr/bin/time -v .build/release/kinema text2image "a castle" --weights /tmp/sd15-random -o /tmp/c.png --steps 2

Configs are SD 1.5's (UNet 320/640/1280/1280, 8 heads, CLIP ViT-L/14 text encoder with quick-GELU, VAE 128..512,
PNDM with SD's scaled-linear betas); the tokenizer is built from the shipped models/clip-bpe-merges.txt.
Needs diffusers==0.42.1, transformers==5.23.0 and the CPU torch wheel.
"""
import json, os, sys
from clip_bpe import vocabulary
import torch
from diffusers import AutoencoderKL, UNet2DConditionModel, PNDMScheduler
from transformers import CLIPTextConfig, CLIPTextModel

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
out = sys.argv[1]
torch.manual_seed(0)
unet = UNet2DConditionModel(sample_size=64, cross_attention_dim=768, attention_head_dim=8)
vae = AutoencoderKL(block_out_channels=(128, 256, 512, 512), layers_per_block=2, latent_channels=4, sample_size=512,
                    down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4)
text = CLIPTextModel(CLIPTextConfig(vocab_size=49408, hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
                                    num_attention_heads=12, max_position_embeddings=77, hidden_act="quick_gelu", projection_dim=768))
sched = PNDMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", skip_prk_steps=True,
                      set_alpha_to_one=False, steps_offset=1)
for sub, m in (("unet", unet), ("vae", vae), ("text_encoder", text)):
    m.to(torch.float16).save_pretrained(os.path.join(out, sub), safe_serialization=True)
sched.save_pretrained(os.path.join(out, "scheduler"))
tok = os.path.join(out, "tokenizer")
os.makedirs(tok, exist_ok=True)
text_bpe = open(os.path.join(ROOT, "models", "clip-bpe-merges.txt"), encoding="utf-8").read()
vocab = vocabulary(text_bpe.strip().split("\n")[1:])
json.dump({v: i for i, v in enumerate(vocab)}, open(os.path.join(tok, "vocab.json"), "w"))
open(os.path.join(tok, "merges.txt"), "w", encoding="utf-8").write(text_bpe)
json.dump({"pad_token": "<|endoftext|>", "model_max_length": 77}, open(os.path.join(tok, "tokenizer_config.json"), "w"))
json.dump({"_class_name": "StableDiffusionPipeline", "_diffusers_version": "0.42.1"}, open(os.path.join(out, "model_index.json"), "w"))
print("wrote", out)
