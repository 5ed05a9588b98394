# Python's bytes.decode("utf-8", errors="replace") on tricky and random byte strings, for the Java test.
import json, os, random
from encoder import GPT2_DIR
rng = random.Random(7)
fixed = ["e282ac", "e282", "e2", "e282ac41", "c0af", "c1bf", "e080af", "eda080", "edbfbf", "ed9fbf",
         "f4908080", "f48fbfbf", "f5", "ff", "fe", "80", "bf", "c2", "c241", "f09f9880", "f09f98", "f09f",
         "f0", "f08f8080", "e0a080", "e09f80", "f0908080", "efbfbd", "c3a9", "41c3", "c3c3a9", "e2828", ""]
fixed = [h for h in fixed if len(h) % 2 == 0]
cases = [bytes.fromhex(h) for h in fixed]
interesting = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff]
for i in range(300):
    n = rng.randint(1, 12)
    cases.append(bytes(rng.choice(interesting) if rng.random() < 0.8 else rng.randrange(256) for _ in range(n)))
with open(os.path.join(GPT2_DIR, "utf8_replace_cases.jsonl"), "w") as f:
    for b in cases:
        f.write(json.dumps({"hex": b.hex(), "text": b.decode("utf-8", errors="replace")}, ensure_ascii=True) + "\n")
print(len(cases))
