"""Starts one command in a fresh set of Linux namespaces with a whitelisted, read-only root.

    python -I -S -B sandbox_init.py  < plan (marshal)

Three processes; the plan (a dict, marshalled on stdin, so no path shows in any command line)
says what to mount and what to run:

    outer  unshare(2) mount, network, PID, IPC, UTS, cgroup (and user) namespaces; fork the
           init; wait for it and exit as the command did (the same code, or the same signal)
    init   PID 1 of the new PID namespace: build the new root on a tmpfs, pivot_root(2) into
           it and detach the old root, fork the command, reap orphans; when the command ends,
           report its wait status and exit, which kills everything left in the namespace
    command  drop privileges (no capabilities, no_new_privs, an unprivileged uid when started
           as root), install a seccomp filter (no new user namespaces, no keyrings, eBPF,
           userfaultfd, perf or io_uring), then exec the plan's argv

A plan marked ``template`` runs the worker template instead (``zygote.py``, which forks the
workers and gives each namespaces of its own): its command keeps the few capabilities that
takes (``TEMPLATE_CAPABILITIES``) and reads the plan's ``stdin`` bytes (its code) on fd 0.

This file is copied next to the worker's server and runs as a standalone script: it imports
only the standard library (ctypes for the syscalls Python 3.11 does not wrap), and only
modules that load fast (marshal, not json; _signal, not signal). The template also loads it as
a module, for the steps each worker repeats inside its own namespaces.
"""

from __future__ import annotations

import _signal
import ctypes
import marshal
import os
import sys

CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS = 0x00020000, 0x02000000, 0x04000000
CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x08000000, 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_REC, MS_PRIVATE, MS_RELATIME = 1024, 2048, 4096, 16384, 1 << 18, 1 << 21
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_SECUREBITS = 1, 4, 24, 28
PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 38, 47, 4
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
# noroot, keep_caps off, no_cap_ambient_raise and the setuid fixup (caps cleared on leaving uid 0), all locked
SECUREBITS = 0x01 | 0x02 | 0x08 | 0x20 | 0x40 | 0x80
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41, "loongarch64": 41, "ppc64le": 203,
                  "ppc64": 203, "s390x": 217, "i686": 217, "i386": 217, "armv7l": 218}
# statvfs(3) flags that a bind remount must keep: in a user namespace, dropping a locked one is EPERM.
KEPT_FLAGS = ((os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV), (os.ST_NOEXEC, MS_NOEXEC),
              (os.ST_NOATIME, MS_NOATIME), (os.ST_NODIRATIME, MS_NODIRATIME), (os.ST_RELATIME, MS_RELATIME))
NAMESPACES = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP
SETUP_FAILED = 125
"""Exit status when the sandbox could not be built (the reason is on stderr)."""

libc = ctypes.CDLL(None, use_errno=True)


class SandboxError(Exception):
    pass


def check(result: int, what: str) -> int:
    if result < 0:
        error = ctypes.get_errno()
        raise SandboxError(f"{what}: {os.strerror(error)} (errno {error})")
    return result


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    encode = (lambda text: None if text is None else os.fsencode(text))
    check(libc.mount(encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags), encode(data)),
          f"mount {source or fstype or ''} on {target}")


def prctl(option: int, argument: int = 0, what: str = "prctl") -> None:
    check(libc.prctl(option, ctypes.c_ulong(argument), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0)), what)


def write_file(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


# -- outer: namespaces, then wait --------------------------------------------------------------
def main() -> None:
    try:
        plan = marshal.loads(sys.stdin.buffer.read())
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        uid, gid, outer_pid = os.getuid(), os.getgid(), os.getpid()
        check(libc.unshare(NAMESPACES | (CLONE_NEWUSER if plan["user_namespace"] else 0)), "unshare")
        if plan["user_namespace"]:
            # Only our own ids are mapped (root inside = this user outside): no privilege is gained.
            write_file("/proc/self/setgroups", "deny")
            write_file("/proc/self/uid_map", f"0 {uid} 1")
            write_file("/proc/self/gid_map", f"0 {gid} 1")
    except (OSError, SandboxError, EOFError, TypeError, ValueError, KeyError) as error:
        print(f"sandbox: {error}", file=sys.stderr, flush=True)
        os._exit(SETUP_FAILED)
    ids = plan.get("ids") or {}
    worker_id = ids["base"] + outer_pid if "base" in ids else ids.get("fixed")
    status_read, status_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(status_read)
        init(plan, worker_id, status_write)
    os.close(status_write)
    exit_as(pid, status_read)


def exit_as(init_pid: int, status_read: int) -> None:
    """Wait for the init, then exit as the command did (the init reports its wait status)."""
    # This process keeps its copies of the command's pipe ends until it exits: the grader then
    # sees the end of the reply pipe only once the exit status below is there to be read.
    _, status = os.waitpid(init_pid, 0)
    reported = b""
    while chunk := os.read(status_read, 64):
        reported += chunk
    if reported.strip().isdigit():
        status = int(reported)
    code = os.waitstatus_to_exitcode(status)
    if code < 0:  # die of the same signal, so the grader can name it
        _signal.signal(-code, _signal.SIG_DFL)
        os.kill(os.getpid(), -code)
        code = 128 - code
    os._exit(code)


# -- init: PID 1, the new root ---------------------------------------------------------------
def init(plan: dict, worker_id: int | None, status_write: int) -> None:
    try:
        prctl(PR_SET_PDEATHSIG, _signal.SIGKILL, "prctl(PDEATHSIG)")
        prctl(PR_SET_DUMPABLE, 0, "prctl(DUMPABLE)")  # its /proc entry stays closed to the command
        os.umask(0o022)
        build_root(plan, worker_id)
        if plan.get("hostname"):
            name = plan["hostname"].encode()
            check(libc.sethostname(name, len(name)), "sethostname")
    except (OSError, SandboxError) as error:
        print(f"sandbox: {error}", file=sys.stderr, flush=True)
        os._exit(SETUP_FAILED)
    command = os.fork()
    if command == 0:
        os.close(status_write)
        run_command(plan, worker_id)
    for fd in plan["pass_fds"]:  # the command's pipe ends: inside the sandbox, only it holds them
        os.close(fd)
    reap_until(command, status_write)


def reap_until(command: int, status_write: int) -> None:
    """PID 1's loop: reap orphans until ``command`` ends, report its wait status, exit."""
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            os._exit(SETUP_FAILED)
        if pid == command:
            os.write(status_write, str(status).encode())
            os._exit(0)  # the kernel now kills everything left in this PID namespace


def build_root(plan: dict, worker_id: int | None) -> None:
    # Nothing we mount may propagate back to the host's mount namespace.
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    root = plan["root"]
    host_mounts = mount_points()
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m,nr_inodes=4096")
    sealed = []
    for step in plan["steps"]:
        kind, target = step["kind"], root + step["target"]
        if kind == "bind":
            bind(root + step["source"] if step.get("inside") else step["source"], target, step["mode"], host_mounts)
        elif kind == "tmpfs":
            os.makedirs(target, exist_ok=True)
            mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, step.get("options", "mode=0755,size=64k,nr_inodes=256"))
            if not step.get("writable"):
                sealed.append(step["target"])
        elif kind == "proc":
            os.makedirs(target, exist_ok=True)
            mount("proc", target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        elif kind == "symlink":
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.symlink(step["source"], target)
        elif kind == "chown":
            if worker_id is not None:
                os.chown(target, worker_id, worker_id)
        else:
            raise SandboxError(f"unknown step {kind!r}")
    os.chdir(root)
    syscall = SYS_PIVOT_ROOT.get(os.uname().machine)
    if syscall is None:
        raise SandboxError(f"pivot_root: unknown syscall number on {os.uname().machine}")
    # pivot_root(".", ".") stacks the old root on the new one; detaching it leaves no path,
    # file descriptor or mount through which the host's tree can be reached.
    check(libc.syscall(syscall, b".", b"."), "pivot_root")
    check(libc.umount2(b".", MNT_DETACH), "umount old root")
    os.chdir("/")
    for target in sealed:
        mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


def bind(source: str, target: str, mode: str, host_mounts: list[str]) -> None:
    """Bind ``source`` on ``target``: read-only ("ro"), writable ("rw") or a device node ("dev")."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    elif not os.path.exists(target):
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT, 0o644))
    mount(source, target, None, MS_BIND | MS_REC)
    flags = MS_NOSUID | {"ro": MS_NODEV | MS_RDONLY, "rw": MS_NODEV, "dev": MS_NOEXEC}[mode]
    # A recursive bind brings the source's submounts along, and a remount changes one mount
    # only: remount each of them too, parents first.
    below = source.rstrip("/") + "/"
    for point in [target] + [target + p[len(below) - 1:] for p in host_mounts if p.startswith(below)]:
        kept = 0
        status = os.statvfs(point)
        for statvfs_flag, mount_flag in KEPT_FLAGS:
            if status.f_flag & statvfs_flag:
                kept |= mount_flag
        mount(None, point, None, MS_REMOUNT | MS_BIND | flags | kept)


def mount_points() -> list[str]:
    with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as handle:
        return [unescape(line.split()[4]) for line in handle]


def unescape(field: str) -> str:
    """A mountinfo path: the kernel writes space, tab, newline and backslash as \\ooo."""
    parts = field.split("\\")
    return parts[0] + "".join(chr(int(part[:3], 8)) + part[3:] for part in parts[1:])


# -- command: no privileges left, then exec ----------------------------------------------------
def run_command(plan: dict, worker_id: int | None) -> None:
    try:
        os.setsid()  # its own session: killpg(0) reaches nothing outside the sandbox
        os.chdir(plan["cwd"])
        if plan.get("template"):
            # The worker template (zygote.py) forks the workers and needs the capabilities to
            # give each its own namespaces; it keeps only those, and never runs student code.
            keep_only_capabilities(TEMPLATE_CAPABILITIES)
        else:
            drop_privileges(worker_id)
        if plan.get("stdin") is not None:  # what the command reads first (the template: its code)
            read_end, write_end = os.pipe()
            os.write(write_end, plan["stdin"])  # less than a pipe's buffer: checked by the launcher
            os.close(write_end)
            os.dup2(read_end, 0)
            os.close(read_end)
        os.execve(plan["argv"][0], plan["argv"], plan["env"])
    except (OSError, SandboxError) as error:
        print(f"sandbox: {error}", file=sys.stderr, flush=True)
        os._exit(SETUP_FAILED)


TEMPLATE_CAPABILITIES = (0, 6, 7, 8, 21)
"""CAP_CHOWN, CAP_SETGID, CAP_SETUID, CAP_SETPCAP and CAP_SYS_ADMIN: what the worker template
needs to give each worker its own namespaces, scratch and uid, and each worker to drop them all."""


def keep_only_capabilities(keep: tuple[int, ...]) -> None:
    """Drop every capability but ``keep`` from the bounding set (and the ambient set): the
    program executed next starts with those alone."""
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, "prctl(CAP_AMBIENT_CLEAR_ALL)")
    with open("/proc/sys/kernel/cap_last_cap") as handle:
        last_cap = int(handle.read())
    for cap in range(last_cap + 1):
        if cap not in keep:
            prctl(PR_CAPBSET_DROP, cap, f"prctl(CAPBSET_DROP, {cap})")


def drop_privileges(worker_id: int | None) -> None:
    prctl(PR_SET_NO_NEW_PRIVS, 1, "prctl(NO_NEW_PRIVS)")
    prctl(PR_SET_SECUREBITS, SECUREBITS, "prctl(SECUREBITS)")
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, "prctl(CAP_AMBIENT_CLEAR_ALL)")
    with open("/proc/sys/kernel/cap_last_cap") as handle:
        last_cap = int(handle.read())
    for cap in range(last_cap + 1):
        prctl(PR_CAPBSET_DROP, cap, f"prctl(CAPBSET_DROP, {cap})")
    if worker_id is not None:
        os.setgroups([])
        os.setresgid(worker_id, worker_id, worker_id)
        os.setresuid(worker_id, worker_id, worker_id)
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this thread
    data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable (x2 words): all empty
    check(libc.capset(header, data), "capset")
    with open("/proc/self/status") as handle:
        status = dict(line.split(":", 1) for line in handle if ":" in line)
    held = {key: status[key].strip() for key in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")
            if int(status.get(key, "0"), 16)}
    if held or status.get("NoNewPrivs", "").strip() != "1":
        raise SandboxError(f"privileges still held after dropping them: {held}")
    install_syscall_filter()


# -- seccomp: no new user namespaces, none of the rarely needed kernel interfaces -------------
# Unprivileged user namespaces, keyrings, eBPF, userfaultfd, perf and io_uring are where most
# recent local kernel exploits start; NumPy needs none of them. clone3 hides its flags from
# seccomp, so it fails with ENOSYS and the C library falls back to clone, whose flags we see.
SYSCALLS = {
    "x86_64": {"arch": 0xC000003E, "x32": True, "unshare": 272, "clone": 56, "clone3": 435,
               "denied": (250, 248, 249, 321, 323, 298, 425, 426, 427, 308)},
    "aarch64": {"arch": 0xC00000B7, "x32": False, "unshare": 97, "clone": 220, "clone3": 435,
                "denied": (219, 217, 218, 280, 282, 241, 425, 426, 427, 268)},
}
"""Per architecture: unshare, clone, clone3 and the denied calls (keyctl, add_key, request_key,
bpf, userfaultfd, perf_event_open, io_uring_setup/enter/register, setns)."""
LD_ABS, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06
ALLOW, KILL, ERRNO = 0x7FFF0000, 0x80000000, 0x00050000
EPERM, ENOSYS = 1, 38


class SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]


def syscall_filter(table: dict) -> list[tuple]:
    """The BPF program, as (code, jt, jf, k) with symbolic jump targets resolved."""
    program: list[tuple] = [(LD_ABS, 0, 0, 4), (JEQ, "nr", 0, table["arch"]), (RET, 0, 0, KILL),
                            ("nr", LD_ABS, 0, 0, 0)]
    if table["x32"]:  # the x32 ABI's numbers have bit 30 set: refuse them all
        program.append((JGE, "eperm", 0, 0x40000000))
    program += [(JEQ, "eperm", 0, nr) for nr in table["denied"]]
    program += [(JEQ, "enosys", 0, table["clone3"]), (JEQ, "flags", 0, table["unshare"]),
                (JEQ, "flags", 0, table["clone"]), (RET, 0, 0, ALLOW),
                ("flags", LD_ABS, 0, 0, 16), (JSET, "eperm", 0, CLONE_NEWUSER), (RET, 0, 0, ALLOW),
                ("eperm", RET, 0, 0, ERRNO | EPERM), ("enosys", RET, 0, 0, ERRNO | ENOSYS)]
    labels = {entry[0]: index for index, entry in enumerate(program) if isinstance(entry[0], str)}
    resolved = []
    for index, entry in enumerate(program):
        code, jt, jf, k = entry[1:] if isinstance(entry[0], str) else entry
        resolved.append((code, labels[jt] - index - 1 if isinstance(jt, str) else jt, jf, k))
    return resolved


def install_syscall_filter() -> None:
    table = SYSCALLS.get(os.uname().machine)
    if table is None:
        return  # an architecture without a table: namespaces and dropped privileges only
    program = syscall_filter(table)
    filters = (SockFilter * len(program))(*[SockFilter(*instruction) for instruction in program])
    fprog = SockFprog(len(program), filters)
    check(libc.prctl(PR_SET_SECCOMP, ctypes.c_ulong(SECCOMP_MODE_FILTER), ctypes.byref(fprog),
                     ctypes.c_ulong(0), ctypes.c_ulong(0)), "prctl(SECCOMP)")


if __name__ == "__main__":
    main()
