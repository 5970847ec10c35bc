//go:build amd64 && !purego

#include "textflag.h"

// See vec_amd64.go for what each kernel does. All read whole 32-byte
// vectors inside their slices; the last step of each overlaps the one
// before it, so that no value is left to the Go loop.

// STEPS(w), at label loop, starts the step over the w values from AX (at
// label step, DX the next AX) while they lie below CX; the last step
// overlaps the one before it (AX = CX-w), and then it goes to done. It needs
// CX >= w.
#define STEPS(w) \
loop: \
	LEAQ w(AX), DX; \
	CMPQ DX, CX; \
	JBE  step; \
	CMPQ AX, CX; \
	JAE  done; \
	LEAQ -w(CX), AX; \
	MOVQ CX, DX; \
step:

// func ascendingAVX2(v []int64) (next int, fall, dup bool)
// Each step compares v[k-1..k+6] with v[k..k+7]: greater is a fall (it
// stops at once), equal a duplicate (Y5 gathers them).
TEXT ·ascendingAVX2(SB), NOSPLIT, $0-34
	MOVQ   v_base+0(FP), SI
	MOVQ   v_len+8(FP), CX
	MOVQ   $1, AX
	XORL   BX, BX
	VPXOR  Y5, Y5, Y5

	STEPS(8)
	VMOVDQU  (SI)(AX*8), Y0
	VMOVDQU  32(SI)(AX*8), Y1
	VMOVDQU  -8(SI)(AX*8), Y2
	VMOVDQU  24(SI)(AX*8), Y3
	VPCMPGTQ Y0, Y2, Y6
	VPCMPGTQ Y1, Y3, Y7
	VPOR     Y6, Y7, Y6
	VPTEST   Y6, Y6
	JNZ      fall
	VPCMPEQQ Y0, Y2, Y6
	VPCMPEQQ Y1, Y3, Y7
	VPOR     Y6, Y5, Y5
	VPOR     Y7, Y5, Y5
	MOVQ     DX, AX
	JMP      loop

fall:
	MOVL $1, BX

done:
	VPTEST Y5, Y5
	SETNE  DX
	VZEROUPPER
	MOVQ   AX, next+24(FP)
	MOVB   BX, fall+32(FP)
	MOVB   DX, dup+33(FP)
	RET

// func sameLowsAVX2(seg []int64, a []uint16) (next int, differ bool)
// Each step widens eight of a's values to quadwords and XORs them with
// seg's; Y4 gathers the differences, of which only the low 16 bits of each
// quadword count.
TEXT ·sameLowsAVX2(SB), NOSPLIT, $0-57
	MOVQ  seg_base+0(FP), SI
	MOVQ  seg_len+8(FP), CX
	MOVQ  a_base+24(FP), DI
	XORL  AX, AX
	VPXOR Y4, Y4, Y4

	STEPS(8)
	VPMOVZXWQ (DI)(AX*2), Y0
	VPMOVZXWQ 8(DI)(AX*2), Y1
	VPXOR     (SI)(AX*8), Y0, Y0
	VPXOR     32(SI)(AX*8), Y1, Y1
	VPOR      Y0, Y4, Y4
	VPOR      Y1, Y4, Y4
	MOVQ      DX, AX
	JMP       loop

done:
	VPBROADCASTQ low16<>+0(SB), Y5
	VPTEST       Y5, Y4
	SETNE        DX
	VZEROUPPER
	MOVQ         AX, next+48(FP)
	MOVB         DX, differ+56(FP)
	RET

// func putLowsAVX2(dst []uint16, src []int64) int
// Each step takes sixteen values: VPERMD gathers the low doublewords of
// four at a time, two such quartets share a vector, VPAND keeps 16 bits,
// VPACKUSDW packs both vectors into words, and VPERMQ puts the quartets in
// order.
TEXT ·putLowsAVX2(SB), NOSPLIT, $0-56
	MOVQ         dst_base+0(FP), DI
	MOVQ         src_base+24(FP), SI
	MOVQ         src_len+32(FP), CX
	XORL         AX, AX
	VMOVDQU      lowDwords<>+0(SB), Y8
	VPBROADCASTD low16<>+0(SB), Y9

	STEPS(16)
	VPERMD      (SI)(AX*8), Y8, Y0
	VPERMD      32(SI)(AX*8), Y8, Y1
	VPERMD      64(SI)(AX*8), Y8, Y2
	VPERMD      96(SI)(AX*8), Y8, Y3
	VINSERTI128 $1, X1, Y0, Y0
	VINSERTI128 $1, X3, Y2, Y2
	VPAND       Y9, Y0, Y0
	VPAND       Y9, Y2, Y2
	VPACKUSDW   Y2, Y0, Y0
	VPERMQ      $0xD8, Y0, Y0
	VMOVDQU     Y0, (DI)(AX*2)
	MOVQ        DX, AX
	JMP         loop

done:
	VZEROUPPER
	MOVQ AX, ret+48(FP)
	RET

// func segmentsAVX2(v []int64, ends []int32, k, n int) (next, written int)
// Each step takes v[k..k+7]: one compare with v[k-1..k+6] tells whether
// all eight rise (if not, it returns: the caller looks at them value by
// value); when v[k-1] and v[k+7] share their high 48 bits, so do all eight
// (they rise), and no chunk starts among them. Otherwise the XORs of each
// with the value before it show where chunks start.
//
// Registers: SI v, R8 its length, DI ends, AX k, DX the next k, BX indexes
// written, R10 the step's chunk starts, R11 scratch, Y4 zeros, Y5 ones.
TEXT ·segmentsAVX2(SB), NOSPLIT, $0-80
	MOVQ     v_base+0(FP), SI
	MOVQ     v_len+8(FP), R8
	MOVQ     ends_base+24(FP), DI
	MOVQ     k+48(FP), AX
	MOVQ     n+56(FP), BX
	VPXOR    Y4, Y4, Y4
	VPCMPEQQ Y5, Y5, Y5

loop:
	LEAQ     8(AX), DX
	CMPQ     DX, R8
	JA       done
	VMOVDQU  (SI)(AX*8), Y0
	VMOVDQU  32(SI)(AX*8), Y1
	VPCMPGTQ -8(SI)(AX*8), Y0, Y2
	VPCMPGTQ 24(SI)(AX*8), Y1, Y3
	VPAND    Y2, Y3, Y2
	VPTEST   Y5, Y2            // CF: every lane rises
	JCC      done
	MOVQ     -8(SI)(AX*8), R10
	XORQ     56(SI)(AX*8), R10
	SHRQ     $16, R10
	JNZ      chunks
	MOVQ     DX, AX
	JMP      loop

chunks:
	VPXOR     -8(SI)(AX*8), Y0, Y2
	VPXOR     24(SI)(AX*8), Y1, Y3
	VPSRLQ    $16, Y2, Y2
	VPSRLQ    $16, Y3, Y3
	VPCMPEQQ  Y4, Y2, Y2       // lanes in the chunk before
	VPCMPEQQ  Y4, Y3, Y3
	VMOVMSKPD Y2, R10
	VMOVMSKPD Y3, R11
	SHLL      $4, R11
	ORL       R11, R10
	XORL      $0xff, R10

starts:
	BSFL R10, R11
	ADDQ AX, R11
	MOVL R11, (DI)(BX*4)
	INCQ BX
	LEAL -1(R10), R11
	ANDL R11, R10
	JNZ  starts
	MOVQ DX, AX
	JMP  loop

done:
	VZEROUPPER
	MOVQ AX, next+64(FP)
	MOVQ BX, written+72(FP)
	RET

// func Prefetch(a []uint16)
TEXT ·Prefetch(SB), NOSPLIT, $0-24
	MOVQ       a_base+0(FP), AX
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	PREFETCHT0 128(AX)
	RET

DATA low16<>+0(SB)/8, $0xffff
GLOBL low16<>(SB), RODATA|NOPTR, $8

// lowDwords: VPERMD's indexes of the low doublewords of four quadwords.
DATA lowDwords<>+0(SB)/4, $0
DATA lowDwords<>+4(SB)/4, $2
DATA lowDwords<>+8(SB)/4, $4
DATA lowDwords<>+12(SB)/4, $6
DATA lowDwords<>+16(SB)/4, $0
DATA lowDwords<>+20(SB)/4, $2
DATA lowDwords<>+24(SB)/4, $4
DATA lowDwords<>+28(SB)/4, $6
GLOBL lowDwords<>(SB), RODATA|NOPTR, $32
