// seg.c is step 17's segment code (linesNSIMD's rounds with two cursors,
// their short and long paths, and longLine) written in C with AVX2
// intrinsics, line for line, to time the same algorithm compiled by gcc
// against the Go step's BenchmarkSegment (see 18-pointer-cursors' README).
// A diagnostic, not a solution: one thread, the file read into memory.
// The few lines that the Go code leaves to lines1SIMD after the rounds go
// through longLine here.
//
//	gcc -O2 -mavx2 -mbmi -mbmi2 -mlzcnt -o seg seg.c
//	./seg FILE 0    # print every station as NAME\tMIN\tMAX\tSUM\tCOUNT
//	./seg FILE 40   # time 40 runs over FILE (after one to fill the table)
//
// The timing line is in Go benchmark format: BenchmarkSegment/data=FILE,
// ns/op and ns/row. main_test.go's TestCPort checks the station list
// against verify's reference aggregator.
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TABLE_BITS 17
#define TABLE_SIZE (1 << TABLE_BITS)
#define ENTRY_SIZE 64
#define OFFSET_MASK (TABLE_SIZE * ENTRY_SIZE - 1)
#define HASH_SHIFT (64 - TABLE_BITS - 6)
#define HASH_MUL 0x9E3779B97F4A7C15ull
#define MAX_STATIONS 10000
#define MAX_NAME 100
#define MARGIN 128
#define MAX_ADVANCE 120
#define NAME_PAD 64

typedef struct {
	uint64_t k[4];
	int64_t sum;
	uint32_t count;
	int16_t min, max;
	int64_t big;
	uint32_t off, len;
} entry;

typedef struct {
	entry slots[TABLE_SIZE] __attribute__((aligned(64)));
	uint32_t taken[MAX_STATIONS];
	int used;
	uint8_t *names;
	size_t nnames, capnames;
} table;

static const uint8_t keyMasks[64] = {
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
};

#define MULS 65
static uint64_t valueShapes[2 * MULS];
static uint64_t lenShapes[16];

static void initShapes(void) {
	valueShapes[12] = 0x0F000F0F00ull >> 16;
	valueShapes[20] = 0x0F000F0F00ull >> 8;
	valueShapes[28] = 0x0F000F0F00ull;
	valueShapes[MULS + 12] = 0x640a0001ull << 16;
	valueShapes[MULS + 20] = 0x640a0001ull << 8;
	valueShapes[MULS + 28] = 0x640a0001ull;
	lenShapes[4] = valueShapes[12];
	lenShapes[5] = valueShapes[20];
	lenShapes[6] = valueShapes[28];
	lenShapes[8 + 4] = valueShapes[MULS + 12];
	lenShapes[8 + 5] = valueShapes[MULS + 20];
	lenShapes[8 + 6] = valueShapes[MULS + 28];
}

static inline uint64_t load64(const uint8_t *p) {
	uint64_t x;
	memcpy(&x, p, 8);
	return x;
}

static inline uint64_t semiBits(uint64_t w) {
	uint64_t x = w ^ 0x3B3B3B3B3B3B3B3Bull;
	return (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
}

// number parses the value at the start of w and returns it with the
// bytes up to and including its '\n'.
static inline int64_t number(uint64_t x, int *adv) {
	int64_t pos = (int64_t)(x << 59) >> 63;
	int dot = __builtin_ctzll((~x & 0x10101000) | (1ull << 36));
	int64_t abs = (int64_t)(((x & (uint64_t)(pos | ~0xFFll) & valueShapes[dot]) * valueShapes[dot + MULS]) >> 32) & 0x3FF;
	*adv = (dot >> 3) + 3;
	return pos - (abs ^ pos);
}

static inline uint64_t shortHash(uint64_t k0, uint64_t k1, uint64_t k2, uint64_t k3) {
	return ((k0 ^ k1 ^ k2 ^ k3) * HASH_MUL >> HASH_SHIFT) & ~(uint64_t)(ENTRY_SIZE - 1);
}

static inline uint64_t longHash(uint64_t k0, uint64_t k1, uint64_t k2, uint64_t k3, uint64_t last) {
	return (((k0 ^ k1 ^ k2 ^ k3) * HASH_MUL ^ last) * HASH_MUL >> HASH_SHIFT) & ~(uint64_t)(ENTRY_SIZE - 1);
}

static int equalTail(const uint8_t *p, const uint8_t *q, int n) {
	return memcmp(p + 32, q + 32, n - 32) == 0;
}

static long longLine(table *t, const uint8_t *base, long p) {
	int n = 0;
	for (;;) {
		uint64_t s = semiBits(load64(base + p + n));
		if (s) {
			n += __builtin_ctzll(s) >> 3;
			break;
		}
		if ((n += 8) >= 112) break;
	}
	uint64_t k[4] = {load64(base + p), load64(base + p + 8), load64(base + p + 16), load64(base + p + 24)};
	uint64_t off;
	if (n < 32) {
		for (int i = 0; i < 4; i++) {
			int keep = n + 1 - 8 * i;
			if (keep <= 0) k[i] = 0;
			else if (keep < 8) k[i] &= (1ull << (8 * keep)) - 1;
		}
		off = shortHash(k[0], k[1], k[2], k[3]);
	} else {
		off = longHash(k[0], k[1], k[2], k[3], load64(base + p + n - 8));
	}
	entry *e;
	for (;;) {
		e = (entry *)((uint8_t *)t->slots + off);
		if (e->count == 0) {
			if (t->used >= MAX_STATIONS) return -1;
			t->taken[t->used++] = (uint32_t)(off / ENTRY_SIZE);
			memcpy(e->k, k, 32);
			e->min = INT16_MAX;
			e->max = INT16_MIN;
			if (n >= 32) {
				if (t->nnames + n + NAME_PAD > t->capnames) {
					t->capnames = 2 * t->capnames + n + NAME_PAD;
					t->names = realloc(t->names, t->capnames);
				}
				e->off = (uint32_t)t->nnames;
				e->len = (uint32_t)n;
				memcpy(t->names + t->nnames, base + p, n);
				memset(t->names + t->nnames + n, 0, NAME_PAD);
				t->nnames += n + NAME_PAD;
			}
			break;
		}
		if (memcmp(e->k, k, 32) == 0 && (n < 32 || ((int)e->len == n && equalTail(base + p, t->names + e->off, n)))) break;
		off = (off + ENTRY_SIZE) & OFFSET_MASK;
	}
	int adv;
	int64_t v = number(load64(base + p + n + 1), &adv);
	e->sum += v;
	e->count++;
	if ((int16_t)v < e->min) e->min = (int16_t)v;
	if ((int16_t)v > e->max) e->max = (int16_t)v;
	return p + n + 1 + adv;
}

static inline uint32_t eqBits(__m256i a, __m256i b) {
	return (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, b));
}

// ROUND is one cursor's line in linesNSIMD's rounds (short and long paths).
#define ROUND(P, WHO)                                                                                     \
	do {                                                                                                    \
		__m256i l = _mm256_loadu_si256((const __m256i *)(base + P));                                          \
		uint32_t s = eqBits(l, semis);                                                                        \
		if (__builtin_expect(s == 0, 0)) {                                                                    \
			__m256i h = _mm256_loadu_si256((const __m256i *)(base + P + 32));                                   \
			__m256i g = _mm256_loadu_si256((const __m256i *)(base + P + 64));                                   \
			int n = 32;                                                                                         \
			uint64_t m = (uint64_t)eqBits(h, semis) | (uint64_t)eqBits(g, semis) << 32;                         \
			if (m) {                                                                                            \
				n += __builtin_ctzll(m);                                                                          \
			} else {                                                                                            \
				uint32_t m2 = eqBits(_mm256_loadu_si256((const __m256i *)(base + P + 96)), semis);                \
				n = 96 + __builtin_ctz(m2 | 1u << 31);                                                            \
				if (n > MAX_NAME) {                                                                               \
					long_ = WHO;                                                                                    \
					goto out;                                                                                       \
				}                                                                                                 \
			}                                                                                                   \
			__m128i f = _mm_xor_si128(_mm256_castsi256_si128(l), _mm256_extracti128_si256(l, 1));               \
			uint64_t last = load64(base + P + n - 8);                                                           \
			uint64_t off = ((((uint64_t)_mm_cvtsi128_si64(f) ^ (uint64_t)_mm_extract_epi64(f, 1)) * HASH_MUL ^ last) * \
			                HASH_MUL >> HASH_SHIFT) & ~(uint64_t)(ENTRY_SIZE - 1);                                \
			entry *e;                                                                                           \
			for (;;) {                                                                                          \
				e = (entry *)(slots + off);                                                                       \
				if (e->count == 0) {                                                                              \
					long_ = WHO;                                                                                    \
					goto out;                                                                                       \
				}                                                                                                 \
				if ((int)e->len == n && eqBits(_mm256_loadu_si256((const __m256i *)e), l) == 0xFFFFFFFFu) {       \
					const uint8_t *nm = t->names + e->off;                                                          \
					uint64_t d = ((uint64_t)eqBits(h, _mm256_loadu_si256((const __m256i *)(nm + 32))) |              \
					              (uint64_t)eqBits(g, _mm256_loadu_si256((const __m256i *)(nm + 64))) << 32) |       \
					             (~0ull << (n - 32));                                                                \
					if (d == ~0ull && (n <= 96 || (eqBits(_mm256_loadu_si256((const __m256i *)(base + P + 96)),        \
					                                      _mm256_loadu_si256((const __m256i *)(nm + 96))) |            \
					                               ~0u << (n - 96)) == 0xFFFFFFFFu))                                   \
						break;                                                                                        \
				}                                                                                                 \
				off = (off + ENTRY_SIZE) & OFFSET_MASK;                                                           \
			}                                                                                                   \
			long num = P + n + 1;                                                                               \
			uint64_t x = load64(base + num);                                                                    \
			int64_t pos = (int64_t)(x << 59) >> 63;                                                             \
			int dot = __builtin_ctzll((~x & 0x10101000) | 1ull << 36);                                          \
			int64_t abs = (int64_t)(((x & (uint64_t)(pos | ~0xFFll) & valueShapes[dot]) * valueShapes[dot + MULS]) >> 32) & 0x3FF; \
			int64_t v = pos - (abs ^ pos);                                                                      \
			P = num + (dot >> 3) + 3;                                                                           \
			e->sum += v;                                                                                        \
			e->count++;                                                                                         \
			if ((int16_t)v < e->min) e->min = (int16_t)v;                                                       \
			if ((int16_t)v > e->max) e->max = (int16_t)v;                                                       \
		} else {                                                                                              \
			int n = __builtin_ctz(s);                                                                           \
			__m256i key = _mm256_and_si256(l, _mm256_loadu_si256((const __m256i *)(masks - n)));                \
			long num = P + n + 1;                                                                               \
			uint64_t x = load64(base + num);                                                                    \
			int end;                                                                                            \
			uint32_t tt = eqBits(l, newlines);                                                                  \
			if (__builtin_expect(tt != 0, 1)) {                                                                 \
				end = __builtin_ctz(tt);                                                                          \
			} else {                                                                                            \
				end = n + 3 + (__builtin_ctzll((~x & 0x10101000) | 1ull << 36) >> 3);                            \
			}                                                                                                   \
			int64_t pos = (int64_t)(x << 59) >> 63;                                                             \
			int w = (end - n) & 7;                                                                              \
			int64_t abs = (int64_t)(((x & (uint64_t)(pos | ~0xFFll) & lenShapes[w]) * lenShapes[w + 8]) >> 32) & 0x3FF; \
			int64_t v = pos - (abs ^ pos);                                                                      \
			P += end + 1;                                                                                       \
			__m128i f = _mm_xor_si128(_mm256_castsi256_si128(key), _mm256_extracti128_si256(key, 1));           \
			uint64_t off = (((uint64_t)_mm_cvtsi128_si64(f) ^ (uint64_t)_mm_extract_epi64(f, 1)) * HASH_MUL >> HASH_SHIFT) & \
			               ~(uint64_t)(ENTRY_SIZE - 1);                                                          \
			entry *e = (entry *)(slots + off);                                                                  \
			if (__builtin_expect(eqBits(_mm256_loadu_si256((const __m256i *)e), key) != 0xFFFFFFFFu, 0)) {      \
				for (;;) {                                                                                        \
					if (e->count == 0) {                                                                            \
						if (t->used >= MAX_STATIONS) return 0;                                                        \
						t->taken[t->used++] = (uint32_t)(off / ENTRY_SIZE);                                           \
						_mm256_storeu_si256((__m256i *)e, key);                                                       \
						e->min = INT16_MAX;                                                                           \
						e->max = INT16_MIN;                                                                           \
						break;                                                                                        \
					}                                                                                               \
					off = (off + ENTRY_SIZE) & OFFSET_MASK;                                                         \
					e = (entry *)(slots + off);                                                                     \
					if (eqBits(_mm256_loadu_si256((const __m256i *)e), key) == 0xFFFFFFFFu) break;                  \
				}                                                                                                 \
			}                                                                                                   \
			e->sum += v;                                                                                        \
			e->count++;                                                                                         \
			if ((int16_t)v < e->min) e->min = (int16_t)v;                                                       \
			if ((int16_t)v > e->max) e->max = (int16_t)v;                                                       \
		}                                                                                                     \
	} while (0)

// linesN: step 17's linesNSIMD with two cursors.
static int linesN(table *t, const uint8_t *base, long pos[2], const long ends[2]) {
	uint8_t *slots = (uint8_t *)t->slots;
	const __m256i semis = _mm256_set1_epi8(';');
	const __m256i newlines = _mm256_set1_epi8('\n');
	const uint8_t *masks = &keyMasks[31];
	long pA = pos[0], pB = pos[1];
	for (;;) {
		long n = (ends[0] - pA < ends[1] - pB ? ends[0] - pA : ends[1] - pB) / MAX_ADVANCE;
		if (n <= 0) break;
		int long_ = -1;
		for (; n > 0; n--) {
			ROUND(pA, 0);
			ROUND(pB, 1);
		}
	out:
		if (long_ == 0) {
			if ((pA = longLine(t, base, pA)) < 0) return 0;
		} else if (long_ == 1) {
			if ((pB = longLine(t, base, pB)) < 0) return 0;
		}
	}
	pos[0] = pA;
	pos[1] = pB;
	return 1;
}

static long lineStart(const uint8_t *data, long len, long x) {
	if (x == 0) return 0;
	const uint8_t *q = memchr(data + x - 1, '\n', len - (x - 1));
	return q ? q - data + 1 : len;
}

// rest: the lines left to one cursor (lines1SIMD in Go); here longLine,
// which handles every line: the rest is a few lines per part.
static long rest(table *t, const uint8_t *base, long p, long end) {
	while (p < end) {
		if ((p = longLine(t, base, p)) < 0) return -1;
	}
	return p;
}

static int segment(table *t, const uint8_t *data, long len) {
	long end = len;
	long fastEnd = len - MARGIN;
	long pos[2], ends[2];
	pos[0] = 0;
	pos[1] = lineStart(data, len, fastEnd / 2);
	ends[0] = pos[1];
	ends[1] = fastEnd;
	if (!linesN(t, data, pos, ends)) return 0;
	for (int i = 0; i < 2; i++) {
		long q = rest(t, data, pos[i], i == 1 ? end : ends[i]);
		if (q < 0) return 0;
	}
	return 1;
}

int main(int argc, char **argv) {
	if (argc != 3) {
		fprintf(stderr, "usage: seg FILE ITER\n");
		return 2;
	}
	int iter = atoi(argv[2]);
	initShapes();
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (len < MARGIN) {
		fprintf(stderr, "%s: shorter than %d bytes\n", argv[1], MARGIN);
		return 1;
	}
	// The file, and zeros past it for the loads of the last lines.
	uint8_t *data = aligned_alloc(64, (len + 2 * MARGIN + 63) / 64 * 64);
	memset(data + len, 0, 2 * MARGIN);
	if (fread(data, 1, len, f) != (size_t)len) {
		perror(argv[1]);
		return 1;
	}
	fclose(f);
	long rows = 0;
	for (long i = 0; i < len; i++) rows += data[i] == '\n';
	table *t = aligned_alloc(64, sizeof(table));
	memset(t, 0, sizeof(table));
	if (!segment(t, data, len)) {
		fprintf(stderr, "%s: more than %d stations\n", argv[1], MAX_STATIONS);
		return 1;
	}
	if (iter == 0) {
		for (int i = 0; i < t->used; i++) {
			entry *e = &t->slots[t->taken[i]];
			if (e->len) {
				fwrite(t->names + e->off, 1, e->len, stdout);
			} else {
				const uint8_t *k = (const uint8_t *)e->k;
				fwrite(k, 1, (const uint8_t *)memchr(k, ';', 32) - k, stdout);
			}
			printf("\t%d\t%d\t%lld\t%u\n", e->min, e->max, (long long)e->sum, e->count);
		}
		return 0;
	}
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < iter; i++) segment(t, data, len);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
	const char *name = strrchr(argv[1], '/');
	printf("BenchmarkSegment/data=%s-2 %d %.0f ns/op %.4f ns/row\n", name ? name + 1 : argv[1], iter, ns / iter,
	       ns / iter / rows);
	return 0;
}
