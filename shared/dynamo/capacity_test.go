package dynamo

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestItemSizeFollowsDocumentedRules(t *testing.T) {
	cases := []struct {
		name string
		item map[string]types.AttributeValue
		want int
	}{
		{"string", item{"PK": s("TENANT#a")}, 2 + 8},
		{"number 12345 has 5 significant digits", item{"n": n(12345)}, 1 + 3 + 1},
		{"trailing zeroes trimmed", item{"n": n(1000000)}, 1 + 1 + 1},
		{"negative number", item{"n": n(-25)}, 1 + 1 + 1},
		{"zero", item{"n": n(0)}, 1 + 1},
		{"binary", item{"b": b([]byte{1, 2, 3})}, 1 + 3},
		{"bool", item{"ok": &types.AttributeValueMemberBOOL{Value: true}}, 2 + 1},
		{"empty map", item{"m": &types.AttributeValueMemberM{Value: item{}}}, 1 + 3},
		{"map of one string", item{"m": strMap(map[string]string{"k": "vv"})}, 1 + 3 + 1 + 1 + 2},
		{"list of two maps", item{"p": &types.AttributeValueMemberL{Value: []types.AttributeValue{
			&types.AttributeValueMemberM{Value: item{"a": s("x")}}, &types.AttributeValueMemberM{Value: item{}}}}},
			1 + 3 + (1 + 3 + 1 + 1 + 1) + (1 + 3)},
		{"utf-8 counts bytes", item{"é": s("ü")}, 2 + 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ItemSize(c.item); got != c.want {
				t.Fatalf("ItemSize = %d; want %d", got, c.want)
			}
		})
	}
}

func TestWriteUnits(t *testing.T) {
	for _, c := range []struct {
		size int
		tx   bool
		want int
	}{{1, false, 1}, {1024, false, 1}, {1025, false, 2}, {900, true, 2}, {2048, true, 4}, {2049, true, 6}} {
		if got := WriteUnits(c.size, c.tx); got != c.want {
			t.Errorf("WriteUnits(%d, %v) = %d; want %d", c.size, c.tx, got, c.want)
		}
	}
}
