#!/usr/bin/env python3
"""Makes Tests/DiffusionTests/Fixtures/tokenizer-reference.json: CLIP token ids for 260 strings from transformers'
slow CLIPTokenizer WITHOUT ftfy (its BasicTokenizer fallback), built from the shipped models/clip-bpe-merges.txt
exactly as DATA.md describes (vocab = byte symbols, byte symbols + </w>, merges joined, the two special tokens).

Pinned reference: PyPI transformers==4.57.6 (the last line with the slow Python tokenizer; 5.x only has the
tokenizers-backed one), no ftfy installed:
    python3 -m venv t && t/bin/pip install transformers==4.57.6 && t/bin/python scripts/diffusion-tokenizer-reference.py
"""
from clip_bpe import vocabulary
import json, os, random, tempfile
import transformers
from transformers import CLIPTokenizer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Tests", "DiffusionTests", "Fixtures", "tokenizer-reference.json")
assert transformers.__version__ == "4.57.6", transformers.__version__
try:
    import ftfy  # noqa: F401
    raise SystemExit("uninstall ftfy: the reference is the tokenizer's no-ftfy path")
except ImportError:
    pass


text = open(os.path.join(ROOT, "models", "clip-bpe-merges.txt"), encoding="utf-8").read()
merges = text.strip().split("\n")[1:49152 - 256 - 2 + 1]
vocab = vocabulary(merges)
d = tempfile.mkdtemp()
json.dump({v: i for i, v in enumerate(vocab)}, open(os.path.join(d, "vocab.json"), "w"))
open(os.path.join(d, "merges.txt"), "w", encoding="utf-8").write(text)
sd1 = CLIPTokenizer(os.path.join(d, "vocab.json"), os.path.join(d, "merges.txt"))
sd2 = CLIPTokenizer(os.path.join(d, "vocab.json"), os.path.join(d, "merges.txt"), pad_token="!")
assert sd1.fix_text is None

fixed = [
    "", " ", "a photo of a cat", "A Photo Of A CAT", "a dragon flying over a castle", "a lighthouse at dawn then a castle at night",
    "photorealistic, 8k, ultra-detailed!!!", "it's a dog's life; we're here, they've gone, I'm fine, you'll see, he'd go",
    "DON'T STOP", "rock'n'roll", "''quoted''", "\"double quoted\"", "price: $1,299.99 (50% off)", "2024-11-30 13:45:07",
    "3.14159265358979", "1st 2nd 3rd 4th", "x^2 + y^2 = r^2", "email@example.com", "https://example.com/a?b=c&d=e#f",
    "C++ and C# and F#", "#hashtag @mention", "tab\tseparated\tvalues", "new\nline\r\nreturn", "  leading and trailing  ",
    "multiple     spaces", "café crème brûlée", "naïve résumé", "Ångström Øresund Æsir", "Straße groß", "İstanbul ıi",
    "ΟΔΥΣΣΕΥΣ", "ΣΊΣΥΦΟΣ και ΣΑΣ", "Москва зимой", "Київ", "東京タワーの夜景", "北京的秋天", "한국어 텍스트", "ภาษาไทย",
    "مرحبا بالعالم", "שלום עולם", "हिन्दी भाषा", "emoji 🐉🏰✨", "👩‍👩‍👧‍👦 family", "flags 🇫🇷🇯🇵", "½ ¼ ¾ ² ³ ⅓",
    "①②③ Ⅻ", "٣٤٥ arabic digits", "full-width ＡＢＣ１２３", "zero\u200bwidth", "soft\u00adhyphen", "non\u00a0breaking",
    "e\u0301 combining", "control\x07bell\x00nul", "replacement \ufffd char", "line\u2028separator", "ideographic\u3000space",
    "<|startoftext|>", "a <|endoftext|> b", "<|endoftext|><|startoftext|>", "<|ENDOFTEXT|>", "<|startoftext", "<>|<|>",
    "--- *** ___ ~~~", "...", "!?!?", "¿qué? ¡sí!", "« guillemets » „quotes“", "a—dash–en", "…ellipsis", "™®©",
    "hello world " * 30, "a, " * 80, "1234567890" * 10, "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "masterpiece, best quality, highly detailed, sharp focus, dramatic lighting, cinematic, trending on artstation, "
    "by greg rutkowski and alphonse mucha, octane render, unreal engine, volumetric fog, god rays, 35mm, f/1.8, bokeh, "
    "golden hour, portrait of an elderly fisherman with a weathered face, wearing a yellow raincoat, standing on a pier",
    "!", "a castle at night!", "a castle at night", "A castle at NIGHT!",
]
rng = random.Random(20261130)
words = ["dragon", "castle", "sunset", "neon", "city", "portrait", "forest", "river", "robot", "cyberpunk", "watercolor",
         "oil", "painting", "4k", "HDR", "O'Brien", "can't", "won't", "we'll", "they're", "x-ray", "e-mail", "U.S.A.",
         "Zürich", "façade", "São", "Paulo", "Ελλάδα", "ΑΣ", "日本", "中文", "😀", "🚀", "♥", "→", "∞", "≥", "π", "€100",
         "12:30", "3/4", "#1", "(test)", "[bracket]", "{brace}", "snake_case", "camelCase", "ALLCAPS", "a.b.c", "l33t"]
seps = [" ", "  ", ", ", "; ", " - ", "\t", "\n", "", "! ", "? "]
gen = []
while len(fixed) + len(gen) < 260:
    n = rng.randint(1, 40)
    gen.append("".join(rng.choice(words) + rng.choice(seps) for _ in range(n)).strip(" "))
strings = fixed + gen
cases = []
for i, s in enumerate(strings):
    c = {"text": s, "ids": sd1(s).input_ids}
    if i < 90 or len(c["ids"]) > 77:
        c["sd1"] = sd1(s, padding="max_length", max_length=77, truncation=True).input_ids
        c["sd2"] = sd2(s, padding="max_length", max_length=77, truncation=True).input_ids
    cases.append(c)
json.dump({"transformers": transformers.__version__, "cases": cases}, open(OUT, "w"), ensure_ascii=False)
print(len(cases), "strings;", sum(len(c["ids"]) > 77 for c in cases), "over 77 tokens")
