#include "textflag.h"

// func prefetchNTA(p unsafe.Pointer, n int)
//
// One PREFETCHNTA for each 64-byte cache line from p on, n bytes (at least
// one line). A prefetch is a hint: it never faults, so addresses past the
// mapping or in pages not mapped yet cost nothing and change nothing.
TEXT ·prefetchNTA(SB), NOSPLIT, $0-16
	MOVQ p+0(FP), AX
	MOVQ n+8(FP), CX
loop:
	PREFETCHNTA (AX)
	ADDQ $64, AX
	SUBQ $64, CX
	JGT  loop
	RET
