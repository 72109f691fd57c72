package flowgatemeasureprocessor

import (
	"math"
	"math/bits"
)

// HyperLogLog (Flajolet, Fusy, Gandouet, Meunier, "HyperLogLog: the analysis of a near-optimal
// cardinality estimation algorithm", 2007) over 64-bit hashes, with the paper's small-range
// correction (linear counting while registers are still empty). With 64-bit hashes the paper's
// large-range correction is not needed. p = 12: m = 4096 one-byte registers, standard error
// 1.04/sqrt(m) = 1.6 %.
const (
	hllPrecision = 12
	hllRegisters = 1 << hllPrecision
	// hllBytes is what one sketch costs, for the memory budget.
	hllBytes = hllRegisters + 32
)

type hyperLogLog struct {
	registers [hllRegisters]uint8
}

// add counts one 64-bit hash; the hash must be uniformly distributed (maphash, or mix64).
func (h *hyperLogLog) add(x uint64) {
	idx := x >> (64 - hllPrecision)
	// The remaining bits, with a guard bit so that rho never exceeds 64-p+1.
	w := x<<hllPrecision | 1<<(hllPrecision-1)
	rho := uint8(bits.LeadingZeros64(w)) + 1
	if rho > h.registers[idx] {
		h.registers[idx] = rho
	}
}

// estimate returns the estimated number of distinct hashes added.
func (h *hyperLogLog) estimate() uint64 {
	const m = float64(hllRegisters)
	alpha := 0.7213 / (1 + 1.079/m)
	sum := 0.0
	zeros := 0
	for _, r := range h.registers {
		sum += math.Ldexp(1, -int(r))
		if r == 0 {
			zeros++
		}
	}
	e := alpha * m * m / sum
	if e <= 2.5*m && zeros > 0 {
		e = m * math.Log(m/float64(zeros))
	}
	return uint64(e + 0.5)
}
