#include "textflag.h"

// func prefetch(p unsafe.Pointer, n int)
//
// One PREFETCHT0 for each 64-byte cache line from p on, n bytes (at least
// one line). A prefetch is a hint: it never faults, so addresses past the
// mapping or in pages not mapped yet cost nothing and change nothing.
TEXT ·prefetch(SB), NOSPLIT, $0-16
	MOVQ p+0(FP), AX
	MOVQ n+8(FP), CX
loop:
	PREFETCHT0 (AX)
	ADDQ $64, AX
	SUBQ $64, CX
	JGT  loop
	RET
