// kubelab-runc: an OCI runtime in front of runc, for hosts whose capability bounding set lacks
// capabilities that privileged containers ask for (some VMs drop CAP_SYS_RESOURCE). runc refuses to
// start such a container ("unable to apply caps: operation not permitted"), and raising an rlimit
// above its hard limit needs the same missing capability. So, before handing over to runc, this
// program edits the container's spec:
//   - create/run: <bundle>/config.json; exec: the --process JSON file;
//   - removes every capability the bounding set of this process lacks, from every capability set;
//   - clamps each rlimit to this process's hard limit (and soft to hard);
//   - without CAP_SYS_RESOURCE, raises oomScoreAdj to this process's own (it cannot be lowered).
// Then it execs the real runc with the same arguments. With nothing missing it changes nothing.
// Numbers are kept exactly as written (json.Number): rlimits of 2^64-1 must survive the round trip.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

var capNames = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
	"CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
	"CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
}

var rlimitTypes = map[string]int{
	"RLIMIT_CPU": 0, "RLIMIT_FSIZE": 1, "RLIMIT_DATA": 2, "RLIMIT_STACK": 3, "RLIMIT_CORE": 4,
	"RLIMIT_RSS": 5, "RLIMIT_NPROC": 6, "RLIMIT_NOFILE": 7, "RLIMIT_MEMLOCK": 8, "RLIMIT_AS": 9,
	"RLIMIT_LOCKS": 10, "RLIMIT_SIGPENDING": 11, "RLIMIT_MSGQUEUE": 12, "RLIMIT_NICE": 13,
	"RLIMIT_RTPRIO": 14, "RLIMIT_RTTIME": 15,
}

// missingCaps: the capabilities the kernel knows (up to cap_last_cap) that our bounding set lacks.
func missingCaps() map[string]bool {
	missing := map[string]bool{}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return missing
	}
	var bnd uint64
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "CapBnd:") {
			bnd, _ = strconv.ParseUint(strings.TrimSpace(strings.TrimPrefix(line, "CapBnd:")), 16, 64)
		}
	}
	last := len(capNames) - 1
	if b, err := os.ReadFile("/proc/sys/kernel/cap_last_cap"); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && n < last {
			last = n
		}
	}
	for i := 0; i <= last; i++ {
		if bnd&(1<<uint(i)) == 0 {
			missing[capNames[i]] = true
		}
	}
	return missing
}

// ownOOMScoreAdj: this process's oom_score_adj (inherited from the shim or daemon that ran it).
func ownOOMScoreAdj() (int64, bool) {
	b, err := os.ReadFile("/proc/self/oom_score_adj")
	if err != nil {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return n, err == nil
}

// fixProcess edits an OCI "process" object in place; reports whether anything changed.
func fixProcess(p map[string]any, missing map[string]bool) bool {
	changed := false
	// Lowering oom_score_adj below one's own also needs CAP_SYS_RESOURCE (Kubernetes asks -998 for
	// pod sandboxes); runc would fail in its namespace setup ("can't get final child's PID").
	if missing["CAP_SYS_RESOURCE"] {
		if v, ok := p["oomScoreAdj"]; ok {
			want, err := strconv.ParseInt(fmt.Sprint(v), 10, 64)
			if own, ok := ownOOMScoreAdj(); ok && err == nil && want < own {
				p["oomScoreAdj"] = json.Number(strconv.FormatInt(own, 10))
				changed = true
			}
		}
	}
	if caps, ok := p["capabilities"].(map[string]any); ok {
		for set, v := range caps {
			list, ok := v.([]any)
			if !ok {
				continue
			}
			kept := make([]any, 0, len(list))
			for _, c := range list {
				if s, ok := c.(string); ok && missing[s] {
					changed = true
					continue
				}
				kept = append(kept, c)
			}
			caps[set] = kept
		}
	}
	if limits, ok := p["rlimits"].([]any); ok {
		for _, l := range limits {
			r, ok := l.(map[string]any)
			if !ok {
				continue
			}
			t, ok := rlimitTypes[fmt.Sprint(r["type"])]
			if !ok {
				continue
			}
			var own syscall.Rlimit
			if syscall.Getrlimit(t, &own) != nil {
				continue
			}
			hard, herr := strconv.ParseUint(fmt.Sprint(r["hard"]), 10, 64)
			soft, serr := strconv.ParseUint(fmt.Sprint(r["soft"]), 10, 64)
			if herr != nil || serr != nil {
				continue
			}
			if hard > own.Max {
				hard = own.Max
				r["hard"] = json.Number(strconv.FormatUint(hard, 10))
				changed = true
			}
			if soft > hard {
				r["soft"] = json.Number(strconv.FormatUint(hard, 10))
				changed = true
			}
		}
	}
	return changed
}

// fixFile rewrites a JSON file: a bundle config.json (the process object under "process"), or with
// inRoot the process object itself (exec's --process file).
func fixFile(path string, inRoot bool, missing map[string]bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	proc := doc
	if !inRoot {
		p, ok := doc["process"].(map[string]any)
		if !ok {
			return nil
		}
		proc = p
	}
	if !fixProcess(proc, missing) {
		return nil
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o644)
}

// Global flags of runc that take a value (the subcommand is the first word after them).
var globalWithValue = map[string]bool{"--root": true, "--log": true, "--log-format": true, "--criu": true, "--rootless": true}

// flagValue finds `--name X`, `-s X` or `--name=X` among args.
func flagValue(args []string, long, short string) (string, bool) {
	for i, a := range args {
		if (a == long || (short != "" && a == short)) && i+1 < len(args) {
			return args[i+1], true
		}
		if strings.HasPrefix(a, long+"=") {
			return strings.TrimPrefix(a, long+"="), true
		}
	}
	return "", false
}

// realRunc: the first runc on PATH (or in the usual places) that is not this program.
func realRunc() (string, error) {
	self, _ := os.Executable()
	self, _ = filepath.EvalSymlinks(self)
	dirs := append(filepath.SplitList(os.Getenv("PATH")), "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
	for _, d := range dirs {
		c := filepath.Join(d, "runc")
		resolved, err := filepath.EvalSymlinks(c)
		if err != nil || resolved == self {
			continue
		}
		if st, err := os.Stat(resolved); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return c, nil
		}
	}
	return "", fmt.Errorf("kubelab-runc: no runc found on PATH besides %s", self)
}

func main() {
	args := os.Args[1:]
	if len(args) == 1 && args[0] == "--kubelab-missing-caps" {
		for c := range missingCaps() {
			fmt.Println(c)
		}
		return
	}
	sub, rest := "", []string(nil)
	for i := 0; i < len(args); i++ {
		a := args[i]
		if globalWithValue[a] {
			i++
			continue
		}
		if strings.HasPrefix(a, "-") {
			continue
		}
		sub, rest = a, args[i+1:]
		break
	}
	if missing := missingCaps(); len(missing) > 0 {
		var err error
		switch sub {
		case "create", "run":
			bundle, ok := flagValue(rest, "--bundle", "-b")
			if !ok {
				bundle, _ = os.Getwd()
			}
			err = fixFile(filepath.Join(bundle, "config.json"), false, missing)
		case "exec":
			if p, ok := flagValue(rest, "--process", "-p"); ok {
				err = fixFile(p, true, missing)
			}
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "kubelab-runc: %v\n", err)
			os.Exit(1)
		}
	}
	runc, err := realRunc()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	err = syscall.Exec(runc, append([]string{runc}, args...), os.Environ())
	fmt.Fprintf(os.Stderr, "kubelab-runc: exec %s: %v\n", runc, err)
	os.Exit(1)
}
