// Command verify checks a Stablegate webhook delivery: the signature over
// the timestamp and the raw body, the timestamp's distance from now, and
// the event id against the ids already seen. Standard library only; see
// ../README.md for the interface shared with verify.mjs and verify.sh.
//
//	STABLEGATE_WEBHOOK_SECRET=whsec_... STABLEGATE_SIGNATURE='t=...,v1=...' go run ./portal/samples/webhooks/go body.json
package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// refused is a verification refusal with its stable reason.
type refused string

func (r refused) Error() string { return string(r) }

// verify returns the event id of a genuine, fresh, first-seen delivery.
func verify(secret, header string, body []byte, now, tolerance int64, seenFile string) (string, error) {
	if strings.TrimSpace(header) == "" {
		return "", refused("no_signature")
	}
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || k == "" {
			return "", refused("malformed_header")
		}
		switch k {
		case "t":
			if ts != "" || v == "" || len(v) > 12 || strings.Trim(v, "0123456789") != "" {
				return "", refused("malformed_header")
			}
			ts = v
		case "v1":
			s, err := hex.DecodeString(v)
			if err != nil || len(s) != sha256.Size {
				return "", refused("malformed_header")
			}
			sigs = append(sigs, s)
		}
	}
	if ts == "" {
		return "", refused("malformed_header")
	}
	if len(sigs) == 0 {
		return "", refused("no_signature")
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	want := m.Sum(nil)
	match := false
	for _, s := range sigs {
		if hmac.Equal(s, want) { // constant time
			match = true
		}
	}
	if !match {
		return "", refused("signature_mismatch")
	}
	t, _ := strconv.ParseInt(ts, 10, 64)
	if d := now - t; d > tolerance || -d > tolerance {
		return "", refused("timestamp_outside_tolerance")
	}
	var env struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(body, &env) != nil || env.ID == "" || strings.ContainsAny(env.ID, "\r\n") {
		return "", refused("malformed_envelope")
	}
	if seen, err := os.ReadFile(seenFile); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(seen))
		for sc.Scan() {
			if sc.Text() == env.ID {
				return "", refused("replayed")
			}
		}
	}
	f, err := os.OpenFile(seenFile, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	if _, err := f.WriteString(env.ID + "\n"); err != nil {
		_ = f.Close()
		return "", err
	}
	return env.ID, f.Close()
}

func envInt(name string, def int64) int64 {
	if v := os.Getenv(name); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s must be an integer\n", name)
			os.Exit(2)
		}
		return n
	}
	return def
}

func main() {
	secret := os.Getenv("STABLEGATE_WEBHOOK_SECRET")
	if len(os.Args) != 2 || secret == "" {
		fmt.Fprintln(os.Stderr, "usage: STABLEGATE_WEBHOOK_SECRET=... STABLEGATE_SIGNATURE=... verify BODY_FILE")
		os.Exit(2)
	}
	body, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	seen := os.Getenv("STABLEGATE_SEEN_FILE")
	if seen == "" {
		seen = "seen-event-ids.txt"
	}
	id, err := verify(secret, os.Getenv("STABLEGATE_SIGNATURE"), body,
		envInt("STABLEGATE_NOW", time.Now().Unix()), envInt("STABLEGATE_TOLERANCE", 300), seen)
	if r, ok := err.(refused); ok {
		fmt.Println("refused: " + string(r))
		os.Exit(1)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Println("verified " + id)
}
