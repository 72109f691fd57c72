package flowgatemeasureprocessor

import (
	"hash/maphash"
	"math"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// One seed per process: hashes are only compared within the process, never reported.
var hashSeed = maphash.MakeSeed()

// mix64 is the SplitMix64 finalizer: spreads any 64-bit input over all bits.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

func hashString(s string) uint64 { return maphash.String(hashSeed, s) }

// Per-type tags so that, say, the string "1" and the integer 1 are different values.
const (
	tagInt    = 0x1d8e4e27c47d124f
	tagDouble = 0x2f7a3b1c5d9e8f01
	tagBool   = 0x3c6ef372fe94f82b
	tagBytes  = 0x4a7c15f39cc6b3d1
	tagOther  = 0x5be0cd19137e2179
	tagEmpty  = 0x6a09e667f3bcc908
)

// valueHash hashes an attribute value without allocating for the common types.
func valueHash(v pcommon.Value) uint64 {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return maphash.String(hashSeed, v.Str())
	case pcommon.ValueTypeInt:
		return mix64(uint64(v.Int()) ^ tagInt)
	case pcommon.ValueTypeDouble:
		return mix64(math.Float64bits(v.Double()) ^ tagDouble)
	case pcommon.ValueTypeBool:
		if v.Bool() {
			return mix64(1 ^ tagBool)
		}
		return mix64(tagBool)
	case pcommon.ValueTypeBytes:
		return maphash.Bytes(hashSeed, v.Bytes().AsRaw()) ^ tagBytes
	case pcommon.ValueTypeEmpty:
		return tagEmpty
	default: // maps and slices: rare as attribute values; hash their JSON form
		return maphash.String(hashSeed, v.AsString()) ^ tagOther
	}
}

// kvHash combines a key hash and a value hash; attribute sets are hashed as the sum of their
// pairs' hashes, so the order of the attributes does not matter.
func kvHash(keyHash, valHash uint64) uint64 {
	return mix64(keyHash ^ (valHash * 0x9e3779b97f4a7c15))
}

// seriesHash identifies a series: resource attribute set + data point attribute set.
func seriesHash(resourceSet, pointSet uint64) uint64 {
	return mix64(resourceSet ^ mix64(pointSet+0x7f4a7c15))
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

// valueHashSize returns the value's hash and its protobuf size as an AnyValue message
// (string_value = 1, bool_value = 2, int_value = 3 varint, double_value = 4 fixed64,
// bytes_value = 7); ok is false for maps and slices, whose size is left to pdata.
func valueHashSize(v pcommon.Value) (h uint64, size int, ok bool) {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		s := v.Str()
		return maphash.String(hashSeed, s), framed(len(s)), true
	case pcommon.ValueTypeInt:
		i := v.Int()
		return mix64(uint64(i) ^ tagInt), 1 + varintLen(uint64(i)), true
	case pcommon.ValueTypeDouble:
		return mix64(math.Float64bits(v.Double()) ^ tagDouble), 9, true
	case pcommon.ValueTypeBool:
		return valueHash(v), 2, true
	case pcommon.ValueTypeBytes:
		return valueHash(v), framed(v.Bytes().Len()), true
	case pcommon.ValueTypeEmpty:
		return tagEmpty, 0, true
	}
	return valueHash(v), 0, false
}
