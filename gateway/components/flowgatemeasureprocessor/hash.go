package flowgatemeasureprocessor

import (
	"encoding/binary"
	"hash/maphash"
	"math"
	"math/bits"
	"unsafe"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// Hashes are only compared within the process, never reported: one random seed per process.
var hashSeed = maphash.String(maphash.MakeSeed(), "flowgate_measure")

// Odd 64-bit constants for the multiply-fold steps (random, no meaning).
const (
	hk0 = 0xdf7fbf6c8ed6dc63
	hk1 = 0xe0675ce5f887acd9
	hk2 = 0xea599e626eb6ce65
	hk3 = 0xdca42c6c4ea70679
	hk4 = 0x207d9eba0ad24e87
)

// mum multiplies into 128 bits and folds the halves: one multiplication that spreads every input
// bit over the result, the core step of the hashes below.
func mum(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// mix64 is the SplitMix64 finalizer: spreads any 64-bit input over all bits.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// hashBytes is a seeded multiply-fold hash over 8-byte words. Attribute keys and values are
// mostly short, and hashing them is most of what measuring a data point costs: this is several
// times faster than hash/maphash for them (which goes through non-inlined runtime calls), and its
// output is uniform enough for hash sets and HyperLogLog (see TestHyperLogLogAccuracy).
func hashBytes(b []byte, seed uint64) uint64 {
	n := len(b)
	h := seed ^ uint64(n)*hk0
	var x, y uint64
	switch {
	case n == 0:
	case n < 4:
		x = uint64(b[0])<<16 | uint64(b[n>>1])<<8 | uint64(b[n-1])
	case n <= 8:
		x = uint64(binary.LittleEndian.Uint32(b))<<32 | uint64(binary.LittleEndian.Uint32(b[n-4:]))
	case n <= 16:
		x, y = binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[n-8:])
	default:
		rest := b
		for len(rest) > 16 {
			h = mum(h^binary.LittleEndian.Uint64(rest), hk1^binary.LittleEndian.Uint64(rest[8:]))
			rest = rest[16:]
		}
		x, y = binary.LittleEndian.Uint64(b[n-16:]), binary.LittleEndian.Uint64(b[n-8:])
	}
	return mum(mum(h^x, hk2^y)^hk3, uint64(n)^hk4)
}

func hashStringSeeded(s string, seed uint64) uint64 {
	return hashBytes(unsafe.Slice(unsafe.StringData(s), len(s)), seed)
}

func hashString(s string) uint64 { return hashStringSeeded(s, hashSeed) }

// Per-type tags so that, say, the string "1" and the integer 1 are different values.
const (
	tagInt    = 0x1d8e4e27c47d124f
	tagDouble = 0x2f7a3b1c5d9e8f01
	tagBool   = 0x3c6ef372fe94f82b
	tagBytes  = 0x4a7c15f39cc6b3d1
	tagOther  = 0x5be0cd19137e2179
	tagEmpty  = 0x6a09e667f3bcc908
)

// attrHash hashes one attribute: its value, seeded with its key's hash. Within a key it tells
// values apart (label value sets are per key); summed over a point's attributes it identifies the
// attribute set whatever the order.
func attrHash(v pcommon.Value, keyHash uint64) uint64 {
	h, _, _ := attrHashSize(v, keyHash)
	return h
}

// attrHashSize also returns the value's protobuf size as an AnyValue message (string_value = 1,
// bool_value = 2, int_value = 3 varint, double_value = 4 fixed64, bytes_value = 7); ok is false
// for maps and slices, whose size is left to pdata.
func attrHashSize(v pcommon.Value, keyHash uint64) (h uint64, size int, ok bool) {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		s := v.Str()
		return hashStringSeeded(s, keyHash), framedSmall(len(s)), true
	case pcommon.ValueTypeInt:
		i := uint64(v.Int())
		return mum(i^keyHash^tagInt, hk2), 1 + varintLen(i), true
	case pcommon.ValueTypeDouble:
		return mum(math.Float64bits(v.Double())^keyHash^tagDouble, hk2), 9, true
	case pcommon.ValueTypeBool:
		b := uint64(0)
		if v.Bool() {
			b = 1
		}
		return mum(b^keyHash^tagBool, hk2), 2, true
	case pcommon.ValueTypeBytes:
		raw := v.Bytes().AsRaw()
		return hashBytes(raw, keyHash^tagBytes), framed(len(raw)), true
	case pcommon.ValueTypeEmpty:
		return mum(keyHash^tagEmpty, hk2), 0, true
	}
	return hashStringSeeded(v.AsString(), keyHash^tagOther), 0, false
}

// seriesHash identifies a series: resource attribute set + data point attribute set.
func seriesHash(resourceSet, pointSet uint64) uint64 {
	return mum(resourceSet^hk3, pointSet^hk4)
}

// maxExampleLen bounds one example value (bytes, cut at a rune boundary).
const maxExampleLen = 128

func exampleOf(v pcommon.Value) string {
	var s string
	if v.Type() == pcommon.ValueTypeStr {
		s = v.Str()
	} else {
		s = v.AsString()
	}
	if len(s) > maxExampleLen {
		cut := maxExampleLen
		for cut > 0 && s[cut]&0xc0 == 0x80 { // do not split a UTF-8 sequence
			cut--
		}
		s = s[:cut] + "…"
	}
	// A copy: the value's bytes belong to the batch, which must not be kept alive.
	return string([]byte(s))
}
