package flowgatemeasureprocessor

import "math/bits"

// The protobuf size of an ExportXServiceRequest is the sum of its framed parts. Every repeated
// message field on the way down (resource_metrics = 1, scope_metrics = 2, metrics = 2, and the
// same numbers for logs) has a field number below 16, so its tag is one byte; a framed message is
// tag + varint(length) + length. The unframed sizes come from pdata's own ProtoMarshaler
// (MetricSize, LogRecordSize, ResourceMetricsSize ...), so the totals equal MetricsSize/LogsSize
// exactly — the tests check that — while the batch is walked only once.

func varintLen(x uint64) int { return (bits.Len64(x|1) + 6) / 7 }

// framed is the size of a length-delimited field with a one-byte tag holding n bytes.
func framed(n int) int { return 1 + varintLen(uint64(n)) + n }

// framedSmall is framed with the common case (n < 128: a one-byte length) inlined.
func framedSmall(n int) int {
	if n < 128 {
		return n + 2
	}
	return framed(n)
}

// proportional splits total over parts in proportion to their weights without losing a byte:
// part k gets floor(total*cum_k/sum) - floor(total*cum_{k-1}/sum).
type proportional struct {
	total, sum, cum, given int64
}

func newProportional(total, sum int) proportional {
	return proportional{total: int64(total), sum: int64(sum)}
}

func (p *proportional) next(weight int) int64 {
	if p.sum == 0 {
		return 0
	}
	p.cum += int64(weight)
	upto := p.total * p.cum / p.sum
	share := upto - p.given
	p.given = upto
	return share
}
