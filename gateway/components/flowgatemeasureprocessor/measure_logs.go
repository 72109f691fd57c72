package flowgatemeasureprocessor

import (
	"strconv"
	"sync"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

var (
	logsSizer   plog.ProtoMarshaler
	tracesSizer ptrace.ProtoMarshaler
)

// logGroups are a window's (service.name, severity) groups.
type logGroups struct {
	mu      sync.Mutex
	groups  map[logGroupKey]*logGroup
	dropped int64 // records of groups past max_log_groups
}

type logGroupKey struct{ service, severity string }

type logGroup struct {
	records int64
	bytes   int64
}

// batchLogGroup aggregates a batch locally; one lock per batch merges it into the window.
type batchLogGroup struct {
	key     logGroupKey
	records int64
	bytes   int64
}

type logsScratch struct {
	groups []batchLogGroup
	sizes  []int
	tmpRL  plog.ResourceLogs
	tmpSL  plog.ScopeLogs
}

var logsScratchPool = sync.Pool{New: func() any {
	return &logsScratch{tmpRL: plog.NewResourceLogs(), tmpSL: plog.NewScopeLogs()}
}}

func (sc *logsScratch) add(key logGroupKey, bytes int64) {
	for i := range sc.groups { // a batch has few groups
		if sc.groups[i].key == key {
			sc.groups[i].records++
			sc.groups[i].bytes += bytes
			return
		}
	}
	sc.groups = append(sc.groups, batchLogGroup{key: key, records: 1, bytes: bytes})
}

// measureLogs adds one batch to the current window.
func (m *measurer) measureLogs(ld plog.Logs) {
	w := m.enter()
	defer w.leave()
	sc := logsScratchPool.Get().(*logsScratch)
	defer logsScratchPool.Put(sc)
	sc.groups = sc.groups[:0]

	var total, records int64
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		rl.Resource().CopyTo(sc.tmpRL.Resource())
		sc.tmpRL.SetSchemaUrl(rl.SchemaUrl())
		rlSize := logsSizer.ResourceLogsSize(sc.tmpRL)
		sc.tmpRL.Resource().Attributes().Clear()

		sc.sizes = sc.sizes[:0]
		recordsSize := 0
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			sl := sls.At(j)
			sl.Scope().CopyTo(sc.tmpSL.Scope())
			sc.tmpSL.SetSchemaUrl(sl.SchemaUrl())
			slSize := logsSizer.ScopeLogsSize(sc.tmpSL)
			sc.tmpSL.Scope().Attributes().Clear()
			lrs := sl.LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				f := framed(logsSizer.LogRecordSize(lrs.At(k)))
				sc.sizes = append(sc.sizes, f)
				slSize += f
				recordsSize += f
			}
			rlSize += framed(slSize)
		}
		rlFramed := framed(rlSize)
		total += int64(rlFramed)

		service := "unknown"
		if v, ok := rl.Resource().Attributes().Get("service.name"); ok && v.AsString() != "" {
			service = v.AsString()
		}
		share := newProportional(rlFramed, recordsSize)
		idx := 0
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				lr := lrs.At(k)
				severity := lr.SeverityText()
				if severity == "" {
					severity = severityName(lr.SeverityNumber())
				}
				sc.add(logGroupKey{service: service, severity: severity}, share.next(sc.sizes[idx]))
				idx++
				records++
			}
		}
	}
	w.items.Add(records)
	w.bytes.Add(total)

	maxGroups := m.cfg.Limits.MaxLogGroups
	w.logs.mu.Lock()
	if w.logs.groups == nil {
		w.logs.groups = make(map[logGroupKey]*logGroup)
	}
	for _, g := range sc.groups {
		lg := w.logs.groups[g.key]
		if lg == nil {
			if len(w.logs.groups) >= maxGroups {
				w.logs.dropped += g.records
				continue
			}
			// Copies: the strings belong to the batch.
			key := logGroupKey{service: string([]byte(g.key.service)), severity: string([]byte(g.key.severity))}
			lg = &logGroup{}
			w.logs.groups[key] = lg
		}
		lg.records += g.records
		lg.bytes += g.bytes
	}
	w.logs.mu.Unlock()
	clear(sc.groups)
}

// severityName is the short name of a severity number in the OpenTelemetry log data model
// (TRACE, TRACE2 … FATAL4), used when a record has no severity text.
func severityName(n plog.SeverityNumber) string {
	if n <= 0 || n > 24 {
		return "UNSPECIFIED"
	}
	base := [...]string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"}[(n-1)/4]
	if step := (n - 1) % 4; step > 0 {
		return base + strconv.Itoa(int(step)+1)
	}
	return base
}

// measureTraces adds one batch to the current window: spans and bytes.
func (m *measurer) measureTraces(td ptrace.Traces) {
	w := m.enter()
	defer w.leave()
	w.items.Add(int64(td.SpanCount()))
	w.bytes.Add(int64(tracesSizer.TracesSize(td)))
}
