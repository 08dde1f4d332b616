#!/usr/bin/env python3
"""Writes the golden cases of verify/testdata: <case>.txt and <case>.out.

The expected outputs come from this independent oracle (Python integers,
Fraction-free floor division, sorting by UTF-16 code units), not from the Go
code under test. Run it from this directory; the files are committed, so the
tests never need Python.
"""
import random

def floordiv(a, b):
    return a // b  # Python's // is floor division

def tenths(v):
    s = '-' if v < 0 else ''
    v = abs(v)
    return f"{s}{v // 10}.{v % 10}"

def expected(data: bytes) -> bytes:
    stats = {}
    for line in data.split(b'\n'):
        if not line:
            continue
        name, val = line.split(b';')
        neg = val.startswith(b'-')
        t = int(val.replace(b'-', b'').replace(b'.', b''))
        t = -t if neg else t
        s = stats.setdefault(name.decode('utf-8'), [t, t, 0, 0])
        s[0] = min(s[0], t); s[1] = max(s[1], t); s[2] += t; s[3] += 1
    names = sorted(stats, key=lambda n: n.encode('utf-16-be'))
    parts = []
    for n in names:
        mn, mx, sm, c = stats[n]
        mean = floordiv(2 * sm + c, 2 * c)
        parts.append(f"{n}={tenths(mn)}/{tenths(mean)}/{tenths(mx)}")
    return ("{" + ", ".join(parts) + "}\n").encode('utf-8')

def case(name, text):
    data = text.encode('utf-8') if isinstance(text, str) else text
    open(name + '.txt', 'wb').write(data)
    open(name + '.out', 'wb').write(expected(data))

case('empty', '')
case('six-bytes', 'a;1.0\n')
case('one-row', 'Hamburg;12.0\n')
case('no-final-newline', 'Oslo;-3.4\nLima;19.9\nOslo;-3.5')
case('mean-ties', ''.join([
    'pos005;0.0\npos005;0.1\n',        # 0.05 -> 0.1
    'neg005;0.0\nneg005;-0.1\n',       # -0.05 -> 0.0
    'neg015;-0.1\nneg015;-0.2\n',      # -0.15 -> -0.1
    'pos015;0.1\npos015;0.2\n',        # 0.15 -> 0.2
    'neg025;-0.2\nneg025;-0.3\n',      # -0.25 -> -0.2
    'third;0.0\nthird;0.0\nthird;0.1\n',  # 0.0333 -> 0.0
    'negthird;0.0\nnegthird;0.0\nnegthird;-0.1\n',  # -0.0333 -> 0.0
    'negtwothirds;0.0\nnegtwothirds;-0.1\nnegtwothirds;-0.1\n',  # -0.0667 -> -0.1
]))
case('extremes', 'hot;99.9\ncold;-99.9\nboth;99.9\nboth;-99.9\nhot;99.9\ncold;-99.9\nzero;0.0\nzero;-0.0\n')
case('punctuation-names', ''.join(f'{n};{v}\n' for n, v in [
    ('.', '1.0'), ('-', '-2.5'), ('=', '3.3'), ('a, b', '4.4'), ('{x}', '-5.5'),
    ('a=1.0/2.0/3.0', '6.0'), ('x/y', '7.1'), ('}', '0.1'), ('{', '0.2'), ('a, b=c', '8.8'),
    (' lead space', '1.2'), ('trail space ', '2.1'), ('tab\tname', '0.9'), ('a', '1.1'),
]))
base = 'n' * 99
case('long-names', ''.join([
    f'{base}a;1.0\n', f'{base}b;2.0\n', f'{base}a;3.0\n', f'{base}c;-1.0\n',
    ('ü' * 50) + ';4.5\n',  # 100 bytes, 50 characters
    ('é' * 49) + 'x;-4.5\n',  # 99 bytes
    ('😀' * 25) + ';9.9\n',  # 100 bytes of emoji
]))
case('utf16-order', ''.join(f'{n};{v}\n' for n, v in [
    ('\U0001F600', '1.0'),   # emoji: UTF-16 D83D DE00, UTF-8 F0 9F 98 80
    ('\uFF21', '2.0'),       # FULLWIDTH A: UTF-16 FF21, UTF-8 EF BC A1
    ('\uE000', '3.0'),       # private use: sorts after the emoji in UTF-16
    ('\uD7FF'.encode('utf-16', 'surrogatepass').decode('utf-16'), '4.0'),  # below the surrogates
    ('x\U00010000', '5.0'), ('x\uFFFD', '6.0'), ('x\u00E9', '7.0'),
    ('Zürich', '8.0'), ('Zurich', '9.0'),
]))
rng = random.Random(2026)
lines = []
alphabet = 'abcdefghijklmnopqrstuvwxyzäöüßéÅ東京😀Ｚ -.,'
names = set()
while len(names) < 10000:
    k = rng.choice([1, 2, 3, 4, 4, 4, 5, 6, 8, 12, 20, 33])
    n = ''.join(rng.choice(alphabet) for _ in range(k)).strip()
    if n and len(n.encode()) <= 100:
        names.add(n)
names = sorted(names)
rng.shuffle(names)
for n in names:
    for _ in range(rng.choice([1, 1, 2, 3])):
        v = rng.randint(-999, 999)
        lines.append(f'{n};{tenths(v)}\n')
rng.shuffle(lines)
case('stations-10000', ''.join(lines))
case('many-rows', ''.join(f'{rng.choice(["A", "B", "C"])};{tenths(rng.randint(-999, 999))}\n' for _ in range(5000)))

def invalid(name, data, err):
    open('invalid/' + name + '.txt', 'wb').write(data if isinstance(data, bytes) else data.encode())
    open('invalid/' + name + '.err', 'w').write(err + '\n')

invalid('no-semicolon', 'a;1.0\nHamburg 12.0\n', 'testdata/invalid/no-semicolon.txt:2: no \';\' in line "Hamburg 12.0"')
invalid('empty-name', 'a;1.0\n;1.0\n', 'testdata/invalid/empty-name.txt:2: empty station name')
invalid('long-name', 'a;1.0\n' + 'x' * 101 + ';1.0\n', 'testdata/invalid/long-name.txt:2: station name of 101 bytes, more than 100')
invalid('invalid-utf8', b'a;1.0\nb;2.0\n\xff\xfe;3.0\n', 'testdata/invalid/invalid-utf8.txt:3: station name "\\xff\\xfe" is not valid UTF-8')
invalid('two-decimals', 'a;1.25\n', 'testdata/invalid/two-decimals.txt:1: bad value "1.25": want -?d{1,2}.d, -99.9 to 99.9')
invalid('out-of-range', 'a;100.0\n', 'testdata/invalid/out-of-range.txt:1: bad value "100.0": want -?d{1,2}.d, -99.9 to 99.9')
invalid('no-fraction', 'a;12\n', 'testdata/invalid/no-fraction.txt:1: bad value "12": want -?d{1,2}.d, -99.9 to 99.9')
invalid('plus-sign', 'a;+1.0\n', 'testdata/invalid/plus-sign.txt:1: bad value "+1.0": want -?d{1,2}.d, -99.9 to 99.9')
invalid('crlf', 'a;1.0\r\n', 'testdata/invalid/crlf.txt:1: bad value "1.0\\r": want -?d{1,2}.d, -99.9 to 99.9')
invalid('blank-line', 'a;1.0\n\nb;2.0\n', 'testdata/invalid/blank-line.txt:2: no \';\' in line ""')
invalid('two-semicolons', 'a;b;1.0\n', 'testdata/invalid/two-semicolons.txt:1: bad value "b;1.0": want -?d{1,2}.d, -99.9 to 99.9')
invalid('too-many-stations', ''.join(f's{i};1.0\n' for i in range(10001)), 'testdata/invalid/too-many-stations.txt:10001: station "s10000": more than 10000 distinct station names')
