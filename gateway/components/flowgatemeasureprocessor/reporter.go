package flowgatemeasureprocessor

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/open-telemetry/opamp-go/client/types"
	"github.com/open-telemetry/opamp-go/protobufs"
	"go.uber.org/zap"

	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/opampcustommessages"
)

// Capability and message types of docs/measurement.md.
const (
	capability          = "io.flowgate.measure"
	typeSummary         = "summary"
	typeSnapshotRequest = "snapshot.request"
	typeSnapshotReply   = "snapshot.response"
)

const (
	// maxOutbox bounds the messages waiting for the OpAMP connection; the oldest go first.
	maxOutbox = 16
	// flushTimeout bounds how long the last instance's shutdown waits for the final summary.
	flushTimeout = 2 * time.Second
	// retryAfter is the pause after a send the OpAMP client refused without a channel to wait on.
	retryAfter = time.Second
)

// All instances of a collector that report through the same OpAMP extension share one reporter:
// one capability registration, one goroutine, one message per interval.
var reporters = struct {
	sync.Mutex
	byRegistry map[opampcustommessages.CustomCapabilityRegistry]*reporter
}{byRegistry: map[opampcustommessages.CustomCapabilityRegistry]*reporter{}}

type outgoing struct {
	typ  string
	data []byte
}

type reporter struct {
	registry opampcustommessages.CustomCapabilityRegistry
	handler  opampcustommessages.CustomCapabilityHandler
	logger   *zap.Logger

	mu        sync.Mutex
	measurers map[*measurer]struct{}
	// final holds points of instances that shut down, for the next message; replies holds
	// snapshot responses ready to go. Both move into the outbox in collect.
	final   []summaryPoint
	replies []outgoing

	wake chan struct{}
	stop chan struct{}
	done chan struct{}

	// Owned by the run goroutine.
	outbox     []outgoing
	sending    <-chan struct{}
	retryAt    time.Time
	lastErrMsg string
}

func acquireReporter(registry opampcustommessages.CustomCapabilityRegistry, logger *zap.Logger) (*reporter, error) {
	reporters.Lock()
	defer reporters.Unlock()
	if r := reporters.byRegistry[registry]; r != nil {
		return r, nil
	}
	handler, err := registry.Register(capability)
	if err != nil {
		return nil, err
	}
	r := &reporter{
		registry:  registry,
		handler:   handler,
		logger:    logger,
		measurers: map[*measurer]struct{}{},
		wake:      make(chan struct{}, 1),
		stop:      make(chan struct{}),
		done:      make(chan struct{}),
	}
	reporters.byRegistry[registry] = r
	go r.run()
	return r, nil
}

// add starts measuring m: its first window runs from now to the next multiple of its interval.
func (r *reporter) add(m *measurer) {
	now := time.Now()
	r.mu.Lock()
	m.rep = r
	m.current.Store(newWindow(now, m.cfg.Limits))
	m.windowEnd = nextBoundary(now, m.cfg.Interval)
	r.measurers[m] = struct{}{}
	m.active.Store(true)
	r.mu.Unlock()
	r.poke()
}

// remove stops measuring m; its partial window goes into the next message. The last instance
// to leave sends what is left (waiting at most flushTimeout) and unregisters the capability.
func (r *reporter) remove(ctx context.Context, m *measurer) {
	now := time.Now()
	r.mu.Lock()
	if _, ok := r.measurers[m]; !ok {
		r.mu.Unlock()
		return
	}
	m.active.Store(false)
	delete(r.measurers, m)
	w := m.cut(now)
	r.final = append(r.final, m.point(w, now))
	if c := m.capture.Swap(nil); c != nil {
		r.replies = append(r.replies, c.response(m))
	}
	last := len(r.measurers) == 0
	r.mu.Unlock()
	if !last {
		r.poke()
		return
	}

	reporters.Lock()
	if reporters.byRegistry[r.registry] == r {
		delete(reporters.byRegistry, r.registry)
	}
	reporters.Unlock()
	close(r.stop)
	select {
	case <-r.done:
	case <-ctx.Done():
	}
	r.handler.Unregister()
}

func (r *reporter) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// nextBoundary is the first multiple of interval (since the Unix epoch) after t, so that the
// windows of all instances with the same interval end together.
func nextBoundary(t time.Time, interval time.Duration) time.Time {
	return t.Truncate(interval).Add(interval)
}

func (r *reporter) run() {
	defer close(r.done)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		now := time.Now()
		r.collect(now)
		r.trySend(now)
		timer.Reset(r.untilNext(now))
		select {
		case <-timer.C:
		case <-r.wake:
		case <-r.sending:
			r.sending = nil
		case msg, ok := <-r.handler.Message():
			if ok {
				r.handleMessage(msg)
			}
		case <-r.stop:
			r.flush()
			return
		}
	}
}

// collect cuts the windows that have ended and finishes due snapshots; the points of one pass
// form one summary message.
func (r *reporter) collect(now time.Time) {
	r.mu.Lock()
	points := r.final
	r.final = nil
	for m := range r.measurers {
		if !now.Before(m.windowEnd) {
			end := m.windowEnd
			w := m.cut(end)
			points = append(points, m.point(w, end))
			m.windowEnd = nextBoundary(now, m.cfg.Interval)
		}
		if c := m.capture.Load(); c != nil && c.due(now) && m.capture.CompareAndSwap(c, nil) {
			r.replies = append(r.replies, c.response(m))
		}
	}
	replies := r.replies
	r.replies = nil
	r.mu.Unlock()
	for _, o := range replies {
		r.enqueue(o)
	}
	for len(points) > 0 {
		chunk := points[:min(len(points), maxPointsPerMessage)]
		points = points[len(chunk):]
		data, err := encodeSummary(chunk)
		if err != nil {
			r.logger.Error("flowgate_measure: cannot encode a summary", zap.Error(err))
			return
		}
		r.enqueue(outgoing{typ: typeSummary, data: data})
	}
}

func (r *reporter) enqueue(o outgoing) {
	if len(r.outbox) >= maxOutbox {
		r.logger.Warn("flowgate_measure: OpAMP connection not taking messages; dropping the oldest",
			zap.String("type", r.outbox[0].typ))
		r.outbox = r.outbox[1:]
	}
	r.outbox = append(r.outbox, o)
}

// trySend hands the oldest message to the OpAMP client when no custom message is pending:
// the client holds one at a time, and the channel it returns closes once that one is sent.
func (r *reporter) trySend(now time.Time) {
	if r.sending != nil || len(r.outbox) == 0 || now.Before(r.retryAt) {
		return
	}
	head := r.outbox[0]
	ch, err := r.handler.SendMessage(head.typ, head.data)
	switch {
	case err == nil:
		r.outbox = r.outbox[1:]
		r.sending = ch
		r.lastErrMsg = ""
	case errors.Is(err, types.ErrCustomMessagePending):
		// Another component's message is pending: wait for it, then try again.
		r.sending = ch
	default:
		// Not connected yet, capability not (yet) accepted ...: keep the message, try later.
		if err.Error() != r.lastErrMsg {
			r.lastErrMsg = err.Error()
			r.logger.Info("flowgate_measure: OpAMP client did not take the message; will retry", zap.Error(err))
		}
	}
	if r.sending == nil && len(r.outbox) > 0 {
		r.retryAt = now.Add(retryAfter)
	}
}

// untilNext is how long the loop may sleep: until the next window end, snapshot deadline or retry.
func (r *reporter) untilNext(now time.Time) time.Duration {
	next := now.Add(time.Hour)
	r.mu.Lock()
	for m := range r.measurers {
		if m.windowEnd.Before(next) {
			next = m.windowEnd
		}
		if c := m.capture.Load(); c != nil && c.deadline.Before(next) {
			next = c.deadline
		}
	}
	r.mu.Unlock()
	if r.sending == nil && len(r.outbox) > 0 && r.retryAt.Before(next) {
		next = r.retryAt
	}
	if d := next.Sub(now); d > time.Millisecond {
		return d
	}
	return time.Millisecond
}

// flush sends what is left when the last instance stops, for at most flushTimeout.
func (r *reporter) flush() {
	r.collect(time.Now())
	deadline := time.Now().Add(flushTimeout)
	for len(r.outbox) > 0 || r.sending != nil {
		now := time.Now()
		if !now.Before(deadline) {
			r.logger.Info("flowgate_measure: shutting down with unsent summaries", zap.Int("messages", len(r.outbox)))
			return
		}
		r.trySend(now)
		wait := time.NewTimer(time.Until(deadline))
		retry := time.NewTimer(max(time.Until(r.retryAt), time.Millisecond))
		select {
		case <-r.sending:
			r.sending = nil
		case <-retry.C:
		case <-wait.C:
		}
		wait.Stop()
		retry.Stop()
	}
}

func (r *reporter) handleMessage(msg *protobufs.CustomMessage) {
	if msg.GetCapability() != capability {
		return
	}
	switch msg.GetType() {
	case typeSnapshotRequest:
		r.startSnapshot(msg.GetData(), time.Now())
	default:
		r.logger.Debug("flowgate_measure: ignoring a custom message of unknown type", zap.String("type", msg.GetType()))
	}
}
