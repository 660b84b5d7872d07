package devstack

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// RIE runs a built bootstrap binary under the official Lambda runtime
// interface emulator, on 127.0.0.1.
type RIE struct {
	URL  string
	cmd  *exec.Cmd
	mu   sync.Mutex
	logs bytes.Buffer
	init chan time.Duration
	done chan time.Duration // each invocation's duration (INVOKE RTDONE)
	// exited is closed once the emulator has exited and been reaped.
	exited <-chan struct{}
}

var (
	initReport = regexp.MustCompile(`INIT REPORT.*?[Dd]uration(?:Ms)?:\s*([0-9.]+)`)
	invokeDone = regexp.MustCompile(`INVOKE RTDONE.*?duration:\s*([0-9.]+)ms`)
)

// StartRIE starts rieBin serving bootstrap with env (added to this
// process's). The emulator's invoke endpoint and its Runtime API (9001 by
// default) both get free loopback ports, so several can run at once.
//
// Another process may take a port between its choice and the emulator's
// bind, and then the emulator exits at once: StartRIE says so as soon as
// it has exited, rather than waiting out the port, and callers may start
// again.
func StartRIE(rieBin, bootstrap string, env map[string]string) (*RIE, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	port, apiPort := ports[0], ports[1]
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	cmd := exec.Command(rieBin, "--runtime-interface-emulator-address", addr,
		"--runtime-api-address", fmt.Sprintf("127.0.0.1:%d", apiPort), bootstrap)
	cmd.Env = append(os.Environ(), "AWS_LAMBDA_FUNCTION_TIMEOUT=30")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	r := &RIE{URL: "http://" + addr + "/2015-03-31/functions/function/invocations", cmd: cmd, init: make(chan time.Duration, 1), done: make(chan time.Duration, 1)}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			r.mu.Lock()
			r.logs.WriteString(line + "\n")
			r.mu.Unlock()
			if m := initReport.FindStringSubmatch(line); m != nil {
				ms, _ := strconv.ParseFloat(m[1], 64)
				select {
				case r.init <- time.Duration(ms * float64(time.Millisecond)):
				default:
				}
			}
			if m := invokeDone.FindStringSubmatch(line); m != nil {
				ms, _ := strconv.ParseFloat(m[1], 64)
				select {
				case r.done <- time.Duration(ms * float64(time.Millisecond)):
				default:
				}
			}
		}
	}()
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		_ = pw.Close()
		close(exited)
	}()
	r.exited = exited
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = c.Close()
			return r, nil
		}
		select {
		case <-exited:
			return nil, fmt.Errorf("rie: the emulator exited before it listened on %s:\n%s", addr, r.Logs())
		case <-ctx.Done():
			r.Stop()
			return nil, fmt.Errorf("rie: port %d not open after 20s", port)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// freePorts returns n distinct loopback ports nobody listens on now (all
// held until all are chosen, so no two are the same).
func freePorts(n int) ([]int, error) {
	var ports []int
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer func() { _ = l.Close() }()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// FreePort returns a loopback port nobody listens on now.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	return port, l.Close()
}

// Invoke posts one event and returns the function's answer.
func (r *RIE) Invoke(ctx context.Context, event []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(event))
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return b, fmt.Errorf("rie: status %d", resp.StatusCode)
	}
	return b, err
}

// InitDuration waits for the emulator's INIT REPORT line (printed once the
// first invocation has started the function) and returns its duration.
func (r *RIE) InitDuration(wait time.Duration) (time.Duration, error) {
	select {
	case d := <-r.init:
		return d, nil
	case <-time.After(wait):
		return 0, errors.New("rie: no INIT REPORT line")
	}
}

// InvokeDuration waits for the emulator's INVOKE RTDONE line of the first
// invocation and returns how long the function took to answer it (from the
// runtime handing the event over to the answer, init not included).
func (r *RIE) InvokeDuration(wait time.Duration) (time.Duration, error) {
	select {
	case d := <-r.done:
		return d, nil
	case <-time.After(wait):
		return 0, errors.New("rie: no INVOKE RTDONE line")
	}
}

// Logs returns what the emulator and the function printed.
func (r *RIE) Logs() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.logs.String()
}

// Stop ends the emulator and the function.
func (r *RIE) Stop() {
	if r.cmd.Process != nil {
		_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL) // ESRCH if it already exited
		<-r.exited                                            // the waiter has reaped it
	}
}
