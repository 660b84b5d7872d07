// Command kmsd serves local-kms (a KMS emulator) on 127.0.0.1 only. The
// upstream binary listens on every interface; this wraps its request handler
// in our own listener. It is a separate module so the app's go.mod does not
// carry the emulator's dependencies.
package main

import (
	"flag"
	"log"
	"net/http"
	"os"

	"github.com/nsmithuk/local-kms/src"
	"github.com/nsmithuk/local-kms/src/config"
	"github.com/nsmithuk/local-kms/src/data"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8002", "listen address (loopback only)")
	dir := flag.String("data", "", "data directory")
	flag.Parse()
	config.AWSAccountId = envOr("KMS_ACCOUNT_ID", "111122223333")
	config.AWSRegion = envOr("KMS_REGION", "us-east-1")
	if *dir == "" {
		log.Fatal("kmsd: -data is required")
	}
	config.DatabasePath = *dir
	db := data.NewDatabase(*dir)
	defer db.Close()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { src.HandleRequest(w, r, db) })
	log.Printf("kmsd listening on http://%s", *addr)
	log.Fatal(http.ListenAndServe(*addr, h))
}

func envOr(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}
