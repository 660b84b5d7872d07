package streamimage

import (
	"reflect"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// A stream record's image reads as the item it was: every attribute type,
// nested maps and lists included, so the stream consumers (history,
// audit, the monitor) read the same values a GetItem would.
func TestItemKeepsEveryType(t *testing.T) {
	img := map[string]events.DynamoDBAttributeValue{
		"pk":     events.NewStringAttribute("T#t1"),
		"amount": events.NewNumberAttribute("1500000"),
		"raw":    events.NewBinaryAttribute([]byte{1, 2}),
		"ok":     events.NewBooleanAttribute(true),
		"none":   events.NewNullAttribute(),
		"tags":   events.NewStringSetAttribute([]string{"a", "b"}),
		"ns":     events.NewNumberSetAttribute([]string{"1", "2"}),
		"bs":     events.NewBinarySetAttribute([][]byte{{3}}),
		"list":   events.NewListAttribute([]events.DynamoDBAttributeValue{events.NewStringAttribute("x"), events.NewNumberAttribute("2")}),
		"m": events.NewMapAttribute(map[string]events.DynamoDBAttributeValue{
			"inner": events.NewMapAttribute(map[string]events.DynamoDBAttributeValue{"s": events.NewStringAttribute("deep")}),
		}),
	}
	want := map[string]types.AttributeValue{
		"pk":     &types.AttributeValueMemberS{Value: "T#t1"},
		"amount": &types.AttributeValueMemberN{Value: "1500000"},
		"raw":    &types.AttributeValueMemberB{Value: []byte{1, 2}},
		"ok":     &types.AttributeValueMemberBOOL{Value: true},
		"none":   &types.AttributeValueMemberNULL{Value: true},
		"tags":   &types.AttributeValueMemberSS{Value: []string{"a", "b"}},
		"ns":     &types.AttributeValueMemberNS{Value: []string{"1", "2"}},
		"bs":     &types.AttributeValueMemberBS{Value: [][]byte{{3}}},
		"list":   &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberS{Value: "x"}, &types.AttributeValueMemberN{Value: "2"}}},
		"m": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"inner": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"s": &types.AttributeValueMemberS{Value: "deep"}}},
		}},
	}
	if got := Item(img); !reflect.DeepEqual(got, want) {
		t.Fatalf("Item:\n got %#v\nwant %#v", got, want)
	}
}
