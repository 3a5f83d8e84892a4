#!/usr/bin/env python3
"""Makes Tests/DiffusionTests/Fixtures: tiny random-weight SD1-style and SD2-style pipelines and their references.

Dev tooling only (the Swift tests never run Python). Needs PyPI diffusers==0.42.1, transformers==5.23.0,
safetensors==0.8.0 and the CPU torch wheel on disk (torch 2.13.0+cpu):
    python3 -m venv v && v/bin/pip install /opt/wheels/torch-2.13.0+cpu-*.whl diffusers==0.42.1 transformers==5.23.0 safetensors==0.8.0
    v/bin/python scripts/diffusion-fixtures.py

Each pipeline is built in code (no hub), its weights perturbed and rounded to values exact in F32, F16 and BF16, and saved
  - in diffusers layout (sd1/ as F32, sd2/ as F16), and
  - as one original-layout single-file checkpoint (sd1.safetensors F16 with CLIP under cond_stage_model.transformer,
    sd2.safetensors BF16 with OpenCLIP under cond_stage_model.model, one extra unused last layer, packed in_proj).
The single-file export is checked here against diffusers' own from_single_file loader (same image).
references.safetensors holds token ids, text embeddings, the initial latents and diffusers' output images;
schedulers.json holds a few steps of every supported scheduler with given model outputs and noise.
"""
from clip_bpe import vocabulary
import json, os, shutil, sys
import numpy as np
import torch
from safetensors.torch import load_file, save_file
from diffusers import (AutoencoderKL, UNet2DConditionModel, StableDiffusionPipeline, PNDMScheduler,
                       EulerDiscreteScheduler, EulerAncestralDiscreteScheduler, DDIMScheduler,
                       DPMSolverMultistepScheduler, LCMScheduler)
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Tests", "DiffusionTests", "Fixtures")
BPE = os.path.join(ROOT, "models", "clip-bpe-merges.txt")
MERGES = 500  # the tiny tokenizers keep CLIP's first 500 merges (vocab 1014) so the embedding table stays small


def write_tokenizer(folder, pad):
    lines = open(BPE, encoding="utf-8").read().strip().split("\n")
    merges = lines[1:1 + MERGES]
    vocab = vocabulary(merges)
    os.makedirs(folder, exist_ok=True)
    json.dump({v: i for i, v in enumerate(vocab)}, open(os.path.join(folder, "vocab.json"), "w"), ensure_ascii=False)
    open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8").write("#version: 0.2\n" + "\n".join(merges) + "\n")
    json.dump({"tokenizer_class": "CLIPTokenizer", "model_max_length": 77, "pad_token": pad,
               "bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>"},
              open(os.path.join(folder, "tokenizer_config.json"), "w"))
    return len(vocab)


def randomise(module, g):
    """Perturbs every parameter (norms and zero-initialised ones too, so a misnamed tensor changes the image) and
    rounds it to a value exact in fp16, bf16 and fp32 alike (bf16 precision, nothing below fp16's normal range)."""
    with torch.no_grad():
        for p in module.parameters():
            p.add_(0.05 * torch.randn(p.shape, generator=g))
            q = p.bfloat16().float()
            q[q.abs() < 2.0 ** -14] = 0
            p.copy_(q)


FAMILIES = {
    "sd1": dict(
        unet=dict(sample_size=8, in_channels=4, out_channels=4, layers_per_block=2, block_out_channels=(8, 16),
                  down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
                  cross_attention_dim=16, attention_head_dim=2, norm_num_groups=4),
        vae=dict(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2,
                 block_out_channels=(8, 16), latent_channels=4, norm_num_groups=4, layers_per_block=1, sample_size=16),
        text=dict(hidden_size=16, intermediate_size=32, num_hidden_layers=2, num_attention_heads=2, hidden_act="quick_gelu"),
        pad="<|endoftext|>", dtype=torch.float32, single_dtype=torch.float16, size=16,
        scheduler=dict(cls=PNDMScheduler, beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", num_train_timesteps=1000,
                       skip_prk_steps=True, set_alpha_to_one=False, steps_offset=1, prediction_type="epsilon"),
        steps=4, guidance=7.5),
    "sd2": dict(
        unet=dict(sample_size=8, in_channels=4, out_channels=4, layers_per_block=1, block_out_channels=(16, 32),
                  down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D"), up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
                  cross_attention_dim=24, attention_head_dim=(2, 4), use_linear_projection=True, upcast_attention=True, norm_num_groups=4),
        vae=dict(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 3, up_block_types=("UpDecoderBlock2D",) * 3,
                 block_out_channels=(8, 16, 16), latent_channels=4, norm_num_groups=4, layers_per_block=1, sample_size=32),
        text=dict(hidden_size=24, intermediate_size=48, num_hidden_layers=2, num_attention_heads=3, hidden_act="gelu"),
        pad="!", dtype=torch.float16, single_dtype=torch.bfloat16, size=32,
        scheduler=dict(cls=EulerDiscreteScheduler, beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                       num_train_timesteps=1000, steps_offset=1, timestep_spacing="leading", prediction_type="v_prediction"),
        steps=3, guidance=5.0),
}
PROMPT = "a dragon flying over a castle, 4k!"
NEGATIVE = "blurry"


def build(name, f, seed):
    torch.manual_seed(seed)
    unet = UNet2DConditionModel(**f["unet"]).eval()
    vae = AutoencoderKL(**f["vae"]).eval()
    folder = os.path.join(OUT, name)
    shutil.rmtree(folder, ignore_errors=True)
    vocab = write_tokenizer(os.path.join(folder, "tokenizer"), f["pad"])
    tok = CLIPTokenizer.from_pretrained(os.path.join(folder, "tokenizer"))
    cfg = CLIPTextConfig(vocab_size=vocab, max_position_embeddings=77, projection_dim=f["text"]["hidden_size"],
                         bos_token_id=vocab - 2, eos_token_id=vocab - 1, pad_token_id=tok.pad_token_id, **f["text"])
    text = CLIPTextModel(cfg).eval()
    g = torch.Generator().manual_seed(1000 + seed)
    for m in (unet, vae, text):
        randomise(m, g)
    sc = dict(f["scheduler"]); cls = sc.pop("cls")
    sched = cls(**sc)
    pipe = StableDiffusionPipeline(vae=vae, text_encoder=text, tokenizer=tok, unet=unet, scheduler=sched,
                                   safety_checker=None, feature_extractor=None, requires_safety_checker=False)
    pipe.save_pretrained(folder, safe_serialization=True)
    os.remove(os.path.join(folder, "tokenizer", "tokenizer.json"))  # real SD folders have vocab.json + merges.txt
    if f["dtype"] == torch.float16:  # store the diffusers copy as F16 (values are fp16-exact already), and name the
        for sub in ("unet", "vae", "text_encoder"):  # text encoder's tensors "text_model.*" as transformers 4 saved them
            for fn in os.listdir(os.path.join(folder, sub)):
                if fn.endswith(".safetensors"):
                    p = os.path.join(folder, sub, fn)
                    t = {(("text_model." + k) if sub == "text_encoder" and not k.startswith("text_model.") else k): v.half()
                         for k, v in load_file(p).items()}
                    save_file(t, p)
    return pipe


def original_unet(sd, cfg):
    """diffusers UNet names -> original LDM names (model.diffusion_model.*), for any block count/layers_per_block."""
    L = cfg["layers_per_block"]
    res = [("norm1", "in_layers.0"), ("conv1", "in_layers.2"), ("norm2", "out_layers.0"), ("conv2", "out_layers.3"),
           ("time_emb_proj", "emb_layers.1"), ("conv_shortcut", "skip_connection")]
    fixed = {"time_embedding.linear_1": "time_embed.0", "time_embedding.linear_2": "time_embed.2", "conv_in": "input_blocks.0.0",
             "conv_norm_out": "out.0", "conv_out": "out.2"}
    def resnet(rest):
        head, tail = rest.split(".", 1)
        return dict(res).get(head, head) + "." + tail

    out = {}
    for k, v in sd.items():
        parts = k.split(".")
        nk = None
        for a, b in fixed.items():
            if k.startswith(a + "."):
                nk = b + k[len(a):]
        if parts[0] == "down_blocks":
            i, kind, j, rest = int(parts[1]), parts[2], int(parts[3]), ".".join(parts[4:])
            if kind == "resnets":
                nk = f"input_blocks.{1 + i * (L + 1) + j}.0.{resnet(rest)}"
            elif kind == "attentions":
                nk = f"input_blocks.{1 + i * (L + 1) + j}.1.{rest}"
            else:  # downsamplers.0.conv.*
                nk = f"input_blocks.{1 + i * (L + 1) + L}.0.op.{'.'.join(parts[5:])}"
        elif parts[0] == "up_blocks":
            i, kind, j, rest = int(parts[1]), parts[2], int(parts[3]), ".".join(parts[4:])
            has_attn = "CrossAttn" in cfg["up_block_types"][i]
            if kind == "resnets":
                nk = f"output_blocks.{i * (L + 1) + j}.0.{resnet(rest)}"
            elif kind == "attentions":
                nk = f"output_blocks.{i * (L + 1) + j}.1.{rest}"
            else:  # upsamplers.0.conv.*
                nk = f"output_blocks.{i * (L + 1) + L}.{2 if has_attn else 1}.{rest}"
        elif parts[0] == "mid_block":
            kind, j, rest = parts[1], int(parts[2]), ".".join(parts[3:])
            nk = f"middle_block.{2 * j}.{resnet(rest)}" if kind == "resnets" else f"middle_block.1.{rest}"
        assert nk is not None, k
        out["model.diffusion_model." + nk] = v
    return out


def original_vae(sd, cfg):
    n = len(cfg["block_out_channels"])
    out = {}
    for k, v in sd.items():
        nk = k
        p = k.split(".")
        if p[1] == "down_blocks":
            i = int(p[2])
            nk = f"{p[0]}.down.{i}.block.{p[4]}.{'.'.join(p[5:])}" if p[3] == "resnets" else f"{p[0]}.down.{i}.downsample.{'.'.join(p[5:])}"
        elif p[1] == "up_blocks":
            i = n - 1 - int(p[2])
            nk = f"{p[0]}.up.{i}.block.{p[4]}.{'.'.join(p[5:])}" if p[3] == "resnets" else f"{p[0]}.up.{i}.upsample.{'.'.join(p[5:])}"
        elif p[1] == "mid_block":
            if p[2] == "resnets":
                nk = f"{p[0]}.mid.block_{int(p[3]) + 1}.{'.'.join(p[4:])}"
            else:
                a = {"group_norm": "norm", "to_q": "q", "to_k": "k", "to_v": "v", "to_out": "proj_out"}[p[4]]
                nk = f"{p[0]}.mid.attn_1.{a}.{p[-1]}"
                if p[-1] == "weight" and v.dim() == 2:
                    v = v[:, :, None, None]
        nk = nk.replace("conv_norm_out", "norm_out").replace("conv_shortcut", "nin_shortcut")
        out["first_stage_model." + nk] = v
    return out


def original_text(sd, open_clip, hidden):
    out = {}
    if not open_clip:
        for k, v in sd.items():
            out["cond_stage_model.transformer." + k] = v
        return out
    pre = "cond_stage_model.model."
    layers = 1 + max(int(k.split(".")[3]) for k in sd if k.startswith("text_model.encoder.layers."))
    g = torch.Generator().manual_seed(7)
    for i in range(layers + 1):  # one unused last layer: SD2 takes the penultimate layer's output
        src = lambda n: sd[f"text_model.encoder.layers.{i}.{n}"] if i < layers else torch.randn(sd[f"text_model.encoder.layers.0.{n}"].shape, generator=g).half().float()
        r = f"{pre}transformer.resblocks.{i}."
        out[r + "ln_1.weight"], out[r + "ln_1.bias"] = src("layer_norm1.weight"), src("layer_norm1.bias")
        out[r + "ln_2.weight"], out[r + "ln_2.bias"] = src("layer_norm2.weight"), src("layer_norm2.bias")
        out[r + "attn.in_proj_weight"] = torch.cat([src(f"self_attn.{q}_proj.weight") for q in "qkv"])
        out[r + "attn.in_proj_bias"] = torch.cat([src(f"self_attn.{q}_proj.bias") for q in "qkv"])
        out[r + "attn.out_proj.weight"], out[r + "attn.out_proj.bias"] = src("self_attn.out_proj.weight"), src("self_attn.out_proj.bias")
        out[r + "mlp.c_fc.weight"], out[r + "mlp.c_fc.bias"] = src("mlp.fc1.weight"), src("mlp.fc1.bias")
        out[r + "mlp.c_proj.weight"], out[r + "mlp.c_proj.bias"] = src("mlp.fc2.weight"), src("mlp.fc2.bias")
    out[pre + "token_embedding.weight"] = sd["text_model.embeddings.token_embedding.weight"]
    out[pre + "positional_embedding"] = sd["text_model.embeddings.position_embedding.weight"]
    out[pre + "ln_final.weight"] = sd["text_model.final_layer_norm.weight"]
    out[pre + "ln_final.bias"] = sd["text_model.final_layer_norm.bias"]
    out[pre + "text_projection"] = torch.randn(hidden, hidden, generator=g).half().float()  # unused by SD
    return out


def export_single(pipe, name, f):
    sd = {}
    sd.update(original_unet(pipe.unet.state_dict(), f["unet"]))
    sd.update(original_vae(pipe.vae.state_dict(), f["vae"]))
    # transformers 5 names CLIPTextModel tensors without the "text_model." that real checkpoints (and transformers 4) use.
    text_sd = {(k if k.startswith("text_model.") else "text_model." + k): v
               for k, v in pipe.text_encoder.state_dict().items() if "position_ids" not in k}
    sd.update(original_text(text_sd, name == "sd2", f["text"]["hidden_size"]))
    if name == "sd1":  # real SD 1.x files carry CLIP's position_ids as I64
        sd["cond_stage_model.transformer.text_model.embeddings.position_ids"] = torch.arange(77, dtype=torch.int64)[None]
    sd = {k: (v.to(f["single_dtype"]) if v.is_floating_point() else v).contiguous() for k, v in sd.items()}
    path = os.path.join(OUT, name + ".safetensors")
    save_file(sd, path)
    return path


def run(pipe, f, latents):
    out = pipe(PROMPT, negative_prompt=NEGATIVE, num_inference_steps=f["steps"], guidance_scale=f["guidance"],
               latents=latents.clone(), height=f["size"], width=f["size"], output_type="np")
    return torch.from_numpy(out.images[0]).permute(2, 0, 1).contiguous()


def main():
    os.makedirs(OUT, exist_ok=True)
    refs, meta = {}, {"prompt": PROMPT, "negative": NEGATIVE}
    for seed, (name, f) in enumerate(FAMILIES.items()):
        pipe = build(name, f, seed)
        tok = pipe.tokenizer
        ids = tok([PROMPT, NEGATIVE], padding="max_length", max_length=77, truncation=True, return_tensors="pt").input_ids
        with torch.no_grad():
            emb = pipe.text_encoder(ids)[0]
        g = torch.Generator().manual_seed(100 + seed)
        lat = torch.randn(1, 4, f["size"] // pipe.vae_scale_factor, f["size"] // pipe.vae_scale_factor, generator=g)
        image = run(pipe, f, lat)
        path = export_single(pipe, name, f)
        # Independent check of the export: diffusers' own single-file loader must give the same image.
        single = StableDiffusionPipeline.from_single_file(path, config=os.path.join(OUT, name), local_files_only=True,
                                                          safety_checker=None, requires_safety_checker=False)
        single.scheduler = pipe.scheduler
        again = run(single, f, lat)
        print(name, "single-file max |diff| vs diffusers folder:", float((again - image).abs().max()))
        assert float((again - image).abs().max()) < 1e-3
        refs[f"{name}.ids"] = ids.float()
        refs[f"{name}.embeds"] = emb.float().contiguous()
        refs[f"{name}.latents"] = lat
        refs[f"{name}.image"] = image.float()
        # Per-stage references: one UNet call on the guidance batch at the first timestep, one VAE decode, one encode.
        with torch.no_grad():
            pipe.scheduler.set_timesteps(f["steps"])
            t0 = pipe.scheduler.timesteps[0]
            x = torch.cat([lat, lat]) * pipe.scheduler.init_noise_sigma
            x = pipe.scheduler.scale_model_input(x, t0)
            refs[f"{name}.unet_in"] = x.contiguous()
            refs[f"{name}.unet_t"] = torch.tensor([float(t0)])
            refs[f"{name}.unet_out"] = pipe.unet(x, t0, encoder_hidden_states=emb).sample.contiguous()
            refs[f"{name}.vae_out"] = pipe.vae.decode(lat / pipe.vae.config.scaling_factor).sample.contiguous()
            enc = pipe.vae.encode(image[None] * 2 - 1).latent_dist
            refs[f"{name}.vae_mean"] = enc.mean.contiguous()
            refs[f"{name}.vae_logvar"] = enc.logvar.contiguous()
        meta[name] = {"steps": f["steps"], "guidance": f["guidance"], "size": f["size"], "img2img_strength": 0.5}
        # img2img (library API): diffusers' StableDiffusionImg2ImgPipeline on a smooth gradient image with strength 0.5,
        # its two random draws (the VAE posterior sample's ε and the added noise) replaced by tensors stored here.
        import diffusers.models.autoencoders.vae as vae_mod
        import diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion_img2img as i2i_mod
        from diffusers import StableDiffusionImg2ImgPipeline
        g2 = torch.Generator().manual_seed(300 + seed)
        eps = torch.randn(lat.shape, generator=g2)
        noise2 = torch.randn(lat.shape, generator=g2)
        vae_mod.randn_tensor = lambda *a, **k: eps.clone()
        i2i_mod.randn_tensor = lambda *a, **k: noise2.clone()
        yy, xx = torch.meshgrid(torch.linspace(-1, 1, f["size"]), torch.linspace(-1, 1, f["size"]), indexing="ij")
        init = torch.stack([xx, yy, xx * yy])[None]
        i2i = StableDiffusionImg2ImgPipeline(**pipe.components)
        out = i2i(PROMPT, image=init, strength=0.5, negative_prompt=NEGATIVE, num_inference_steps=f["steps"],
                  guidance_scale=f["guidance"], output_type="np")
        refs[f"{name}.i2i_init"] = init.contiguous()
        refs[f"{name}.i2i_eps"] = eps
        refs[f"{name}.i2i_noise"] = noise2
        refs[f"{name}.i2i_image"] = torch.from_numpy(out.images[0]).permute(2, 0, 1).contiguous()
        save_file({"latents": lat}, os.path.join(OUT, f"{name}-latents.safetensors"))
    save_file(refs, os.path.join(OUT, "references.safetensors"))
    json.dump(meta, open(os.path.join(OUT, "references.json"), "w"), indent=1)


if __name__ == "__main__" and "--schedulers" not in sys.argv:
    main()


SCHED_BASE = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", num_train_timesteps=1000)
SCHEDULERS = [  # (name, class, config overrides, steps, steps recorded)
    ("pndm", PNDMScheduler, dict(skip_prk_steps=True, set_alpha_to_one=False, steps_offset=1), 10, 6),
    ("euler", EulerDiscreteScheduler, dict(steps_offset=1, timestep_spacing="leading"), 10, 3),
    ("euler-v-trailing", EulerDiscreteScheduler, dict(timestep_spacing="trailing", prediction_type="v_prediction"), 4, 3),
    ("euler-a-trailing", EulerAncestralDiscreteScheduler, dict(timestep_spacing="trailing"), 4, 3),
    ("euler-linspace", EulerDiscreteScheduler, dict(timestep_spacing="linspace", beta_schedule="linear", beta_start=0.0001, beta_end=0.02), 5, 2),
    ("ddim", DDIMScheduler, dict(set_alpha_to_one=False, steps_offset=1, clip_sample=False), 10, 3),
    ("ddim-v", DDIMScheduler, dict(set_alpha_to_one=False, steps_offset=1, clip_sample=False, prediction_type="v_prediction",
                                   timestep_spacing="trailing"), 5, 3),
    ("dpmpp-2m-karras", DPMSolverMultistepScheduler, dict(use_karras_sigmas=True, algorithm_type="dpmsolver++", solver_order=2, steps_offset=1), 8, 8),
    ("dpmpp-2m", DPMSolverMultistepScheduler, dict(algorithm_type="dpmsolver++", solver_order=2, steps_offset=1, prediction_type="v_prediction"), 6, 6),
    ("lcm", LCMScheduler, dict(set_alpha_to_one=True, steps_offset=1, original_inference_steps=50), 4, 4),
]


def schedulers():
    """A few steps of each scheduler with given samples, model outputs and (for the ancestral ones) noise."""
    import diffusers.schedulers.scheduling_euler_ancestral_discrete as ea
    import diffusers.schedulers.scheduling_lcm as lcm
    out = []
    for seed, (name, cls, over, steps, record) in enumerate(SCHEDULERS):
        cfg = dict(SCHED_BASE); cfg.update(over)
        s = cls(**cfg)
        s.set_timesteps(steps)
        g = torch.Generator().manual_seed(500 + seed)
        x = torch.randn(1, 2, 2, 2, generator=g) * s.init_noise_sigma
        entry = {"name": name, "class": cls.__name__, "config": cfg, "steps": steps,
                 "timesteps": [float(t) for t in s.timesteps], "init_noise_sigma": float(s.init_noise_sigma), "trace": []}
        for t in s.timesteps[:record]:
            eps = torch.randn(x.shape, generator=g)
            noise = torch.randn(x.shape, generator=g)
            ea.randn_tensor = lcm.randn_tensor = lambda *a, **k: noise.clone()
            scaled = s.scale_model_input(x, t)
            prev = s.step(eps, t, x).prev_sample
            entry["trace"].append({"t": float(t), "sample": x.flatten().tolist(), "scaled": scaled.flatten().tolist(),
                                   "output": eps.flatten().tolist(), "noise": noise.flatten().tolist(),
                                   "prev": prev.flatten().tolist()})
            x = prev
        out.append(entry)
    json.dump(out, open(os.path.join(OUT, "schedulers.json"), "w"))


if __name__ == "__main__":
    schedulers()
