// Command auditverify checks an export of Stablegate's audit log (the JSON
// lines GET /v1/audit/export or audit.Service.Export writes) without the
// platform: it recomputes every record's hash as sg.AuditBody and
// sg.AuditLink document, follows the chain, and compares it with the
// anchors and the head.
//
//	auditverify [-scope S] [-anchors anchors.jsonl] export.jsonl
//	auditverify -proof [-anchors anchors.jsonl] proof.json
//
// With -proof it checks one record's proof (audit.Proof): the record's
// hash, the walk over the later records' bodies to the anchor (or head),
// and, given -anchors, that the proof's anchor is one of them.
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
	"slices"

	"github.com/stablegate/stablegate/shared/audit"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("auditverify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scope := fs.String("scope", "", "the scope to check (default: the one the file names)")
	anchorsFile := fs.String("anchors", "", "a file of anchor lines from another source (the chain)")
	proof := fs.Bool("proof", false, "the file is one record's proof (JSON), not an export")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		_, _ = fmt.Fprintln(stderr, "usage: auditverify [-scope S] [-anchors anchors.jsonl] export.jsonl | -proof [-anchors anchors.jsonl] proof.json")
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
	if *proof {
		return checkProof(fs.Arg(0), *anchorsFile != "", extra, stdout, stderr)
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

func checkProof(path string, given bool, anchors []sg.AuditAnchor, stdout, stderr io.Writer) int {
	b, err := os.ReadFile(path)
	if err != nil {
		_, _ = fmt.Fprintln(stderr, "auditverify:", err)
		return 2
	}
	p, err := audit.ParseProof(b)
	if err != nil {
		_, _ = fmt.Fprintln(stderr, "auditverify:", err)
		return 2
	}
	r := p.Record
	if err := audit.CheckProof(p); err != nil {
		_, _ = fmt.Fprintf(stdout, "BROKEN scope %s record %d: %v\n", r.Scope, r.Seq, err)
		return 1
	}
	if p.Anchor == nil {
		if given {
			_, _ = fmt.Fprintf(stdout, "BROKEN scope %s record %d: the proof reaches no anchor, only the head %d\n", r.Scope, r.Seq, p.Head.Seq)
			return 1
		}
		_, _ = fmt.Fprintf(stdout, "OK scope %s record %d leads to the head %d %s (not anchored yet)\n", r.Scope, r.Seq, p.Head.Seq, p.Head.Hash)
		return 0
	}
	if given && !slices.ContainsFunc(anchors, func(a sg.AuditAnchor) bool {
		return a.Scope == p.Anchor.Scope && a.Seq == p.Anchor.Seq && a.Hash == p.Anchor.Hash
	}) {
		_, _ = fmt.Fprintf(stdout, "BROKEN scope %s record %d: the proof's anchor at %d is not among the anchors given\n", r.Scope, r.Seq, p.Anchor.Seq)
		return 1
	}
	_, _ = fmt.Fprintf(stdout, "OK scope %s record %d leads to the anchor at %d %s (%s)\n", r.Scope, r.Seq, p.Anchor.Seq, p.Anchor.Hash, p.Anchor.Where)
	return 0
}
