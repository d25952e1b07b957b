"""Workers forked from a template (``zygote.py``) rather than started afresh, for both sandboxes.

    launch_in_namespaces(NamespaceLauncher(), spec) -> TemplateWorker
    launch_in_process(ProcessLauncher(), spec)      -> TemplateWorker

The template of the namespace sandbox runs in the sandbox ``NamespaceLauncher.plan`` describes
(the same whitelisted root, namespaces of its own), with its scratch an empty read-only mount
point; each worker forked from it mounts its own scratch there inside namespaces of its own.
The template of the process sandbox is a plain child of the grading process, like the worker it
replaces; each worker forked from it gets its own session, scratch directory, environment,
rlimits and cgroup, as ``ProcessLauncher`` would give it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import marshal
import resource
import subprocess
from collections.abc import Callable
from pathlib import Path

from grader.worker import limits as limits_module
from grader.worker import template as templates
from grader.worker.errors import WorkerStartError
from grader.worker.launcher import LaunchSpec, ProcessWorker, environment, new_marker
from grader.worker.namespace import (
    HOSTNAME,
    RUNTIME,
    SANDBOX_HELPERS,
    SCRATCH,
    SCRATCH_FILES,
    _step,
    sandbox_command,
    sandbox_environment,
    sandbox_python,
    worker_ids,
)
from grader.worker.tracking import Cgroups

TEMPLATE_CODE_LIMIT = 60_000
"""The namespace template's code goes through a pipe written before it runs: under a pipe's buffer."""
TEMPLATE_RLIMITS = [(resource.RLIMIT_CORE, (0, 0))]
"""The template's own limits: no core files. Each worker sets its own when it is forked."""
INTERPRETER_FLAGS = ("-I", "-S", "-B", "-X", "faulthandler")


def _packages_key(import_paths: tuple[str, ...]) -> tuple:
    """What the import paths hold (their entries' real paths), not where the worker's copy is."""
    return tuple((index, entry.name, str(entry.resolve())) for index, path in enumerate(import_paths)
                 for entry in sorted(Path(path).iterdir()))


def _fork(key: tuple, start: Callable[[], templates.Template], cgroups: Callable[[], Cgroups],
          fork: Callable[[templates.Template, Cgroups], templates.TemplateWorker]) -> templates.TemplateWorker:
    """Fork from this process's template for ``key``; a template found dead is replaced once."""
    for attempt in (1, 2):
        template = templates.template_for(key, start)
        groups = cgroups()
        try:
            return fork(template, groups)
        except templates.TemplateGone as gone:
            groups.remove()
            templates.discard(key, template)
            if attempt == 2:
                raise WorkerStartError(f"the worker template died twice in a row: {gone}") from None
        except BaseException:
            groups.remove()
            raise
    raise AssertionError("not reached")


# -- the namespace sandbox -----------------------------------------------------------------------
def launch_in_namespaces(launcher, spec: LaunchSpec) -> templates.TemplateWorker:
    key = ("namespace", type(launcher), launcher.user_namespace, sandbox_python(spec.python),
           _packages_key(spec.import_paths), spec.preload)

    def cgroups() -> Cgroups:
        return (Cgroups.create(f"nnf-worker-{spec.marker}", spec.limits.max_processes + SANDBOX_HELPERS)
                if launcher.use_cgroups else Cgroups([]))

    def fork(template: templates.Template, groups: Cgroups) -> templates.TemplateWorker:
        ids = template.info["ids"] or {}
        return templates.fork_worker(
            template, spec, env={**environment(spec), "HOME": SCRATCH, "TMPDIR": SCRATCH}, cwd=SCRATCH,
            sandbox={"scratch_options": f"mode=0700,size={SCRATCH_FILES * spec.limits.file_bytes}",
                     "hostname": HOSTNAME},
            cgroups=groups, marked=False,
            worker_id=lambda pid: ids["base"] + pid if "base" in ids else ids.get("fixed"))

    return _fork(key, lambda: start_namespace_template(launcher, spec), cgroups, fork)


def start_namespace_template(launcher, spec: LaunchSpec) -> templates.Template:
    """A template in the sandbox ``launcher.plan`` describes (so what a subclass plans holds for
    the template too), importing NumPy and ``spec.preload``."""
    python = sandbox_python(spec.python)
    code = templates.payload()
    if len(code) > TEMPLATE_CODE_LIMIT:
        raise WorkerStartError(f"the worker template's code is {len(code)} bytes, over {TEMPLATE_CODE_LIMIT}")

    def launch(*, control_fd: int, log_fd: int, server: Path, import_paths: tuple[str, ...], base: Path):
        root = base / "sandbox-root"
        root.mkdir(mode=0o700)
        inner = dataclasses.replace(spec, server=server, scratch=base / "scratch", import_paths=import_paths,
                                    read_fd=control_fd, write_fd=control_fd, log_fd=log_fd, marker=new_marker())
        plan = template_plan(launcher.plan(inner, root), control_fd=control_fd, preload=spec.preload, code=code)
        popen = subprocess.Popen(
            sandbox_command(python, server.parent), env=sandbox_environment(inner.marker), cwd="/",
            stdin=subprocess.PIPE, stdout=log_fd, stderr=log_fd, pass_fds=(control_fd,), start_new_session=True,
            preexec_fn=limits_module.preexec(TEMPLATE_RLIMITS), close_fds=True)
        with contextlib.suppress(BrokenPipeError):  # it died at once: Template.start reports it
            popen.stdin.write(marshal.dumps(plan))
            popen.stdin.close()
        return ProcessWorker(popen, Cgroups([]), inner.marker)

    return templates.Template.start(launch, timeout=spec.limits.start_timeout_seconds,
                                    info={"ids": worker_ids(launcher.user_namespace)})


def template_plan(plan: dict, *, control_fd: int, preload: tuple[str, ...], code: bytes) -> dict:
    """A worker's sandbox plan made the template's: the same root, but its scratch an empty
    read-only mount point (each worker mounts its own there) and its command the template."""
    argv = plan["argv"]
    paths = [argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == "--path"]
    steps = [step for step in plan["steps"] if step["kind"] != "chown"]
    steps = [_step("tmpfs", SCRATCH) if step["target"] == SCRATCH and step["kind"] == "tmpfs" else step
             for step in steps]
    command = [argv[0], *INTERPRETER_FLAGS, f"{RUNTIME}/server.py", "--template", str(control_fd), "--namespaces"]
    command += [item for path in paths for item in ("--path", path)]
    command += [item for module in preload for item in ("--preload", module)]
    return {**plan, "steps": steps, "argv": command, "pass_fds": [control_fd], "template": True, "stdin": code}


# -- the process sandbox -------------------------------------------------------------------------
def launch_in_process(launcher, spec: LaunchSpec) -> templates.TemplateWorker:
    key = ("process", type(launcher), spec.python, _packages_key(spec.import_paths), spec.preload)

    def cgroups() -> Cgroups:
        return (Cgroups.create(f"nnf-worker-{spec.marker}", spec.limits.max_processes)
                if launcher.use_cgroups else Cgroups([]))

    def fork(template: templates.Template, groups: Cgroups) -> templates.TemplateWorker:
        return templates.fork_worker(template, spec, env=environment(spec), cwd=str(spec.scratch), sandbox=None,
                                     cgroups=groups, marked=True, worker_id=lambda pid: None)

    return _fork(key, lambda: start_process_template(spec), cgroups, fork)


def start_process_template(spec: LaunchSpec) -> templates.Template:
    def launch(*, control_fd: int, log_fd: int, server: Path, import_paths: tuple[str, ...], base: Path):
        inner = dataclasses.replace(spec, scratch=base, marker=new_marker())
        argv = [spec.python, *INTERPRETER_FLAGS, str(server), "--template", str(control_fd)]
        argv += [item for path in import_paths for item in ("--path", path)]
        argv += [item for module in spec.preload for item in ("--preload", module)]
        popen = subprocess.Popen(
            argv, env=environment(inner), cwd=base, stdin=subprocess.PIPE, stdout=log_fd, stderr=log_fd,
            pass_fds=(control_fd,), start_new_session=True, preexec_fn=limits_module.preexec(TEMPLATE_RLIMITS),
            close_fds=True)
        with contextlib.suppress(BrokenPipeError):
            popen.stdin.write(templates.payload())
            popen.stdin.close()
        return ProcessWorker(popen, Cgroups([]), inner.marker)

    return templates.Template.start(launch, timeout=spec.limits.start_timeout_seconds)
