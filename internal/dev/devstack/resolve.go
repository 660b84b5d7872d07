package devstack

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Resolver evaluates !Ref, !Sub and !GetAtt against local physical ids.
type Resolver struct {
	StackName string
	Region    string
	AccountID string
	Params    map[string]string
	// Refs holds what !Ref of a resource returns (table name, queue URL, key id, alias name).
	Refs map[string]string
	// Attrs holds "LogicalId.Attr" values (e.g. "MainTable.Arn").
	Attrs map[string]string
}

var subVar = regexp.MustCompile(`\$\{([^}]+)\}`)

// Resolve evaluates a scalar node (or the intrinsic function it holds).
func (r *Resolver) Resolve(n *yaml.Node) (string, error) {
	if n == nil {
		return "", nil
	}
	switch {
	case n.Tag == "!Ref" || isFn(n, "Ref"):
		return r.ref(fnArg(n).Value)
	case n.Tag == "!GetAtt" || isFn(n, "Fn::GetAtt"):
		a := fnArg(n)
		if a.Kind == yaml.SequenceNode && len(a.Content) == 2 {
			return r.attr(a.Content[0].Value + "." + a.Content[1].Value)
		}
		return r.attr(a.Value)
	case n.Tag == "!Sub" || isFn(n, "Fn::Sub"):
		a := fnArg(n)
		if a.Kind != yaml.ScalarNode {
			return "", fmt.Errorf("devstack: only the one-argument form of !Sub is supported (line %d)", n.Line)
		}
		var firstErr error
		out := subVar.ReplaceAllStringFunc(a.Value, func(m string) string {
			name := m[2 : len(m)-1]
			var v string
			var err error
			if strings.Contains(name, ".") {
				v, err = r.attr(name)
			} else {
				v, err = r.ref(name)
			}
			if err != nil && firstErr == nil {
				firstErr = err
			}
			return v
		})
		return out, firstErr
	case n.Kind == yaml.ScalarNode:
		return n.Value, nil
	}
	return "", fmt.Errorf("devstack: cannot resolve node at line %d", n.Line)
}

func isFn(n *yaml.Node, name string) bool {
	return n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == name
}

func fnArg(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		return n.Content[1]
	}
	return n
}

func (r *Resolver) ref(name string) (string, error) {
	switch name {
	case "AWS::StackName":
		return r.StackName, nil
	case "AWS::Region":
		return r.Region, nil
	case "AWS::AccountId":
		return r.AccountID, nil
	case "AWS::Partition":
		return "aws", nil
	}
	if v, ok := r.Params[name]; ok {
		return v, nil
	}
	if v, ok := r.Refs[name]; ok {
		return v, nil
	}
	return "", fmt.Errorf("devstack: !Ref %s has no local value", name)
}

func (r *Resolver) attr(name string) (string, error) {
	if v, ok := r.Attrs[name]; ok {
		return v, nil
	}
	return "", fmt.Errorf("devstack: !GetAtt %s has no local value", name)
}

// Env resolves a function's environment (Globals first, the function's own
// variables override).
func (r *Resolver) Env(f Function) (map[string]string, error) {
	env := map[string]string{}
	for i := 0; i+1 < len(f.env); i += 2 {
		v, err := r.Resolve(f.env[i+1])
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", f.LogicalID, f.env[i].Value, err)
		}
		env[f.env[i].Value] = v
	}
	return env, nil
}
