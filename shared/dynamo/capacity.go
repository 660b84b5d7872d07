package dynamo

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// ItemSize is an item's size in bytes by DynamoDB's documented rules
// ("Item sizes and formats"): each attribute's name in UTF-8 bytes plus its
// value: strings in UTF-8 bytes, binary in raw bytes, numbers one byte per
// two significant digits plus one, booleans and nulls one byte, lists and
// maps three bytes plus their elements, each element one byte more.
//
// DynamoDB Local does not report consumed capacity faithfully, so costs are
// computed from sizes instead.
func ItemSize(it map[string]types.AttributeValue) int {
	size := 0
	for name, v := range it {
		size += len(name) + valueSize(v)
	}
	return size
}

func valueSize(v types.AttributeValue) int {
	switch x := v.(type) {
	case *types.AttributeValueMemberS:
		return len(x.Value)
	case *types.AttributeValueMemberB:
		return len(x.Value)
	case *types.AttributeValueMemberN:
		return numberSize(x.Value)
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberL:
		size := 3
		for _, e := range x.Value {
			size += 1 + valueSize(e)
		}
		return size
	case *types.AttributeValueMemberM:
		size := 3
		for k, e := range x.Value {
			size += 1 + len(k) + valueSize(e)
		}
		return size
	case *types.AttributeValueMemberSS:
		size := 0
		for _, e := range x.Value {
			size += len(e)
		}
		return size
	case *types.AttributeValueMemberNS:
		size := 0
		for _, e := range x.Value {
			size += numberSize(e)
		}
		return size
	case *types.AttributeValueMemberBS:
		size := 0
		for _, e := range x.Value {
			size += len(e)
		}
		return size
	}
	return 0
}

// numberSize: significant digits (leading and trailing zeroes trimmed),
// one byte per two, plus one.
func numberSize(s string) int {
	s = strings.TrimLeft(s, "+-")
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		s = s[:i]
	}
	s = strings.Replace(s, ".", "", 1)
	s = strings.Trim(s, "0")
	if s == "" {
		return 1
	}
	return (len(s)+1)/2 + 1
}

// WriteUnits is what one write of an item of size bytes costs: one unit per
// started KB, twice that inside a transaction.
func WriteUnits(size int, transactional bool) int {
	u := (size + 1023) / 1024
	if u == 0 {
		u = 1
	}
	if transactional {
		u *= 2
	}
	return u
}

// TxWriteUnits is the cost of a TransactWriteItems call. A Put costs by the
// item it writes; an Update by the larger of the item before and after,
// which the caller supplies through after (keyed by the update's index),
// since only the table knows the whole item.
func TxWriteUnits(in *dynamodb.TransactWriteItemsInput, after map[int]map[string]types.AttributeValue) (units int, sizes []int) {
	for i, ti := range in.TransactItems {
		var size int
		switch {
		case ti.Put != nil:
			size = ItemSize(ti.Put.Item)
		case ti.Update != nil, ti.Delete != nil, ti.ConditionCheck != nil:
			size = ItemSize(after[i])
		}
		sizes = append(sizes, size)
		units += WriteUnits(size, true)
	}
	return units, sizes
}
