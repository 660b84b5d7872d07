package tests

import (
	"testing"

	"github.com/stablegate/stablegate/internal/dev/devstack"
)

// cfnResourceQuota is CloudFormation's limit of resources in one stack; a
// template over it does not deploy at all (the check is made before any
// resource is created).
const cfnResourceQuota = 500

// samExpansion is how many CloudFormation resources the SAM transform makes
// of one resource of the template: a function becomes the function, its
// execution role (unless it names one) and, per event, the permission or
// event source mapping (a schedule adds its rule); an HTTP API becomes the
// API, its stage and its JWT authorizer's permissionless parts. Each
// counted the way the transform writes them (aws-sam-translator's
// function, events and api generators).
func samExpansion(tpl *devstack.Template, id string) int {
	r := tpl.Resources[id]
	switch r.Type {
	case "AWS::Serverless::Function":
		n := 1 // AWS::Lambda::Function
		if r.Prop("Role") == nil {
			n++ // AWS::IAM::Role
		}
		evs := r.Prop("Events")
		for i := 0; evs != nil && i+1 < len(evs.Content); i += 2 {
			switch devstack.Short(get(evs.Content[i+1], "Type")) {
			case "Schedule", "ScheduleV2", "EventBridgeRule", "CloudWatchEvent":
				n += 2 // the rule and its permission
			default:
				n++ // HttpApi, Api: a permission; SQS, DynamoDB: an event source mapping
			}
		}
		return n
	case "AWS::Serverless::HttpApi":
		return 2 // AWS::ApiGatewayV2::Api and its Stage
	default:
		return 1
	}
}

// The deployment is one CloudFormation stack, so the template after the SAM
// transform must stay under the stack's resource quota. The issues that add
// functions (compliance, settlement, alarms and log groups per function)
// move it toward the limit; this says how close it is before a deploy does.
func TestTemplateFitsOneStack(t *testing.T) {
	tpl, err := devstack.LoadTemplate("../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	total, fns := 0, 0
	for id, r := range tpl.Resources {
		total += samExpansion(tpl, id)
		if r.Type == "AWS::Serverless::Function" {
			fns++
		}
	}
	t.Logf("%d template resources (%d functions) expand to about %d of CloudFormation's %d", len(tpl.Resources), fns, total, cfnResourceQuota)
	if total > cfnResourceQuota {
		t.Errorf("the template expands to about %d CloudFormation resources, over the stack quota of %d: move a group of functions into a nested stack (AWS::Serverless::Application) or share execution roles", total, cfnResourceQuota)
	}
}
