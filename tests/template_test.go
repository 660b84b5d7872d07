package tests

// Checks of template.yaml that need no stack: what each function's IAM
// lets it do with the KMS keys (finding 9), and the limits every function
// and route runs under (finding 15). The IAM checks evaluate the
// statements as AWS does (allow if a statement matches and no deny does;
// the condition operators the template uses) against requests written as
// KMS would see them, so they test what a statement permits, not how it is
// spelled. See infra/security.md.

import (
	"path"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/stablegate/stablegate/internal/dev/devstack"
	"github.com/stablegate/stablegate/shared/custody"
	"github.com/stablegate/stablegate/shared/dynamo"
)

// stackName stands for !Ref AWS::StackName in the requests below.
const stackName = "stack"

// kmsKey is a KMS key as IAM sees it: the resource (a statement's
// Resource must match it) and the key's properties and tags.
type kmsKey struct {
	resource string
	spec     string // KeySpec
	usage    string // KeyUsage
	origin   string // Origin: AWS_KMS, EXTERNAL...
	tags     map[string]string
}

func (k kmsKey) context() map[string][]string {
	c := map[string][]string{"kms:KeySpec": {k.spec}, "kms:KeyUsage": {k.usage}, "kms:KeyOrigin": {k.origin}, "kms:MultiRegion": {"false"}}
	for t, v := range k.tags {
		c["aws:ResourceTag/"+t] = []string{v}
	}
	return c
}

const (
	hotTag    = "stablegate-hot"
	verifyTag = "stablegate-hot-verify"
	specK1    = "ECC_SECG_P256K1" // the hot key's KeySpec
)

var (
	// The hot key in use: made by the template or by a rotation.
	hotKey = kmsKey{resource: "key/hot", spec: specK1, usage: "SIGN_VERIFY", origin: "AWS_KMS",
		tags: map[string]string{hotTag: stackName, verifyTag: stackName}}
	// A key a rotation retired: it verifies, it must not sign again.
	retiredKey = kmsKey{resource: "key/retired", spec: specK1, usage: "SIGN_VERIFY", origin: "AWS_KMS",
		tags: map[string]string{hotTag: "retired", verifyTag: stackName}}
	// Another stack's hot key in the same account.
	otherStackKey = kmsKey{resource: "key/other-stack", spec: specK1, usage: "SIGN_VERIFY", origin: "AWS_KMS",
		tags: map[string]string{hotTag: "other", verifyTag: "other"}}
	// Keys of the account that are no hot key at all.
	foreignAES  = kmsKey{resource: "key/foreign-aes", spec: "SYMMETRIC_DEFAULT", usage: "ENCRYPT_DECRYPT", origin: "AWS_KMS"}
	foreignP256 = kmsKey{resource: "key/foreign-p256", spec: "ECC_NIST_P256", usage: "SIGN_VERIFY", origin: "AWS_KMS"}
	// Keys carrying the hot tag that a rotation could not have made.
	taggedP256 = kmsKey{resource: "key/tagged-p256", spec: "ECC_NIST_P256", usage: "SIGN_VERIFY", origin: "AWS_KMS",
		tags: map[string]string{hotTag: stackName, verifyTag: stackName}}
	taggedImported = kmsKey{resource: "key/tagged-imported", spec: specK1, usage: "SIGN_VERIFY", origin: "EXTERNAL",
		tags: map[string]string{hotTag: stackName, verifyTag: stackName}}
)

// request is one KMS call as IAM evaluates it.
type request struct {
	action   string
	resource string
	ctx      map[string][]string
}

func tagRequest(action string, k kmsKey, tags map[string]string) request {
	c := k.context()
	var keys []string
	for t, v := range tags {
		c["aws:RequestTag/"+t] = []string{v}
		keys = append(keys, t)
	}
	sort.Strings(keys)
	c["aws:TagKeys"] = keys
	return request{action: action, resource: k.resource, ctx: c}
}

func untagRequest(k kmsKey, keys ...string) request {
	c := k.context()
	c["aws:TagKeys"] = keys
	return request{action: "kms:UntagResource", resource: k.resource, ctx: c}
}

func keyRequest(action string, k kmsKey) request {
	return request{action: action, resource: k.resource, ctx: k.context()}
}

// createKey is CreateKey with tags: KMS asks for kms:CreateKey and, for
// the tags, kms:TagResource on no key yet (so no aws:ResourceTag). Whether
// the tag check sees the request's kms:KeySpec is not documented: both
// forms are returned and a rotation must pass both.
func createKey(spec, usage, origin string, multiRegion bool, tags map[string]string) []request {
	base := map[string][]string{"kms:KeySpec": {spec}, "kms:KeyUsage": {usage}, "kms:KeyOrigin": {origin}, "kms:MultiRegion": {boolString(multiRegion)}}
	var keys []string
	for t, v := range tags {
		base["aws:RequestTag/"+t] = []string{v}
		keys = append(keys, t)
	}
	sort.Strings(keys)
	base["aws:TagKeys"] = keys
	bare := map[string][]string{"aws:TagKeys": keys}
	for t, v := range tags {
		bare["aws:RequestTag/"+t] = []string{v}
	}
	return []request{{action: "kms:CreateKey", resource: "*", ctx: base}, {action: "kms:TagResource", resource: "*", ctx: base},
		{action: "kms:TagResource", resource: "*", ctx: bare}}
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// envelopeKey is the template's EnvelopeKey as a statement names it.
const envelopeKey = "!GetAtt EnvelopeKey.Arn"

func envelopeRequest(action string, ec map[string]string) request {
	c := map[string][]string{}
	var keys []string
	for k, v := range ec {
		c["kms:EncryptionContext:"+k] = []string{v}
		keys = append(keys, k)
	}
	if len(keys) > 0 {
		sort.Strings(keys)
		c["kms:EncryptionContextKeys"] = keys
	}
	return request{action: action, resource: envelopeKey, ctx: c}
}

// allowed evaluates a function's statements for one request: an explicit
// deny wins, else any matching allow.
func allowed(t *testing.T, sts []devstack.Statement, r request) bool {
	t.Helper()
	allow := false
	for _, s := range sts {
		if !matchAny(s.Actions, r.action) || !resourceMatches(s.Resources, r.resource) || !conditionsHold(t, s.Condition, r.ctx) {
			continue
		}
		if s.Effect == "Deny" {
			return false
		}
		allow = allow || s.Effect == "Allow"
	}
	return allow
}

func matchAny(patterns []string, v string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(strings.ToLower(p), strings.ToLower(v)); ok {
			return true
		}
	}
	return false
}

func resourceMatches(resources []string, r string) bool {
	for _, x := range resources {
		if x == "*" || x == r {
			return true
		}
	}
	return false
}

// resolve turns a statement's value into the request's terms.
func resolve(v string) string {
	if v == "!Ref AWS::StackName" {
		return stackName
	}
	return v
}

func conditionsHold(t *testing.T, cond map[string]map[string][]string, ctx map[string][]string) bool {
	t.Helper()
	lower := map[string][]string{}
	for k, v := range ctx {
		lower[strings.ToLower(k)] = v
	}
	for op, keys := range cond {
		for key, vals := range keys {
			want := make([]string, len(vals))
			for i, v := range vals {
				want[i] = resolve(v)
			}
			if !conditionHolds(t, op, want, lower[strings.ToLower(key)]) {
				return false
			}
		}
	}
	return true
}

// conditionHolds applies one operator as IAM does; an operator the
// template starts using that is not here fails the test rather than
// passing unexamined.
func conditionHolds(t *testing.T, op string, want, got []string) bool {
	t.Helper()
	if op == "Null" {
		return (want[0] == "true") == (len(got) == 0)
	}
	set := ""
	if i := strings.Index(op, ":"); i >= 0 {
		set, op = op[:i], op[i+1:]
	}
	ifExists := strings.HasSuffix(op, "IfExists")
	op = strings.TrimSuffix(op, "IfExists")
	var match func(w, g string) bool
	switch op {
	case "StringEquals", "Bool":
		match = func(w, g string) bool { return w == g }
	case "StringEqualsIgnoreCase":
		match = strings.EqualFold
	case "StringLike":
		match = func(w, g string) bool { ok, _ := path.Match(w, g); return ok }
	default:
		t.Fatalf("condition operator %q is not known to this check", op)
	}
	some := func(g string) bool {
		for _, w := range want {
			if match(w, g) {
				return true
			}
		}
		return false
	}
	switch set {
	case "ForAllValues":
		for _, g := range got {
			if !some(g) {
				return false
			}
		}
		return true
	case "ForAnyValue":
		for _, g := range got {
			if some(g) {
				return true
			}
		}
		return false
	case "":
		if len(got) == 0 {
			return ifExists
		}
		return len(got) == 1 && some(got[0])
	}
	t.Fatalf("condition set operator %q is not known to this check", set)
	return false
}

// functionStatements maps each function to its IAM statements.
func functionStatements(t *testing.T) (*devstack.Template, map[string][]devstack.Statement) {
	tpl := loadTemplate(t)
	out := map[string][]devstack.Statement{}
	for _, f := range tpl.Functions() {
		out[f.LogicalID] = devstack.PolicyStatements(tpl.Resources[f.LogicalID])
	}
	return tpl, out
}

// hotSigners are the functions that sign with the hot key.
var hotSigners = []string{"WithdrawalsWorkerFunction", "WithdrawalsTrackFunction", "SweepsFunction", "SweepsTronFunction", "HotKeyRotateFunction"}

// Finding 9: the rotation may mark as a hot key only a key it makes now
// (specK1, for signing, key material made by KMS, one region), and the
// signers sign only with such a key carrying this stack's tag. No function
// may put the tag on a key of the account, re-arm a retired key, adopt
// another stack's key or add tags of its own choosing.
func TestFinding9_KMSTagAndKeySpecConditions(t *testing.T) {
	_, fns := functionStatements(t)
	hot := map[string]string{hotTag: stackName, verifyTag: stackName}
	forbidden := []struct {
		name string
		r    request
	}{
		{"tag an AES key of the account as this stack's hot key", tagRequest("kms:TagResource", foreignAES, hot)},
		{"tag a P-256 key of the account as this stack's hot key", tagRequest("kms:TagResource", foreignP256, hot)},
		{"adopt another stack's hot key", tagRequest("kms:TagResource", otherStackKey, hot)},
		{"re-arm a retired key", tagRequest("kms:TagResource", retiredKey, map[string]string{hotTag: stackName})},
		{"re-arm a retired key with both tags", tagRequest("kms:TagResource", retiredKey, hot)},
		{"add a tag of its own to the hot key", tagRequest("kms:TagResource", hotKey, map[string]string{"owner": "x"})},
		{"retire with an extra tag", tagRequest("kms:TagResource", hotKey, map[string]string{hotTag: "retired", "owner": "x"})},
		{"remove the verify tag of a retired key", untagRequest(retiredKey, verifyTag)},
		{"remove the hot tag of another stack's key", untagRequest(otherStackKey, hotTag)},
		{"grant on the hot key", keyRequest("kms:CreateGrant", hotKey)},
		{"replace the hot key's policy", keyRequest("kms:PutKeyPolicy", hotKey)},
		{"sign with a retired key", keyRequest("kms:Sign", retiredKey)},
		{"sign with another stack's key", keyRequest("kms:Sign", otherStackKey)},
		{"sign with a P-256 key carrying the hot tag", keyRequest("kms:Sign", taggedP256)},
		{"sign with imported key material carrying the hot tag", keyRequest("kms:Sign", taggedImported)},
		{"sign with a key of the account", keyRequest("kms:Sign", foreignP256)},
	}
	for _, bad := range []struct {
		name string
		rs   []request
	}{
		{"create a symmetric key tagged hot", createKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AWS_KMS", false, hot)},
		{"create a P-256 key tagged hot", createKey("ECC_NIST_P256", "SIGN_VERIFY", "AWS_KMS", false, hot)},
		{"create a key for imported material tagged hot", createKey(specK1, "SIGN_VERIFY", "EXTERNAL", false, hot)},
		{"create a multi-Region key tagged hot", createKey(specK1, "SIGN_VERIFY", "AWS_KMS", true, hot)},
		{"create a key tagged for another stack", createKey(specK1, "SIGN_VERIFY", "AWS_KMS", false, map[string]string{hotTag: "other", verifyTag: "other"})},
		{"create a key with an extra tag", createKey(specK1, "SIGN_VERIFY", "AWS_KMS", false, map[string]string{hotTag: stackName, verifyTag: stackName, "owner": "x"})},
	} {
		forbidden = append(forbidden, struct {
			name string
			r    request
		}{bad.name, bad.rs[0]})
	}
	ids := make([]string, 0, len(fns))
	for id := range fns {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		for _, f := range forbidden {
			if allowed(t, fns[id], f.r) {
				t.Errorf("%s may %s (%s on %s)", id, f.name, f.r.action, f.r.resource)
			}
		}
	}

	// What the functions must still be able to do.
	for _, id := range hotSigners {
		for _, a := range []string{"kms:Sign", "kms:GetPublicKey"} {
			if !allowed(t, fns[id], keyRequest(a, hotKey)) {
				t.Errorf("%s may not %s with the hot key", id, a)
			}
		}
	}
	rot := fns["HotKeyRotateFunction"]
	for i, r := range createKey(specK1, "SIGN_VERIFY", "AWS_KMS", false, hot) {
		if !allowed(t, rot, r) {
			t.Errorf("HotKeyRotateFunction may not make the new key (request %d: %s %v)", i, r.action, r.ctx)
		}
	}
	if !allowed(t, rot, tagRequest("kms:TagResource", hotKey, map[string]string{hotTag: "retired", verifyTag: stackName})) { // as Rotator.retire tags it
		t.Error("HotKeyRotateFunction may not retire the old key")
	}
	if !allowed(t, rot, keyRequest("kms:UpdateAlias", hotKey)) {
		t.Error("HotKeyRotateFunction may not point the alias from the old key to the new one")
	}
}

// Finding 9: each function decrypts (or makes data keys) only for the
// envelope purposes it uses, and only with a tenant in the context.
func TestFinding9_DecryptByPurpose(t *testing.T) {
	_, fns := functionStatements(t)
	pii, webhook := dynamo.PIIPurpose, custody.WebhookPurpose
	type uses struct{ decrypt, generate []string }
	want := map[string]uses{
		"WalletsCreateFunction":     {decrypt: []string{pii}, generate: []string{pii}},
		"WalletsListFunction":       {decrypt: []string{pii}},
		"WalletsGetFunction":        {decrypt: []string{pii}},
		"PolicyPutFunction":         {generate: []string{webhook}},
		"WithdrawalsWorkerFunction": {decrypt: []string{webhook}},
	}
	purposes := []string{pii, webhook, "another-purpose"}
	for id, sts := range fns {
		u := want[id]
		for _, c := range []struct {
			action string
			may    []string
		}{{"kms:Decrypt", u.decrypt}, {"kms:GenerateDataKey", u.generate}} {
			for _, p := range purposes {
				got := allowed(t, sts, envelopeRequest(c.action, map[string]string{"tenant": "acme", "purpose": p}))
				if w := contains(c.may, p); got != w {
					t.Errorf("%s %s for purpose %q: allowed %v, want %v", id, c.action, p, got, w)
				}
			}
			if allowed(t, sts, envelopeRequest(c.action, map[string]string{"purpose": pii})) ||
				allowed(t, sts, envelopeRequest(c.action, map[string]string{"purpose": webhook})) {
				t.Errorf("%s may %s without a tenant in the encryption context", id, c.action)
			}
			if allowed(t, sts, envelopeRequest(c.action, nil)) {
				t.Errorf("%s may %s with no encryption context", id, c.action)
			}
		}
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// Finding 15: every HTTP route and WebSocket route is throttled (the
// money-moving routes tighter than the rest), every function that signs
// runs with reserved concurrency, and every function logs to a log group
// that expires its events.
func TestFinding15_ThrottlingConcurrencyRetention(t *testing.T) {
	tpl, fns := functionStatements(t)
	throttled := func(n *yaml.Node) bool {
		return n != nil && devstack.Short(get(n, "ThrottlingBurstLimit")) != "" && devstack.Short(get(n, "ThrottlingRateLimit")) != ""
	}

	routes := map[string]bool{}
	for _, f := range tpl.Functions() {
		for _, r := range f.Routes {
			routes[r.Key()] = true
		}
	}
	apis := tpl.OfType("AWS::Serverless::HttpApi")
	if len(apis) == 0 {
		t.Fatal("no HTTP API in the template")
	}
	for _, id := range apis {
		api := tpl.Resources[id]
		if !throttled(api.Prop("DefaultRouteSettings")) {
			t.Errorf("%s: DefaultRouteSettings sets no ThrottlingBurstLimit and ThrottlingRateLimit: its routes are not throttled", id)
		}
		rs := api.Prop("RouteSettings")
		for i := 0; rs != nil && i+1 < len(rs.Content); i += 2 {
			if k := rs.Content[i].Value; !routes[k] {
				t.Errorf("%s: RouteSettings names %q, which no function serves (the stage would not deploy)", id, k)
			}
			if !throttled(rs.Content[i+1]) {
				t.Errorf("%s: RouteSettings %q sets no throttling", id, rs.Content[i].Value)
			}
		}
		for _, k := range []string{"POST /v1/withdrawals", "POST /v1/transfers", "POST /v1/transfers/batch"} {
			if !throttled(api.Prop("RouteSettings", k)) {
				t.Errorf("%s: money-moving route %s has no throttling of its own", id, k)
			}
		}
	}
	stages := tpl.OfType("AWS::ApiGatewayV2::Stage")
	if len(stages) == 0 {
		t.Error("no WebSocket stage in the template")
	}
	for _, id := range stages {
		if !throttled(tpl.Resources[id].Prop("DefaultRouteSettings")) {
			t.Errorf("%s: DefaultRouteSettings sets no throttling", id)
		}
	}

	for _, f := range tpl.Functions() {
		signs := false
		for _, s := range fns[f.LogicalID] {
			signs = signs || (s.Effect == "Allow" && matchAny(s.Actions, "kms:Sign"))
		}
		if signs && tpl.Resources[f.LogicalID].Prop("ReservedConcurrentExecutions") == nil {
			t.Errorf("%s signs with KMS and has no ReservedConcurrentExecutions", f.LogicalID)
		}
		evs := tpl.Resources[f.LogicalID].Prop("Events")
		for i := 0; signs && evs != nil && i+1 < len(evs.Content); i += 2 {
			ev := evs.Content[i+1]
			if devstack.Short(get(ev, "Type")) == "SQS" && get(get(get(ev, "Properties"), "ScalingConfig"), "MaximumConcurrency") == nil {
				t.Errorf("%s: queue event %s has no ScalingConfig.MaximumConcurrency: under reserved concurrency alone, throttled messages use up receives and reach the dead-letter queue",
					f.LogicalID, evs.Content[i].Value)
			}
		}

		lg := get(tpl.FunctionProp(f.LogicalID, "LoggingConfig"), "LogGroup")
		ref := devstack.Short(lg)
		if !strings.HasPrefix(ref, "!Ref ") {
			t.Errorf("%s: LoggingConfig.LogGroup is %q, not !Ref of a log group in the template: Lambda makes /aws/lambda/<name>, kept forever", f.LogicalID, ref)
			continue
		}
		g, ok := tpl.Resources[strings.TrimPrefix(ref, "!Ref ")]
		if !ok || g.Type != "AWS::Logs::LogGroup" {
			t.Errorf("%s: LoggingConfig.LogGroup %s is not an AWS::Logs::LogGroup", f.LogicalID, ref)
			continue
		}
		if g.Prop("RetentionInDays") == nil {
			t.Errorf("%s: log group %s keeps events forever (no RetentionInDays)", f.LogicalID, g.LogicalID)
		}
	}
}

// get returns the value of key in mapping node n, or nil.
func get(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
