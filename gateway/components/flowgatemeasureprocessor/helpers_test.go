package flowgatemeasureprocessor

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/open-telemetry/opamp-go/client/types"
	"github.com/open-telemetry/opamp-go/protobufs"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/opampcustommessages"
)

// fakeRegistry stands in for the OpAMP extension: it implements the same
// opampcustommessages.CustomCapabilityRegistry and records what is sent. Like opamp-go's client
// it holds one pending custom message at a time.
type fakeRegistry struct {
	mu           sync.Mutex
	capabilities []string
	sent         []sentMessage
	inbox        chan *protobufs.CustomMessage
	unregistered int
	// pendingReplies: this many SendMessage calls answer ErrCustomMessagePending first.
	pendingReplies int
	// hold: sent messages stay pending until release() is called.
	hold    bool
	pending chan struct{}
	arrived chan struct{}
}

type sentMessage struct {
	capability, typ string
	data            []byte
}

func newFakeRegistry() *fakeRegistry {
	return &fakeRegistry{inbox: make(chan *protobufs.CustomMessage, 10), arrived: make(chan struct{}, 100)}
}

func (f *fakeRegistry) Start(context.Context, component.Host) error { return nil }
func (f *fakeRegistry) Shutdown(context.Context) error              { return nil }

func (f *fakeRegistry) Register(capability string, _ ...opampcustommessages.CustomCapabilityRegisterOption) (opampcustommessages.CustomCapabilityHandler, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.capabilities = append(f.capabilities, capability)
	return &fakeHandler{f: f, capability: capability}, nil
}

type fakeHandler struct {
	f          *fakeRegistry
	capability string
}

func (h *fakeHandler) Message() <-chan *protobufs.CustomMessage { return h.f.inbox }

func (h *fakeHandler) SendMessage(typ string, data []byte) (chan struct{}, error) {
	f := h.f
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pending != nil {
		return f.pending, types.ErrCustomMessagePending
	}
	if f.pendingReplies > 0 {
		f.pendingReplies--
		ch := make(chan struct{})
		f.pending = ch
		go func() { time.Sleep(20 * time.Millisecond); f.release() }()
		return ch, types.ErrCustomMessagePending
	}
	f.sent = append(f.sent, sentMessage{capability: h.capability, typ: typ, data: bytes.Clone(data)})
	ch := make(chan struct{})
	if f.hold {
		f.pending = ch
	} else {
		close(ch)
	}
	select {
	case f.arrived <- struct{}{}:
	default:
	}
	return ch, nil
}

func (h *fakeHandler) Unregister() {
	h.f.mu.Lock()
	h.f.unregistered++
	h.f.mu.Unlock()
}

func (f *fakeRegistry) release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pending != nil {
		close(f.pending)
		f.pending = nil
	}
}

func (f *fakeRegistry) messages(typ string) []sentMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []sentMessage
	for _, m := range f.sent {
		if m.typ == typ {
			out = append(out, m)
		}
	}
	return out
}

// waitFor waits until n messages of a type were sent.
func (f *fakeRegistry) waitFor(t *testing.T, typ string, n int, within time.Duration) []sentMessage {
	t.Helper()
	deadline := time.After(within)
	for {
		if got := f.messages(typ); len(got) >= n {
			return got
		}
		select {
		case <-f.arrived:
		case <-time.After(10 * time.Millisecond):
		case <-deadline:
			t.Fatalf("waited %s for %d %q messages, got %d", within, n, typ, len(f.messages(typ)))
		}
	}
}

type fakeHost struct {
	extensions map[component.ID]component.Component
}

func (h fakeHost) GetExtensions() map[component.ID]component.Component { return h.extensions }

func hostWith(reg *fakeRegistry) fakeHost {
	return fakeHost{extensions: map[component.ID]component.Component{component.MustNewID("opamp"): reg}}
}

// testConfig is a valid config whose windows practically never end during a test.
func testConfig(pipeline, position string) *Config {
	cfg := createDefaultConfig().(*Config)
	cfg.Pipeline, cfg.Position = pipeline, position
	cfg.Interval = 1000 * time.Hour
	return cfg
}

func settings(name string) processor.Settings {
	set := processortest.NewNopSettings(componentType)
	set.ID = component.MustNewIDWithName(typeStr, name)
	return set
}

func gunzipJSON(t *testing.T, data []byte, v any) {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	raw, err := io.ReadAll(zr)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, v))
}

// decodedSummary is the message as the control plane reads it (plain maps: no field of ours is
// assumed beyond what the JSON holds).
type decodedSummary struct {
	V      int `json:"v"`
	Points []struct {
		Pipeline string `json:"pipeline"`
		Position string `json:"position"`
		Signal   string `json:"signal"`
		Window   struct {
			Start time.Time `json:"start"`
			End   time.Time `json:"end"`
		} `json:"window"`
		Items          int64            `json:"items"`
		Bytes          int64            `json:"bytes"`
		Metrics        []decodedMetric  `json:"metrics"`
		MetricsDropped *int64           `json:"metrics_dropped"`
		Logs           []map[string]any `json:"logs"`
		LogsDropped    *int64           `json:"logs_dropped"`
	} `json:"points"`
}

type decodedMetric struct {
	Name           string         `json:"name"`
	Type           string         `json:"type"`
	Unit           string         `json:"unit"`
	Monotonic      *bool          `json:"monotonic"`
	Temporality    string         `json:"temporality"`
	Series         uint64         `json:"series"`
	SeriesExact    bool           `json:"series_exact"`
	Datapoints     int64          `json:"datapoints"`
	Bytes          int64          `json:"bytes"`
	Labels         []decodedLabel `json:"labels"`
	ResourceLabels []decodedLabel `json:"resource_labels"`
}

type decodedLabel struct {
	Name     string   `json:"name"`
	Distinct uint64   `json:"distinct"`
	Exact    bool     `json:"exact"`
	Examples []string `json:"examples"`
}

func (m decodedMetric) label(name string) (decodedLabel, bool) {
	for _, l := range m.Labels {
		if l.Name == name {
			return l, true
		}
	}
	return decodedLabel{}, false
}

func decodeSummaries(t *testing.T, msgs []sentMessage) []decodedSummary {
	t.Helper()
	out := make([]decodedSummary, 0, len(msgs))
	for _, m := range msgs {
		require.Equal(t, capability, m.capability)
		var s decodedSummary
		gunzipJSON(t, m.data, &s)
		require.Equal(t, 1, s.V)
		out = append(out, s)
	}
	return out
}
