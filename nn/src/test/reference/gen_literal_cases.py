# Prints the CASES literals of ByteLevelBpeGpt2Test: each string with the ids encoder.py gives it.
import unicodedata
from encoder import get_encoder

CASES = [
 "Hello world", " Hello world", "Hello  world", "Hello world ", "Hello world   ", "   leading spaces",
 "tab\there\t\tdouble", "line one\nline two\n\nline four\n", " \n \n", "\r\n\r\nwindows", "trailing tab\t",
 "   ", "", "12345 678 9000000 3.14159 1,000,000", "I'm you're we've I'll she'd it's don't",
 "HE'S IT'S I'M WE'RE THEY'VE YOU'LL HE'D DON'T", "the cat's toy", "'s's'tthe''",
 "Wait... what?!?! ---- ***hello*** ((x)) [[y]] {{z}} <<>> !!", "https://example.com/path?q=1&r=two#frag",
 "def f(x):\n    return x**2  # square\n", "emoji: 😀 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 ❤️", "中文字符测试，你好世界！",
 "مرحبا بالعالم", "नमस्ते दुनिया", "Привет, мир! Ёлка", "Café naïve résumé Ångström façade Œuvre",
 "e\u0301 combining accents a\u0308", "Mixed: Hello世界123abc😀!?", "<|endoftext|>", "Hello<|endoftext|>World",
 "\u00a0non-breaking\u00a0space\u2003em space\u3000ideographic", "zero\u200bwidth\u200djoiner\ufeffbom",
 "\x00\x01\x1f control \x7f chars", "Ā ĉ Ġ ġ ł", "١٢٣ ٤٥٦ Ⅻ ½ ²", "a" * 110,
 "        indented code block with eight spaces", "x\u0085y next-line char", "\U0001F600\U0001F600\U0001F600",
 "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕞𝕒𝕥𝕙", " \ufeffx", ",,,,,,,,,,", "\x1c\x1d \x1c x", "a , , ,, ,,, ,,,, b",
]

def jstr(s):
    out = []
    for ch in s:
        o = ord(ch)
        if ch in '\n\r\t"\\':
            out.append({'\n': '\\n', '\r': '\\r', '\t': '\\t', '"': '\\"', '\\': '\\\\'}[ch])
        elif 0x20 <= o < 0x7f or (o >= 0xa0 and unicodedata.category(ch)[0] in 'LNPS'):
            out.append(ch)
        elif o > 0xffff:
            out.append('\\u%04x\\u%04x' % (0xD800 + ((o - 0x10000) >> 10), 0xDC00 + ((o - 0x10000) & 0x3ff)))
        else:
            out.append('\\u%04x' % o)
    return '"' + ''.join(out) + '"'

e = get_encoder()
for c in CASES:
    ids = e.encode(c)
    assert e.decode(ids) == c
    print('            c(%s%s),' % (jstr(c), (",\n              " + ", ".join(map(str, ids))) if ids else ""))
