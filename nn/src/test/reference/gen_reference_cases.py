# Random reference strings for the Java test, encoded by openai/gpt-2's encoder.py (Python `regex`).
import json, os, random
from encoder import get_encoder, GPT2_DIR
e = get_encoder()
rng = random.Random(20240611)
def rng_range(a, b): return [chr(c) for c in range(a, b + 1)]
pools = {
 "ascii_letters": list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
 "digits": list("0123456789") + rng_range(0x660, 0x669) + rng_range(0xff10, 0xff19) + list("½²Ⅻ"),
 "punct": list("!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'") + list("«»¿¡—–…“”‘’€£¥©®°±×÷"),
 "space": [" "] * 8 + list("\t\n\r\x0b\x0c\x85\xa0\u2000\u2003\u200a\u2028\u2029\u3000\u1680\u202f"),
 "zw": list("\u200b\u200c\u200d\ufeff\u00ad\x1c\x1f\x00\x07\x7f"),
 "latin1": rng_range(0xc0, 0xff) + rng_range(0x100, 0x17f),
 "greek": rng_range(0x391, 0x3a9) + rng_range(0x3b1, 0x3c9),
 "cyrillic": rng_range(0x410, 0x44f),
 "arabic": rng_range(0x627, 0x64a),
 "devanagari": rng_range(0x905, 0x939) + rng_range(0x93e, 0x94d),
 "cjk": rng_range(0x4e00, 0x4fff) + rng_range(0x3041, 0x3096) + rng_range(0xac00, 0xac80),
 "emoji": rng_range(0x1f600, 0x1f64f) + rng_range(0x1f300, 0x1f320) + list("❤☀✨") + ["\u200d", "\ufe0f", "\U0001F3FD"],
 "combining": rng_range(0x300, 0x36f),
 "math": rng_range(0x1d400, 0x1d433),
}
snippets = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'LL", "n't", " the", " of", "http://", "<|endoftext|>", "  ", "\n\n", "    ", "...", "!!", "''", "'"]
names = list(pools)
out = []
for i in range(400):
    n = rng.randint(1, 40)
    weights = [rng.random() for _ in names]
    parts = []
    for _ in range(n):
        if rng.random() < 0.15:
            parts.append(rng.choice(snippets))
        else:
            pool = pools[rng.choices(names, weights)[0]]
            parts.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 6))))
    text = "".join(parts)
    ids = e.encode(text)
    assert e.decode(ids) == text
    out.append({"text": text, "ids": ids})
with open(os.path.join(GPT2_DIR, "reference_cases.jsonl"), "w", encoding="utf-8") as f:
    for o in out:
        f.write(json.dumps(o, ensure_ascii=True) + "\n")
print(len(out), sum(len(o["ids"]) for o in out))
