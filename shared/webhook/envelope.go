package webhook

import (
	"encoding/json"
	"errors"
	"sync"
	"time"
)

// Envelope is the JSON body of every delivery. Created is Unix seconds (as
// the signature's t), so no receiver needs a date parser to order events.
// The envelope's members are stable within an api_version; data is the
// object the event is about, as the API returns it.
type Envelope struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	Created    int64           `json:"created"`
	APIVersion string          `json:"api_version"`
	Data       json.RawMessage `json:"data"`
}

// MarshalEnvelope is the body of a delivery of an event.
func MarshalEnvelope(id, typ string, created time.Time, apiVersion string, data json.RawMessage) ([]byte, error) {
	if len(data) == 0 {
		data = json.RawMessage("{}")
	}
	return json.Marshal(Envelope{ID: id, Type: typ, Created: created.Unix(), APIVersion: apiVersion, Data: data})
}

// ErrEnvelope: a body is not a JSON object with a string id and type.
var ErrEnvelope = errors.New("webhook: malformed_envelope")

// ParseEnvelope reads a delivery's body (after Verify).
func ParseEnvelope(body []byte) (Envelope, error) {
	var e Envelope
	if err := json.Unmarshal(body, &e); err != nil || e.ID == "" || e.Type == "" {
		return Envelope{}, ErrEnvelope
	}
	return e, nil
}

// Seen is a receiver's memory of the event ids it has processed, the
// dedupe that makes at-least-once delivery effectively once: Stablegate
// may deliver an event more than once (a retry after a lost answer, a
// replay), always with the same id. Ids are kept for TTL (zero: 72 hours,
// the retry window); a receiver that runs on more than one machine keeps
// them in its database instead, under a unique key.
type Seen struct {
	TTL time.Duration

	mu  sync.Mutex
	ids map[string]time.Time
}

// Check records id as seen at now and returns ErrReplayed if it was seen
// within TTL before.
func (s *Seen) Check(id string, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ttl := s.TTL
	if ttl <= 0 {
		ttl = 72 * time.Hour
	}
	if s.ids == nil {
		s.ids = map[string]time.Time{}
	}
	for k, at := range s.ids {
		if now.Sub(at) > ttl {
			delete(s.ids, k)
		}
	}
	if _, ok := s.ids[id]; ok {
		return ErrReplayed
	}
	s.ids[id] = now
	return nil
}
