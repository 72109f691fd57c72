package flowgatemeasureprocessor

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"go.uber.org/zap"
)

// Snapshots (docs/measurement.md): on a "snapshot.request" every matching instance captures the
// next records that pass, within bounds, and answers once with a "snapshot.response".

const (
	defaultSnapshotItems   = 100
	maxSnapshotItems       = 1000
	defaultSnapshotBytes   = 256 << 10
	maxSnapshotBytes       = 1 << 20
	defaultSnapshotTimeout = 30 * time.Second
	maxSnapshotTimeout     = 60 * time.Second
	// maxRequestBytes bounds a request after decompression.
	maxRequestBytes = 64 << 10
)

type snapshotRequest struct {
	ID       string   `json:"id"`
	Pipeline *string  `json:"pipeline"`
	Position *string  `json:"position"`
	Signal   *string  `json:"signal"`
	MaxItems int      `json:"max_items"`
	MaxBytes int      `json:"max_bytes"`
	TimeoutS *float64 `json:"timeout_s"`
}

type snapshotResponse struct {
	ID        string          `json:"id"`
	Pipeline  string          `json:"pipeline,omitempty"`
	Position  string          `json:"position,omitempty"`
	Signal    string          `json:"signal,omitempty"`
	Items     int             `json:"items"`
	Truncated bool            `json:"truncated"`
	OTLP      json.RawMessage `json:"otlp,omitempty"`
	Error     string          `json:"error,omitempty"`
}

// parseSnapshotRequest reads a request (plain or gzip-compressed JSON) and applies the bounds:
// missing or non-positive values take the defaults, larger ones the maximums.
func parseSnapshotRequest(data []byte) (snapshotRequest, error) {
	var req snapshotRequest
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return req, fmt.Errorf("snapshot.request: bad gzip: %w", err)
		}
		data, err = io.ReadAll(io.LimitReader(zr, maxRequestBytes+1))
		if err != nil {
			return req, fmt.Errorf("snapshot.request: bad gzip: %w", err)
		}
	}
	if len(data) > maxRequestBytes {
		return req, errors.New("snapshot.request: larger than 64 KiB")
	}
	if err := json.Unmarshal(data, &req); err != nil {
		return req, fmt.Errorf("snapshot.request: not JSON: %w", err)
	}
	if req.ID == "" {
		return req, errors.New("snapshot.request: id is required")
	}
	if req.Signal != nil && *req.Signal != string(signalMetrics) && *req.Signal != string(signalLogs) &&
		*req.Signal != string(signalTraces) {
		return req, fmt.Errorf("snapshot.request: signal must be metrics, logs or traces, got %q", *req.Signal)
	}
	if req.Position != nil && *req.Position != PositionIn && *req.Position != PositionOut {
		return req, fmt.Errorf("snapshot.request: position must be in or out, got %q", *req.Position)
	}
	req.MaxItems = bounded(req.MaxItems, defaultSnapshotItems, maxSnapshotItems)
	req.MaxBytes = bounded(req.MaxBytes, defaultSnapshotBytes, maxSnapshotBytes)
	return req, nil
}

func bounded(v, def, hi int) int {
	if v <= 0 {
		return def
	}
	return min(v, hi)
}

func (req snapshotRequest) timeout() time.Duration {
	if req.TimeoutS == nil || *req.TimeoutS <= 0 {
		return defaultSnapshotTimeout
	}
	return min(time.Duration(*req.TimeoutS*float64(time.Second)), maxSnapshotTimeout)
}

func (req snapshotRequest) matches(m *measurer) bool {
	return (req.Pipeline == nil || *req.Pipeline == m.cfg.Pipeline) &&
		(req.Position == nil || *req.Position == m.cfg.Position) &&
		(req.Signal == nil || *req.Signal == string(m.signal))
}

// startSnapshot arms a capture on every matching instance, or answers at once with an error.
func (r *reporter) startSnapshot(data []byte, now time.Time) {
	req, err := parseSnapshotRequest(data)
	if err != nil {
		r.logger.Warn("flowgate_measure: refusing a snapshot request", zap.Error(err))
		if req.ID != "" {
			r.enqueue(snapshotError(req.ID, err.Error()))
		}
		return
	}
	r.mu.Lock()
	matched := 0
	for m := range r.measurers {
		if !req.matches(m) {
			continue
		}
		matched++
		c := newCapture(req, m.signal, now.Add(req.timeout()), r.poke)
		if !m.capture.CompareAndSwap(nil, c) {
			reply := snapshotResponse{ID: req.ID, Pipeline: m.cfg.Pipeline, Position: m.cfg.Position, Signal: string(m.signal),
				Error: "another snapshot is being captured at this point; try again when it is answered"}
			r.replies = append(r.replies, encodeReply(reply, r.logger))
		}
	}
	r.mu.Unlock()
	if matched == 0 {
		r.enqueue(snapshotError(req.ID, "no flowgate_measure instance matches this pipeline, position and signal"))
	}
}

func snapshotError(id, msg string) outgoing {
	return encodeReply(snapshotResponse{ID: id, Error: msg}, nil)
}

func encodeReply(reply snapshotResponse, logger *zap.Logger) outgoing {
	data, err := gzipJSON(reply)
	if err != nil { // cannot happen with these types; answer with the error rather than nothing
		if logger != nil {
			logger.Error("flowgate_measure: cannot encode a snapshot response", zap.Error(err))
		}
		data, _ = gzipJSON(snapshotResponse{ID: reply.ID, Error: "cannot encode the snapshot"})
	}
	return outgoing{typ: typeSnapshotReply, data: data}
}
