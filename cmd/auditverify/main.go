// Command auditverify checks an export of Stablegate's audit log (the JSON
// lines GET /v1/audit/export or audit.Service.Export writes) without the
// platform: it recomputes every record's hash as sg.AuditBody and
// sg.AuditLink document, follows the chain, and compares it with the
// anchors and the head.
//
//	auditverify [-scope S] [-anchors anchors.jsonl] export.jsonl
//
// -anchors adds anchor lines read from elsewhere (the chain's calldata,
// "stablegate-audit:<scope>:<seq>:<hash>"), so a copy whose own anchor
// lines were removed is still held to them. It prints OK and the head, or
// the first break: its seq and kind. Exit status: 0 the log holds, 1 it
// does not, 2 the input cannot be read.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/stablegate/stablegate/shared/audit"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("auditverify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scope := fs.String("scope", "", "the scope to check (default: the one the file names)")
	anchorsFile := fs.String("anchors", "", "a file of anchor lines from another source (the chain)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		_, _ = fmt.Fprintln(stderr, "usage: auditverify [-scope S] [-anchors anchors.jsonl] export.jsonl")
		return 2
	}
	var extra []sg.AuditAnchor
	if *anchorsFile != "" {
		f, err := os.Open(*anchorsFile)
		if err != nil {
			_, _ = fmt.Fprintln(stderr, "auditverify:", err)
			return 2
		}
		defer func() { _ = f.Close() }()
		for l, err := range audit.Lines(f) {
			if err == nil && l.Type != audit.LineAnchor {
				err = fmt.Errorf("%w: %s holds a %s line; only anchors", audit.ErrLine, *anchorsFile, l.Type)
			}
			if err != nil {
				_, _ = fmt.Fprintln(stderr, "auditverify:", err)
				return 2
			}
			a, _ := l.Anchor()
			extra = append(extra, a)
		}
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		_, _ = fmt.Fprintln(stderr, "auditverify:", err)
		return 2
	}
	defer func() { _ = f.Close() }()
	rep, err := audit.CheckJSONL(f, *scope, extra...)
	if err != nil {
		_, _ = fmt.Fprintln(stderr, "auditverify:", err)
		return 2
	}
	if !rep.OK {
		_, _ = fmt.Fprintf(stdout, "BROKEN scope %s: %s (%d records verified before it)\n", rep.Scope, rep.Break, rep.Records)
		return 1
	}
	_, _ = fmt.Fprintf(stdout, "OK scope %s: %d records, head %d %s, %d anchors checked\n", rep.Scope, rep.Records, rep.Last.Seq, rep.Last.Hash, rep.Anchors)
	return 0
}
