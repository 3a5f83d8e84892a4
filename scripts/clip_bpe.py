"""CLIP's byte-level BPE vocabulary built from a merges file, as CLIP builds it (shared by the diffusion scripts)."""


def bytes_to_unicode():
    """GPT-2's reversible byte -> printable character table, in CLIP's vocabulary order."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b); cs.append(256 + n); n += 1
    return [chr(c) for c in cs]


def vocabulary(merges):
    """Byte symbols, the same with </w>, each merge joined, then the two special tokens."""
    syms = bytes_to_unicode()
    return syms + [s + "</w>" for s in syms] + ["".join(m.split()) for m in merges] + ["<|startoftext|>", "<|endoftext|>"]
