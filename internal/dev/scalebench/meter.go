package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
)

// opStats is what one kind of DynamoDB request cost: how many, the items
// they returned, the bytes of their answers, and the time from sending to
// the answer's headers (DynamoDB Local builds the whole answer first: its
// time serving, plus the loopback).
type opStats struct {
	Requests int64         `json:"requests"`
	Items    int64         `json:"items"`
	Bytes    int64         `json:"bytes"`
	Wait     time.Duration `json:"wait_ns"`
}

// meter counts the DynamoDB requests a client makes, by operation.
type meter struct {
	mu  sync.Mutex
	ops map[string]*opStats
}

func newMeter() *meter { return &meter{ops: map[string]*opStats{}} }

func (m *meter) op(name string) *opStats {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.ops[name]
	if s == nil {
		s = &opStats{}
		m.ops[name] = s
	}
	return s
}

func (m *meter) snapshot() map[string]opStats {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]opStats{}
	for k, v := range m.ops {
		out[k] = opStats{Requests: atomic.LoadInt64(&v.Requests), Items: atomic.LoadInt64(&v.Items), Bytes: atomic.LoadInt64(&v.Bytes), Wait: time.Duration(atomic.LoadInt64((*int64)(&v.Wait)))}
	}
	return out
}

// countingBody counts the bytes of an answer as the SDK reads them.
type countingBody struct {
	io.ReadCloser
	n *int64
}

func (b countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	atomic.AddInt64(b.n, int64(n))
	return n, err
}

type meteredHTTP struct {
	next aws.HTTPClient
	m    *meter
}

func (c meteredHTTP) Do(req *http.Request) (*http.Response, error) {
	op := req.Header.Get("X-Amz-Target")
	if i := strings.IndexByte(op, '.'); i >= 0 {
		op = op[i+1:]
	}
	s := c.m.op(op)
	atomic.AddInt64(&s.Requests, 1)
	start := time.Now()
	resp, err := c.next.Do(req)
	atomic.AddInt64((*int64)(&s.Wait), int64(time.Since(start)))
	if err == nil && resp.Body != nil {
		resp.Body = countingBody{resp.Body, &s.Bytes}
	}
	return resp, err
}

// countItems adds the items each answer carried to the meter.
func (m *meter) countItems(st *middleware.Stack) error {
	return st.Initialize.Add(middleware.InitializeMiddlewareFunc("scalebench-items",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleInitialize(ctx, in)
			var op string
			var n int
			switch r := out.Result.(type) {
			case *dynamodb.QueryOutput:
				op, n = "Query", int(r.Count)
			case *dynamodb.ScanOutput:
				op, n = "Scan", int(r.ScannedCount)
			case *dynamodb.BatchGetItemOutput:
				op = "BatchGetItem"
				for _, v := range r.Responses {
					n += len(v)
				}
			case *dynamodb.GetItemOutput:
				op = "GetItem"
				if r.Item != nil {
					n = 1
				}
			}
			if op != "" {
				atomic.AddInt64(&m.op(op).Items, int64(n))
			}
			return out, md, err
		}), middleware.After)
}

// cpuOf is a process's user+system CPU time so far (Linux /proc).
func cpuOf(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+k) * time.Second / 100, nil // USER_HZ is 100 on Linux
}

// selfCPU is this process's user+system CPU time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// listenerPID finds the process listening on the endpoint's port (DynamoDB
// Local's Java process), or 0.
func listenerPID(endpoint string) int {
	u, err := url.Parse(endpoint)
	if err != nil {
		return 0
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		return 0
	}
	inodes := map[string]bool{}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			x := strings.Fields(sc.Text())
			if len(x) < 10 || x[3] != "0A" {
				continue
			}
			if i := strings.LastIndexByte(x[1], ':'); i >= 0 {
				if p, err := strconv.ParseInt(x[1][i+1:], 16, 32); err == nil && int(p) == port {
					inodes["socket:["+x[9]+"]"] = true
				}
			}
		}
		_ = fh.Close()
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/fd/*")
	for _, fd := range procs {
		if l, err := os.Readlink(fd); err == nil && inodes[l] {
			pid, _ := strconv.Atoi(strings.Split(fd, "/")[2])
			return pid
		}
	}
	return 0
}

// awshttpClient is the SDK's default HTTP client, with room for the
// invocation's concurrent readers.
func awshttpClient() aws.HTTPClient {
	return awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) { t.MaxIdleConnsPerHost = 64 })
}
