package dynamo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// SystemShards is how many balance items each platform account is spread
// over: every deposit and payout of every tenant touches them.
const SystemShards = 16

const txnPrefix = "TXN#"

// ErrDebitRefused is returned (wrapped in nothing) when a guarded debit's
// condition fails: the account lacks the funds in the bucket.
var ErrDebitRefused = errors.New("dynamo: debit condition failed")

// Every balance item has a partition key of its own,
// BAL#<tenant>#<wallet>#<chain>#<asset>#<shard> (system accounts:
// BAL#sys:<name>#<chain>#<asset>#<shard>), so DynamoDB spreads a sharded
// account's items over partitions and each takes its own ~1,000 write
// units a second.
func balanceKey(a sg.Account, shard int) map[string]types.AttributeValue {
	owner := a.TenantID + "#" + a.Wallet
	if a.IsSystem() {
		owner = a.Wallet
	}
	return key(fmt.Sprintf("%s%s#%s#%s#%02d", balPrefix, owner, a.Chain, a.Asset, shard), "BAL")
}

func shardCount(a sg.Account, hint int) int {
	if a.IsSystem() {
		return SystemShards
	}
	return max(hint, 1)
}

// accountDelta is the net change of one account in one entry.
type accountDelta struct {
	acct   sg.Account
	shards int
	delta  map[sg.Bucket]int64
}

// shardUpdate is one balance item's change.
type shardUpdate struct {
	acct  sg.Account
	shard int
	delta map[sg.Bucket]int64
}

// planShards chooses the balance item(s) each account's change lands on.
// Credits land on a random shard. A guarded debit of a sharded wallet
// account reads the shards and takes the amount from the fullest ones.
func (st *Ledger) planShards(ctx context.Context, deltas []accountDelta) ([]shardUpdate, error) {
	var out []shardUpdate
	for _, d := range deltas {
		n := shardCount(d.acct, d.shards)
		if n <= 1 {
			out = append(out, shardUpdate{d.acct, 0, d.delta})
			continue
		}
		debit := false
		for _, v := range d.delta {
			if v < 0 {
				debit = true
			}
		}
		if !debit || d.acct.IsSystem() {
			out = append(out, shardUpdate{d.acct, rand.IntN(n), d.delta})
			continue
		}
		ups, err := st.splitDebit(ctx, d)
		if err != nil {
			return nil, err
		}
		out = append(out, ups...)
	}
	return out, nil
}

// splitDebit spreads a sharded account's debit over its fullest shards.
// Each share keeps its own condition, so a concurrent change makes the
// transaction fail rather than overdraw.
func (st *Ledger) splitDebit(ctx context.Context, d accountDelta) ([]shardUpdate, error) {
	shards, err := st.shardItems(ctx, d.acct, d.shards)
	if err != nil {
		return nil, err
	}
	// Debit bucket: the one with a negative delta (one per entry for wallets).
	var bucket sg.Bucket
	var need int64
	for b, v := range d.delta {
		if v < 0 {
			bucket, need = b, -v
		}
	}
	type sh struct {
		n   int
		bal int64
	}
	var list []sh
	for n, it := range shards {
		list = append(list, sh{n, getN(it, string(bucket))})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].bal > list[j].bal })
	var out []shardUpdate
	for i, s := range list {
		if need == 0 {
			break
		}
		take := min(s.bal, need)
		if take <= 0 {
			break
		}
		delta := map[sg.Bucket]int64{bucket: -take}
		if i == 0 { // the other buckets' changes ride on the first share
			for b, v := range d.delta {
				if b != bucket {
					delta[b] = v
				}
			}
		}
		out = append(out, shardUpdate{d.acct, s.n, delta})
		need -= take
	}
	if need > 0 || len(out) == 0 {
		return nil, ErrDebitRefused
	}
	return out, nil
}

// shardItems reads an account's balance items by shard number (missing
// shards are absent from the map).
func (st *Ledger) shardItems(ctx context.Context, a sg.Account, hint int) (map[int]item, error) {
	n := shardCount(a, hint)
	keys := make([]map[string]types.AttributeValue, n)
	for i := range keys {
		keys[i] = balanceKey(a, i)
	}
	got, err := st.batchGet(ctx, keys)
	if err != nil {
		return nil, err
	}
	m := map[int]item{}
	for _, it := range got {
		pk := getS(it, attrPK)
		shard, _ := strconv.Atoi(pk[strings.LastIndexByte(pk, '#')+1:])
		m[shard] = it
	}
	return m, nil
}

// batchGet reads items by key, strongly consistent, retrying unprocessed keys.
func (st *Table) batchGet(ctx context.Context, keys []map[string]types.AttributeValue) ([]item, error) {
	var out []item
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), 100)]
		keys = keys[len(chunk):]
		req := map[string]types.KeysAndAttributes{st.table: {Keys: chunk, ConsistentRead: aws.Bool(true)}}
		for attempt := 0; len(req) > 0; attempt++ {
			if attempt > 8 {
				return nil, sg.Unavailable("dynamo.batchGet", errors.New("unprocessed keys after retries"))
			}
			res, err := st.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return nil, classify("dynamo.batchGet", err)
			}
			out = append(out, res.Responses[st.table]...)
			req = res.UnprocessedKeys
			if len(req) > 0 {
				time.Sleep(time.Duration(10<<attempt) * time.Millisecond)
			}
		}
	}
	return out, nil
}

// balanceUpdate is the transaction item for one shard: ADD the deltas, set
// the descriptive attributes, and for wallet accounts guard every bucket
// that goes down so it never falls below zero.
func (st *Ledger) balanceUpdate(u shardUpdate) types.TransactWriteItem {
	names := map[string]string{"#ty": "type", "#c": "chain", "#a": "asset"}
	vals := map[string]types.AttributeValue{":ty": s("balance"), ":c": s(string(u.acct.Chain)), ":a": s(string(u.acct.Asset))}
	set := []string{"#ty = :ty", "#c = :c", "#a = :a", attrGSI2PK + " = :bix"}
	k := balanceKey(u.acct, u.shard)
	vals[":bix"] = s(balanceIndexKey(getS(k, attrPK)))
	if !u.acct.IsSystem() {
		names["#w"] = "wallet_id"
		vals[":w"] = s(u.acct.Wallet)
		set = append(set, "#w = :w")
	}
	var adds, conds []string
	buckets := make([]string, 0, len(u.delta))
	for b := range u.delta {
		buckets = append(buckets, string(b))
	}
	sort.Strings(buckets)
	for i, b := range buckets {
		v := u.delta[sg.Bucket(b)]
		if v == 0 {
			continue
		}
		nb, vb := fmt.Sprintf("#b%d", i), fmt.Sprintf(":d%d", i)
		names[nb] = b
		vals[vb] = n(v)
		adds = append(adds, nb+" "+vb)
		if v < 0 && !u.acct.IsSystem() {
			need := fmt.Sprintf(":n%d", i)
			vals[need] = n(-v)
			conds = append(conds, nb+" >= "+need)
		}
	}
	up := &types.Update{
		TableName:                 &st.table,
		Key:                       k,
		UpdateExpression:          aws.String("SET " + strings.Join(set, ", ") + " ADD " + strings.Join(adds, ", ")),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: vals,
	}
	if len(conds) > 0 {
		up.ConditionExpression = aws.String(strings.Join(conds, " AND "))
	}
	return types.TransactWriteItem{Update: up}
}

// netDeltas folds an entry's postings into one change per account.
func netDeltas(e sg.Entry) []accountDelta {
	var out []accountDelta
	idx := map[sg.Account]int{}
	for _, p := range e.Postings {
		i, ok := idx[p.Account]
		if !ok {
			i = len(out)
			idx[p.Account] = i
			out = append(out, accountDelta{acct: p.Account, shards: p.Shards, delta: map[sg.Bucket]int64{}})
		}
		out[i].delta[p.Bucket] += int64(p.Delta)
	}
	return out
}

// TransferItem is the record of a transfer as stored. Short attribute names
// keep it well under 1 KB, so it costs 2 write units inside a transaction.
func (st *Table) transferItem(t sg.Transfer) (item, error) {
	kp, ok := sg.KeyPart("txn", t.ID)
	if !ok {
		return nil, fmt.Errorf("dynamo: transfer id %q is not keyed", t.ID)
	}
	ps := make([]types.AttributeValue, 0, len(t.Entry.Postings))
	for _, p := range t.Entry.Postings {
		ps = append(ps, &types.AttributeValueMemberM{Value: item{"a": s(p.Account.Wallet), "b": s(string(p.Bucket)), "d": n(int64(p.Delta))}})
	}
	it := item{
		attrPK: s(tenantPK(t.TenantID)), attrSK: s(txnPrefix + kp), "id": s(t.ID), "ty": s(string(t.Type)), "st": s(string(t.State)),
		"c": s(string(t.Chain)), "as": s(string(t.Asset)), "amt": n(int64(t.Amount)), "p": &types.AttributeValueMemberL{Value: ps},
		"rh": s(t.RequestHash), "ct": n(t.CreatedAt.UnixMicro()), "ut": n(t.UpdatedAt.UnixMicro()),
	}
	if t.FromWallet != "" {
		it["fw"] = s(t.FromWallet)
	}
	if t.ToWallet != "" {
		it["tw"] = s(t.ToWallet)
	}
	if t.Fee != 0 {
		it["fee"] = n(int64(t.Fee))
	}
	if t.Memo != "" {
		it["m"] = s(t.Memo)
	}
	if len(t.Metadata) > 0 {
		it["md"] = strMap(t.Metadata)
	}
	if t.ToAddress != "" {
		it["to"] = s(t.ToAddress)
	}
	if !t.ExpiresAt.IsZero() {
		it["hx"] = n(t.ExpiresAt.Unix())
	}
	if t.TxHash != "" {
		it["tx"] = s(t.TxHash)
	}
	if t.RequestedBy != "" {
		it["rb"] = s(t.RequestedBy)
	}
	if t.QuoteID != "" {
		it["fq"] = s(t.QuoteID)
	}
	if t.BatchID != "" {
		it["pb"] = s(t.BatchID)
	}
	if t.Type == sg.TransferWithdrawal && !t.State.Final() {
		it[attrGSI1PK], it[attrGSI1SK] = s(openShard(t.ID)), s(openSort(t))
	}
	if sh := t.Entry.Postings[0].Shards; sh > 1 {
		it["sh"] = n(int64(sh))
	}
	evs := make([]types.AttributeValue, 0, len(t.Events))
	for _, e := range t.Events {
		evs = append(evs, eventValue(e))
	}
	it["ev"] = &types.AttributeValueMemberL{Value: evs}
	return it, nil
}

func eventValue(e sg.Event) types.AttributeValue {
	m := item{"s": s(string(e.State)), "t": n(e.At.UnixMicro())}
	if e.Note != "" {
		m["n"] = s(e.Note)
	}
	return &types.AttributeValueMemberM{Value: m}
}

func decodeTransfer(tenant string, it item) sg.Transfer {
	t := sg.Transfer{
		ID: getS(it, "id"), TenantID: tenant, Type: sg.TransferType(getS(it, "ty")), State: sg.TransferState(getS(it, "st")),
		FromWallet: getS(it, "fw"), ToWallet: getS(it, "tw"), Chain: sg.Chain(getS(it, "c")), Asset: sg.Asset(getS(it, "as")),
		Amount: sg.Amount(getN(it, "amt")), Fee: sg.Amount(getN(it, "fee")), Memo: getS(it, "m"), Metadata: getStrMap(it, "md"),
		RequestHash: getS(it, "rh"), CreatedAt: time.UnixMicro(getN(it, "ct")).UTC(), UpdatedAt: time.UnixMicro(getN(it, "ut")).UTC(),
	}
	t.ToAddress, t.TxHash, t.NetworkFee = getS(it, "to"), getS(it, "tx"), sg.Amount(getN(it, "nf"))
	if hx := getN(it, "hx"); hx > 0 {
		t.ExpiresAt = time.Unix(hx, 0).UTC()
	}
	t.RequestedBy, t.RequiredApprovals, t.Approvals = getS(it, "rb"), int(getN(it, "ra")), decodeApprovals(it, "apv")
	t.QuoteID, t.BatchID = getS(it, "fq"), getS(it, "pb")
	_, t.NonceHeld = it["nc"]
	if code := getS(it, "wr"); code != "" {
		t.Waiting = &sg.Reason{Code: code, Message: getS(it, "wm"), Since: time.UnixMicro(getN(it, "ws")).UTC()}
	}
	if ad := getN(it, "ad"); ad > 0 {
		t.ApprovalDeadline = time.Unix(ad, 0).UTC()
	}
	shards := int(getN(it, "sh"))
	for _, p := range getList(it, "p") {
		w := getS(p, "a")
		acct := sg.Account{Wallet: w, Chain: t.Chain, Asset: t.Asset}
		if !acct.IsSystem() {
			acct.TenantID = tenant
		}
		t.Entry.Postings = append(t.Entry.Postings, sg.Posting{Account: acct, Bucket: sg.Bucket(getS(p, "b")), Delta: sg.Amount(getN(p, "d")), Shards: shards})
	}
	for _, e := range getList(it, "ev") {
		t.Events = append(t.Events, sg.Event{State: sg.TransferState(getS(e, "s")), At: time.UnixMicro(getN(e, "t")).UTC(), Note: getS(e, "n")})
	}
	return t
}

// TransferTx builds the transaction that applies t: one guarded update per
// balance item touched and the transfer record, which can be written once.
func (st *Ledger) TransferTx(ctx context.Context, t sg.Transfer) (*dynamodb.TransactWriteItemsInput, error) {
	if err := t.Entry.Check(); err != nil {
		return nil, sg.Internal("dynamo.TransferTx", err)
	}
	ups, err := st.planShards(ctx, netDeltas(t.Entry))
	if err != nil {
		return nil, err
	}
	rec, err := st.transferItem(t)
	if err != nil {
		return nil, sg.Internal("dynamo.TransferTx", err)
	}
	// The record comes first: when it already exists, its condition is the
	// one reported.
	tx := make([]types.TransactWriteItem, 0, len(ups)+1)
	tx = append(tx, types.TransactWriteItem{Put: &types.Put{TableName: &st.table, Item: rec, ConditionExpression: aws.String("attribute_not_exists(PK)")}})
	if t.QuoteID != "" {
		// Second: a quote already used by another withdrawal is reported here.
		tx = append(tx, st.useQuote(t))
	}
	for _, u := range ups {
		tx = append(tx, st.balanceUpdate(u))
	}
	return &dynamodb.TransactWriteItemsInput{TransactItems: tx}, nil
}

// ApplyTransfer applies t atomically: every balance change and the record,
// or nothing. The record's condition makes a second application of the
// same idempotency key impossible, whatever retries or redeliveries happen.
func (st *Ledger) ApplyTransfer(ctx context.Context, t sg.Transfer) error {
	return st.apply(ctx, t, nil)
}

var _ sg.ClaimingLedger = (*Ledger)(nil)

// ApplyTransferClaiming applies t and writes its limit claim (the usage
// over the version read, the committed reservation) in the same
// transaction: one round trip for the transfer and its limits.
func (st *Ledger) ApplyTransferClaiming(ctx context.Context, t sg.Transfer, c sg.LimitClaim) error {
	return st.apply(ctx, t, &c)
}

// TransferClaimTx is the transaction ApplyTransferClaiming sends: t's
// (TransferTx) with c's usage and reservation last.
func (st *Ledger) TransferClaimTx(ctx context.Context, t sg.Transfer, c sg.LimitClaim) (*dynamodb.TransactWriteItemsInput, error) {
	in, err := st.TransferTx(ctx, t)
	if err != nil {
		return nil, err
	}
	usage, res, err := limitPuts(st.table, c.Usage, c.Reservation, "")
	if err != nil {
		return nil, err
	}
	in.TransactItems = append(in.TransactItems, types.TransactWriteItem{Put: usage}, types.TransactWriteItem{Put: res})
	return in, nil
}

func (st *Ledger) apply(ctx context.Context, t sg.Transfer, c *sg.LimitClaim) error {
	var in *dynamodb.TransactWriteItemsInput
	var err error
	claimed := 0
	if c != nil {
		in, err = st.TransferClaimTx(ctx, t, *c)
		claimed = 2
	} else {
		in, err = st.TransferTx(ctx, t)
	}
	if errors.Is(err, ErrDebitRefused) {
		return st.existsOr(ctx, t, sg.ErrInsufficientFunds)
	}
	if err != nil {
		return err
	}
	_, err = st.db.TransactWriteItems(ctx, in)
	if reasons := cancelled(err); reasons != nil {
		if len(reasons) != len(in.TransactItems) {
			return sg.Unavailable("dynamo.ApplyTransfer", err)
		}
		failed := func(r types.CancellationReason) bool { return aws.ToString(r.Code) == "ConditionalCheckFailed" }
		if failed(reasons[0]) {
			return sg.ErrTransferExists
		}
		// The claim's two writes are last.
		for _, r := range reasons[len(reasons)-claimed:] {
			if failed(r) {
				return sg.ErrLimitsChanged
			}
		}
		reasons = reasons[:len(reasons)-claimed]
		if t.QuoteID != "" && len(reasons) > 1 && failed(reasons[1]) {
			return st.existsOr(ctx, t, sg.ErrQuoteUsed)
		}
		for _, r := range reasons[1:] {
			if failed(r) {
				return st.existsOr(ctx, t, sg.ErrInsufficientFunds)
			}
		}
		return sg.Unavailable("dynamo.ApplyTransfer", err) // conflicts: retry
	}
	if err != nil {
		return classify("dynamo.ApplyTransfer", err)
	}
	return nil
}

// existsOr tells a replay from a refusal: a concurrent attempt with the
// same key may have spent the funds this attempt's condition found missing.
// The record is found by the key part of the id (the time part is each
// attempt's own).
func (st *Ledger) existsOr(ctx context.Context, t sg.Transfer, refusal error) error {
	kp, _ := sg.KeyPart("txn", t.ID)
	if _, err := st.TransferByKey(ctx, t.TenantID, kp); err == nil {
		return sg.ErrTransferExists
	}
	return refusal
}

// Transfer reads one transfer by id.
func (st *Ledger) Transfer(ctx context.Context, tenant, id string) (sg.Transfer, error) {
	kp, ok := sg.KeyPart("txn", id)
	if !ok {
		return sg.Transfer{}, sg.ErrNotFound.WithParam("transfer_id")
	}
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), txnPrefix+kp), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.Transfer{}, classify("dynamo.Transfer", err)
	}
	if out.Item == nil {
		return sg.Transfer{}, sg.ErrNotFound.WithParam("transfer_id")
	}
	t := decodeTransfer(tenant, out.Item)
	// The key part matches; the time part must too (it is the first
	// attempt's), or this is not an id we issued.
	if t.ID != id {
		return sg.Transfer{}, sg.ErrNotFound.WithParam("transfer_id")
	}
	return t, nil
}

// TransferByKey reads the transfer recorded for an idempotency key's hash.
func (st *Ledger) TransferByKey(ctx context.Context, tenant, keyHash string) (sg.Transfer, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), txnPrefix+keyHash), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.Transfer{}, classify("dynamo.TransferByKey", err)
	}
	if out.Item == nil {
		return sg.Transfer{}, sg.ErrNotFound
	}
	return decodeTransfer(tenant, out.Item), nil
}

// AccountBalances reads many accounts' balances (account i with shards[i]
// shards) in batches of 100 keys (BatchGetItem), each account's shards
// summed; an account with no balance item reads zero.
func (st *Ledger) AccountBalances(ctx context.Context, as []sg.Account, shards []int) ([]sg.Balance, error) {
	out := make([]sg.Balance, len(as))
	owner := map[string]int{}
	var keys []map[string]types.AttributeValue
	for i, a := range as {
		out[i] = sg.Balance{Chain: a.Chain, Asset: a.Asset}
		for sh := range shardCount(a, shards[i]) {
			k := balanceKey(a, sh)
			owner[k[attrPK].(*types.AttributeValueMemberS).Value] = i
			keys = append(keys, k)
		}
	}
	items, err := st.batchGet(ctx, keys)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		i, ok := owner[getS(it, attrPK)]
		if !ok {
			continue
		}
		out[i].Available += sg.Amount(getN(it, "available"))
		out[i].Pending += sg.Amount(getN(it, "pending"))
		out[i].Held += sg.Amount(getN(it, "held"))
	}
	return out, nil
}

// AccountBalance sums an account's shards.
func (st *Ledger) AccountBalance(ctx context.Context, a sg.Account, shards int) (sg.Balance, error) {
	items, err := st.shardItems(ctx, a, shards)
	if err != nil {
		return sg.Balance{}, err
	}
	b := sg.Balance{Chain: a.Chain, Asset: a.Asset}
	for _, it := range items {
		b.Available += sg.Amount(getN(it, "available"))
		b.Pending += sg.Amount(getN(it, "pending"))
		b.Held += sg.Amount(getN(it, "held"))
	}
	return b, nil
}

// Move and ApprovalWait are kept for callers outside the services; the
// domain owns them.
type (
	Move         = sg.Move
	ApprovalWait = sg.ApprovalWait
)

// Transition applies m to the transfer atomically: the state changes only
// if it is still m.From, the event is appended, and the entry's postings
// are applied, all or nothing. A second attempt of the same move finds the
// state changed and returns sg.ErrStateChanged, so no move happens twice.
func (st *Ledger) Transition(ctx context.Context, tenant, id string, m Move) error {
	kp, ok := sg.KeyPart("txn", id)
	if !ok {
		return sg.ErrNotFound.WithParam("transfer_id")
	}
	set := "SET st = :to, ut = :now, ev = list_append(ev, :e)"
	vals := map[string]types.AttributeValue{
		":to": s(string(m.To)), ":from": s(string(m.From)), ":now": n(m.Event.At.UnixMicro()),
		":e": &types.AttributeValueMemberL{Value: []types.AttributeValue{eventValue(m.Event)}},
	}
	if m.Fee != nil {
		set += ", nf = :nf"
		vals[":nf"] = n(int64(*m.Fee))
	}
	if m.TxHash != "" {
		set += ", tx = :tx"
		vals[":tx"] = s(m.TxHash)
	}
	if m.Approvals != nil {
		set += ", ra = :ra, ad = :ad"
		vals[":ra"], vals[":ad"] = n(int64(m.Approvals.Required)), n(m.Approvals.Deadline.Unix())
	}
	// A move ends any wait shown on the record; a final move takes the
	// record out of the index of open withdrawals.
	remove := " REMOVE wr, wm, ws"
	switch {
	case m.To.Final():
		remove += ", " + attrGSI1PK + ", " + attrGSI1SK
	case !lapses(m.To):
		// Nothing lapses from here on: the record sorts last in the
		// expiry order (an index key only withdrawals use: on another
		// record, with no GSI1PK, it indexes nothing).
		set += ", " + attrGSI1SK + " = :due"
		vals[":due"] = s(dueSort(time.Time{}, id))
	case !m.Due.IsZero():
		set += ", " + attrGSI1SK + " = :due"
		vals[":due"] = s(dueSort(m.Due, id))
	case m.Approvals != nil:
		set += ", " + attrGSI1SK + " = :due"
		vals[":due"] = s(dueSort(m.Approvals.Deadline, id))
	}
	cond := "st = :from"
	if voids(m.To) {
		// A payout holding a nonce is committed to its chain: voiding it
		// would leave the nonce unused and stall every later payout.
		cond += " AND attribute_not_exists(nc)"
	}
	// The record's guarded update comes first, so its condition is the one
	// reported when the state has already moved.
	tx := []types.TransactWriteItem{{Update: &types.Update{
		TableName: &st.table, Key: key(tenantPK(tenant), txnPrefix+kp), UpdateExpression: aws.String(set + remove),
		ConditionExpression: aws.String(cond), ExpressionAttributeValues: vals,
	}}}
	if m.Journal != nil {
		tx = append(tx, st.journalItem(tenant, *m.Journal))
	}
	if len(m.Entry.Postings) > 0 {
		if err := m.Entry.Check(); err != nil {
			return sg.Internal("dynamo.Transition", err)
		}
		ups, err := st.planShards(ctx, netDeltas(m.Entry))
		if err != nil {
			return sg.Internal("dynamo.Transition", err)
		}
		for _, u := range ups {
			tx = append(tx, st.balanceUpdate(u))
		}
	}
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
	if reasons := cancelled(err); reasons != nil {
		if aws.ToString(reasons[0].Code) == "ConditionalCheckFailed" {
			return sg.ErrStateChanged
		}
		for _, r := range reasons[1:] {
			if aws.ToString(r.Code) == "ConditionalCheckFailed" {
				// A hold that cannot be posted or voided means the ledger and
				// the record disagree: never paper over it.
				return sg.Internal("dynamo.Transition", fmt.Errorf("hold of %s cannot move: %w", id, err))
			}
		}
		return sg.Unavailable("dynamo.Transition", err)
	}
	if err != nil {
		return classify("dynamo.Transition", err)
	}
	return nil
}

// TenantTransferPages reads every transfer record of a tenant a page (up
// to 1 MB of items) at a time, handing each page to page: a reader holds
// one page, not the tenant's history.
func (st *Ledger) TenantTransferPages(ctx context.Context, tenant string, page func([]sg.Transfer) error) error {
	p := dynamodb.NewQueryPaginator(st.db, &dynamodb.QueryInput{
		TableName: &st.table, KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :t)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(tenantPK(tenant)), ":t": s(txnPrefix)},
		ConsistentRead:            aws.Bool(true),
	})
	var ts []sg.Transfer
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return classify("dynamo.TenantTransferPages", err)
		}
		ts = ts[:0]
		for _, it := range out.Items {
			ts = append(ts, decodeTransfer(tenant, it))
		}
		if err := page(ts); err != nil {
			return err
		}
	}
	return nil
}

// TenantTransfers reads every transfer record of a tenant.
func (st *Ledger) TenantTransfers(ctx context.Context, tenant string) ([]sg.Transfer, error) {
	p := dynamodb.NewQueryPaginator(st.db, &dynamodb.QueryInput{
		TableName: &st.table, KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :t)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(tenantPK(tenant)), ":t": s(txnPrefix)},
		ConsistentRead:            aws.Bool(true),
	})
	var out []sg.Transfer
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, classify("dynamo.TenantTransfers", err)
		}
		for _, it := range page.Items {
			out = append(out, decodeTransfer(tenant, it))
		}
	}
	return out, nil
}

// TenantWallets reads every wallet of a tenant.
func (st *Wallets) TenantWallets(ctx context.Context, tenant string) ([]sg.Wallet, error) {
	var out []sg.Wallet
	page := sg.Page{Limit: 100}
	for {
		ws, next, err := st.Wallets(ctx, tenant, page)
		if err != nil {
			return nil, err
		}
		out = append(out, ws...)
		if next == "" {
			return out, nil
		}
		page.Cursor = next
	}
}
