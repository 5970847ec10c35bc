//go:build amd64 && !purego

#include "textflag.h"

// See digits_amd64.go for what scanDigits does. The text is read 64 bytes
// at a time: seven compares give a block's masks of commas (C), spaces (S),
// digits (D) and zeros. The block is good up to its first byte that is none
// of those, a space that does not follow a comma, a comma that does not
// follow a digit, or a zero that starts a number of more than one digit;
// every comma below that point ends an element of the form [ ]digits.
// Elements are converted two at a time where the block has two, one in each
// 128-bit lane of a YMM register, each from the 16 bytes that end at its
// comma: less '0' with unsigned saturation (so that the space, if any,
// counts as a leading zero), masked to the element's length, then weighed
// in pairs, quads and octets (pmaddubsw, pmaddwd, packusdw, pmaddwd) into
// two 8-digit halves, which pmuludq, psrlq and paddq join.
//
// Registers: SI the text, BX its length, AX the block, DI out, R8 its
// length, CX values written, DX the byte after the last comma consumed (the
// result next, and where the next element starts), R9 set when the block is
// the last good one, R12 the block's commas left, R13 the length masks
// while the block's elements are read, R10 R11 R14 R15 scratch. Y9 nines,
// Y10 commas, Y11 spaces, Y15 zeros ('0'), Y12 Y13 Y14 the weights.

// CARRY_FIRST classes the byte before the first block (b[AX-1]) for the
// blocks' carries: was it a digit (0(SP)), a comma (8(SP))? Only the top
// bits count: each block then leaves its own digits and commas there for
// the next.
#define CARRY_FIRST \
	MOVBQZX -1(SI)(AX*1), R11; \
	LEAQ    -48(R11), R14; \
	XORL    R15, R15; \
	CMPQ    R14, $10; \
	SETCS   R15B; \
	SHLQ    $63, R15; \
	MOVQ    R15, 0(SP); \
	XORL    R15, R15; \
	CMPB    R11B, $0x2c; \
	SETEQ   R15B; \
	SHLQ    $63, R15; \
	MOVQ    R15, 8(SP)

// BAD_BYTES sets R15 to the block's bytes that break the kernel's form,
// from its digits (R10), commas (R12) and spaces (S): a space not after a
// comma, a comma not after a digit, a byte that is none of the three. It
// leaves R14 the bytes after a digit, and carries the block's digits and
// commas to the next through 0(SP) and 8(SP).
#define BAD_BYTES(S) \
	MOVQ  R10, R14; \
	MOVQ  0(SP), R15; \
	SHLQ  $1, R15, R14; \
	MOVQ  R10, 0(SP); \
	MOVQ  R12, R11; \
	MOVQ  8(SP), R15; \
	SHLQ  $1, R15, R11; \
	MOVQ  R12, 8(SP); \
	ANDNQ S, R11, R15; \
	ANDNQ R12, R14, R11; \
	ORQ   R11, R15; \
	MOVQ  R10, R11; \
	ORQ   R12, R11; \
	ORQ   S, R11; \
	NOTQ  R11; \
	ORQ   R11, R15

// GOOD_COMMAS keeps the block's commas (R12) below its first bad byte (R15),
// setting R9 when there is one (the block is then the last), and goes to
// nextBlock when no comma is left; the block's elements follow it.
#define GOOD_COMMAS \
	XORL    R9, R9; \
	TESTQ   R15, R15; \
	JZ      first; \
	MOVL    $1, R9; \
	BLSMSKQ R15, R15; \
	SHRQ    $1, R15; \
	ANDQ    R15, R12; \
first: \
	TESTQ   R12, R12; \
	JZ      nextBlock

// LONG, at label long, takes an element of seventeen bytes (R10) that is
// sixteen digits after a space as sixteen bytes, going on at target; the
// kernel stops at anything longer.
#define LONG(target) \
long: \
	CMPQ R10, $17; \
	JNE  done; \
	CMPB (SI)(DX*1), $0x20; \
	JNE  done; \
	MOVL $16, R10; \
	JMP  target

// ZEROS, at label zeros, marks as bad (R15) the zeros that start a number
// (R11) and have a digit after them, then goes back to good. The byte
// after the block stands in for the last one's follower; when the block
// ends the text, the last byte stands in for itself, which can only cut a
// number whose comma lies beyond the block anyway.
#define ZEROS \
zeros: \
	LEAQ    64(AX), R14; \
	CMPQ    R14, BX; \
	JB      follower; \
	LEAQ    -1(BX), R14; \
follower: \
	MOVBQZX (SI)(R14*1), R14; \
	SUBQ    $48, R14; \
	CMPQ    R14, $10; \
	SBBQ    R14, R14; \
	SHLQ    $63, R14; \
	MOVQ    R10, R9; \
	SHRQ    $1, R9; \
	ORQ     R14, R9; \
	ANDQ    R9, R11; \
	ORQ     R11, R15; \
	JMP     good

// TAIL ends a kernel: the step to the next block (none after the last good
// one), then LONG (going on at target), ZEROS, and the return of next (DX)
// and n (CX).
#define TAIL(target) \
nextBlock: \
	TESTQ R9, R9; \
	JNZ   done; \
	ADDQ  $64, AX; \
	JMP   block; \
	LONG(target); \
	ZEROS; \
done: \
	VZEROUPPER; \
	MOVQ DX, next+56(FP); \
	MOVQ CX, n+64(FP); \
	RET

// func scanDigits(b []byte, i int, out []int64) (next, n int)
TEXT ·scanDigits(SB), NOSPLIT, $16-72
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), BX
	MOVQ i+24(FP), AX
	MOVQ out_base+32(FP), DI
	MOVQ out_len+40(FP), R8
	XORQ CX, CX
	MOVQ AX, DX

	VPBROADCASTB digitsConst<>+0(SB), Y15 // '0'
	VPBROADCASTB digitsConst<>+1(SB), Y9  // 9
	VPBROADCASTB digitsConst<>+2(SB), Y10 // ','
	VPBROADCASTB digitsConst<>+3(SB), Y11 // ' '
	VBROADCASTI128 weights<>+0(SB), Y12  // 10, 1, ... (bytes)
	VBROADCASTI128 weights<>+16(SB), Y13 // 100, 1, ... (words)
	VBROADCASTI128 weights<>+32(SB), Y14 // 10000, 1, ... (words)

	CARRY_FIRST

block:
	LEAQ 64(AX), R10
	CMPQ R10, BX
	JA   done
	LEAQ 32(CX), R10       // room for the most elements a block can end
	CMPQ R10, R8
	JA   done
	PREFETCHT0 1024(SI)(AX*1) // the text 16 blocks on: a long line streams from memory
	VMOVDQU   (SI)(AX*1), Y0
	VMOVDQU   32(SI)(AX*1), Y5
	VPCMPEQB  Y0, Y10, Y1
	VPMOVMSKB Y1, R12
	VPCMPEQB  Y5, Y10, Y6
	VPMOVMSKB Y6, R11
	SHLQ      $32, R11
	ORQ       R11, R12     // C
	VPCMPEQB  Y0, Y11, Y2
	VPMOVMSKB Y2, R13
	VPCMPEQB  Y5, Y11, Y7
	VPMOVMSKB Y7, R11
	SHLQ      $32, R11
	ORQ       R11, R13     // S
	VPSUBB    Y15, Y0, Y3
	VPMINUB   Y3, Y9, Y4
	VPCMPEQB  Y3, Y4, Y4
	VPMOVMSKB Y4, R10
	VPSUBB    Y15, Y5, Y8
	VPMINUB   Y8, Y9, Y7
	VPCMPEQB  Y8, Y7, Y7
	VPMOVMSKB Y7, R11
	SHLQ      $32, R11
	ORQ       R11, R10     // D

	BAD_BYTES(R13)
	// A zero that starts a number (no digit before it) must end it.
	VPCMPEQB  Y0, Y15, Y1
	VPMOVMSKB Y1, R11
	VPCMPEQB  Y5, Y15, Y6
	VPMOVMSKB Y6, R13
	SHLQ      $32, R13
	ORQ       R13, R11
	ANDNQ     R11, R14, R11 // zeros that start a number
	JNZ       zeros

good:
	LEAQ    lenMask<>+0(SB), R13
	GOOD_COMMAS

numbers:
	TZCNTQ R12, R14
	BLSRQ  R12, R12
	ADDQ   AX, R14         // R14: the comma
	MOVQ   R14, R10
	SUBQ   DX, R10         // R10: the element's length, its space included
	CMPQ   R10, $16
	JA     long

	// A second comma in the block and a short element before it: both
	// are converted at once, one in each lane of a YMM register.
	TESTQ  R12, R12
	JZ     convert
	TZCNTQ R12, R11
	ADDQ   AX, R11         // R11: the second comma
	MOVQ   R11, R15
	SUBQ   R14, R15
	DECQ   R15             // R15: the second element's length
	CMPQ   R15, $16
	JA     convert
	BLSRQ  R12, R12

	VMOVDQU     -16(SI)(R14*1), X1
	VINSERTI128 $1, -16(SI)(R11*1), Y1, Y1
	VMOVDQU     (R13)(R10*1), X2
	VINSERTI128 $1, (R13)(R15*1), Y2, Y2
	VPSUBUSB    Y15, Y1, Y1
	VPAND       Y2, Y1, Y1
	VPMADDUBSW  Y12, Y1, Y1
	VPMADDWD    Y13, Y1, Y1
	VPACKUSDW   Y1, Y1, Y1
	VPMADDWD    Y14, Y1, Y1
	VPMULUDQ    hundredMillion<>+0(SB), Y1, Y2
	VPSRLQ      $32, Y1, Y1
	VPADDQ      Y2, Y1, Y1
	VPERMQ      $0x08, Y1, Y1 // the two lanes' low quadwords
	VMOVDQU     X1, (DI)(CX*8)
	ADDQ        $2, CX
	LEAQ        1(R11), DX
	TESTQ       R12, R12
	JNZ         numbers
	JMP         nextBlock

convert:
	VMOVDQU    -16(SI)(R14*1), X1
	VPSUBUSB   X15, X1, X1
	VPAND      (R13)(R10*1), X1, X1
	VPMADDUBSW X12, X1, X1
	VPMADDWD   X13, X1, X1
	VPACKUSDW  X1, X1, X1
	VPMADDWD   X14, X1, X1
	VPMULUDQ   hundredMillion<>+0(SB), X1, X2 // the first eight digits, weighed
	VPSRLQ     $32, X1, X1                    // the last eight
	VPADDQ     X2, X1, X1
	VMOVQ      X1, (DI)(CX*8)
	INCQ       CX
	LEAQ       1(R14), DX
	TESTQ      R12, R12
	JNZ        numbers

TAIL(convert)

// scanDigits512 is scanDigits with AVX-512 (F and BW): each block's masks
// come from one 64-byte compare each, straight into mask registers, and up
// to four elements are converted at once, one in each 128-bit lane of a ZMM
// register. A step that converts fewer than four (the block's commas ran
// out, or the next element is long) still writes four values, the last
// ones of no use, and counts only its own: blocks are started with room for
// 35 more values.
//
// Registers: SI the text, BX its length, AX the block, DI out, R8 its
// length, CX values written, DX the byte after the last comma consumed, R9
// the block's spaces and then set when the block is the last good one, R12
// the block's commas left, R13 the length masks, R11 the values of the
// step, R10 R14 R15 scratch. Z9 nines, Z10 commas, Z11 spaces, Z15 zeros
// ('0'), Z12 Z13 Z14 the weights, Z16 10^8, K7 the lanes' low quadwords.

// LANE reads the block's next element into lane n of Z1 and counts it
// (R11 = count), as lane0 does with the first; with no comma left in the
// block, or a long element, it goes to convert with what it has.
#define LANE(n, count) \
	TESTQ        R12, R12; \
	JZ           convert; \
	TZCNTQ       R12, R14; \
	ADDQ         AX, R14; \
	MOVQ         R14, R10; \
	SUBQ         DX, R10; \
	CMPQ         R10, $16; \
	JA           convert; \
	BLSRQ        R12, R12; \
	VMOVDQU      -16(SI)(R14*1), X2; \
	VPSUBUSB     X15, X2, X2; \
	VPAND        (R13)(R10*1), X2, X2; \
	VINSERTI32X4 n, X2, Z1, Z1; \
	LEAQ         1(R14), DX; \
	MOVL         count, R11

// func scanDigits512(b []byte, i int, out []int64) (next, n int)
TEXT ·scanDigits512(SB), NOSPLIT, $16-72
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), BX
	MOVQ i+24(FP), AX
	MOVQ out_base+32(FP), DI
	MOVQ out_len+40(FP), R8
	XORQ CX, CX
	MOVQ AX, DX
	LEAQ lenMask<>+0(SB), R13

	VPBROADCASTB    digitsConst<>+0(SB), Z15 // '0'
	VPBROADCASTB    digitsConst<>+1(SB), Z9  // 9
	VPBROADCASTB    digitsConst<>+2(SB), Z10 // ','
	VPBROADCASTB    digitsConst<>+3(SB), Z11 // ' '
	VBROADCASTI32X4 weights<>+0(SB), Z12
	VBROADCASTI32X4 weights<>+16(SB), Z13
	VBROADCASTI32X4 weights<>+32(SB), Z14
	VBROADCASTI32X4 hundredMillion<>+0(SB), Z16
	MOVL            $0x55, R11
	KMOVW           R11, K7

	CARRY_FIRST

block:
	LEAQ      64(AX), R10
	CMPQ      R10, BX
	JA        done
	LEAQ      35(CX), R10  // room for the values a block writes
	CMPQ      R10, R8
	JA        done
	PREFETCHT0 1024(SI)(AX*1) // the text 16 blocks on: a long line streams from memory
	VMOVDQU64  (SI)(AX*1), Z0
	VPCMPEQB  Z10, Z0, K1
	KMOVQ     K1, R12      // C
	VPCMPEQB  Z11, Z0, K2
	KMOVQ     K2, R9       // S
	VPSUBB    Z15, Z0, Z3
	VPCMPUB   $2, Z9, Z3, K3
	KMOVQ     K3, R10      // D
	VPCMPEQB  Z15, Z0, K4  // zeros

	BAD_BYTES(R9)
	KMOVQ K4, R11
	ANDNQ R11, R14, R11    // zeros that start a number
	JNZ   zeros

good:
	GOOD_COMMAS

numbers:
	TZCNTQ R12, R14
	ADDQ   AX, R14         // R14: the comma
	MOVQ   R14, R10
	SUBQ   DX, R10         // R10: the element's length, its space included
	CMPQ   R10, $16
	JA     long

lane0:
	BLSRQ    R12, R12
	VMOVDQU  -16(SI)(R14*1), X1
	VPSUBUSB X15, X1, X1
	VPAND    (R13)(R10*1), X1, X1
	LEAQ     1(R14), DX
	MOVL     $1, R11
	LANE($1, $2)
	LANE($2, $3)
	LANE($3, $4)

convert:
	VPMADDUBSW  Z12, Z1, Z1
	VPMADDWD    Z13, Z1, Z1
	VPACKUSDW   Z1, Z1, Z1
	VPMADDWD    Z14, Z1, Z1
	VPMULUDQ    Z16, Z1, Z2
	VPSRLQ      $32, Z1, Z1
	VPADDQ      Z2, Z1, Z1
	VPCOMPRESSQ Z1, K7, Z1 // into a register: to memory, it is microcoded on some CPUs
	VMOVDQU     Y1, (DI)(CX*8)
	ADDQ        R11, CX
	TESTQ       R12, R12
	JNZ         numbers

TAIL(lane0)

DATA digitsConst<>+0(SB)/1, $0x30
DATA digitsConst<>+1(SB)/1, $9
DATA digitsConst<>+2(SB)/1, $0x2c
DATA digitsConst<>+3(SB)/1, $0x20
GLOBL digitsConst<>(SB), RODATA|NOPTR, $4

// weights: bytes 10,1 (pmaddubsw); words 100,1; words 10000,1 (pmaddwd).
DATA weights<>+0(SB)/8, $0x010a010a010a010a
DATA weights<>+8(SB)/8, $0x010a010a010a010a
DATA weights<>+16(SB)/8, $0x0001006400010064
DATA weights<>+24(SB)/8, $0x0001006400010064
DATA weights<>+32(SB)/8, $0x0001271000012710
DATA weights<>+40(SB)/8, $0x0001271000012710
GLOBL weights<>(SB), RODATA|NOPTR, $48

// hundredMillion: 10^8 in the low dword of each lane's first quadword
// (pmuludq).
DATA hundredMillion<>+0(SB)/8, $100000000
DATA hundredMillion<>+8(SB)/8, $0
DATA hundredMillion<>+16(SB)/8, $100000000
DATA hundredMillion<>+24(SB)/8, $0
GLOBL hundredMillion<>(SB), RODATA|NOPTR, $32

// lenMask: sixteen zero bytes, then sixteen 0xff; the 16 bytes from offset
// L keep the last L bytes of a vector.
DATA lenMask<>+0(SB)/8, $0
DATA lenMask<>+8(SB)/8, $0
DATA lenMask<>+16(SB)/8, $-1
DATA lenMask<>+24(SB)/8, $-1
GLOBL lenMask<>(SB), RODATA|NOPTR, $32
