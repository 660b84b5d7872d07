package memstore

import (
	"context"
	"sort"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A wallet's WebSocket stream: its newest id, its events and the id each
// change's key got, each kept sg.LiveEventWindow as the adapter's items.
type liveStream struct {
	head   int64
	events []liveEv
	keys   map[string]liveKey
}

type liveEv struct {
	sg.LiveEvent
	expires int64
}

type liveKey struct{ id, expires int64 }

func (st *Store) stream(tenant, wallet string) *liveStream {
	if st.liveEv == nil {
		st.liveEv = map[string]*liveStream{}
	}
	k := tenant + "\x00" + wallet
	if st.liveEv[k] == nil {
		st.liveEv[k] = &liveStream{keys: map[string]liveKey{}}
	}
	return st.liveEv[k]
}

// AppendEvent gives body the stream's next id unless key already has one.
func (st *Store) AppendEvent(_ context.Context, tenant, wallet, key string, body []byte) (int64, bool, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	ls := st.stream(tenant, wallet)
	now := st.Now()
	if k, ok := ls.keys[key]; ok && k.expires >= now.Unix() {
		return k.id, false, nil
	}
	ls.head++
	exp := now.Add(sg.LiveEventWindow).Unix()
	ls.events = append(ls.events, liveEv{LiveEvent: sg.LiveEvent{ID: ls.head, Body: append([]byte(nil), body...)}, expires: exp})
	ls.keys[key] = liveKey{id: ls.head, expires: exp}
	return ls.head, true, nil
}

// LastEventID is the stream's newest id (0: none yet).
func (st *Store) LastEventID(_ context.Context, tenant, wallet string) (int64, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.stream(tenant, wallet).head, nil
}

// EventsAfter lists the kept events with ids in (after, upTo], oldest first.
func (st *Store) EventsAfter(_ context.Context, tenant, wallet string, after, upTo int64, limit int) ([]sg.LiveEvent, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	ls := st.stream(tenant, wallet)
	now := st.Now().Unix()
	i := sort.Search(len(ls.events), func(i int) bool { return ls.events[i].ID > after })
	var out []sg.LiveEvent
	for ; i < len(ls.events) && ls.events[i].ID <= upTo && len(out) < limit; i++ {
		if e := ls.events[i]; e.expires >= now {
			out = append(out, sg.LiveEvent{ID: e.ID, Body: append([]byte(nil), e.Body...)})
		}
	}
	return out, nil
}

// GoLive subscribes conn if the stream's head is still head.
func (st *Store) GoLive(_ context.Context, tenant, wallet, conn string, head int64) (bool, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.stream(tenant, wallet).head != head {
		return false, nil
	}
	st.liveMaps()
	k := tenant + "\x00" + wallet
	if st.subs[k] == nil {
		st.subs[k] = map[string]int64{}
	}
	st.subs[k][conn] = st.Now().Add(ConnectionTTL).Unix()
	return true, nil
}

var _ sg.LiveEvents = (*Store)(nil)
