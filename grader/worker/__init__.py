"""The sandboxed worker that runs student code, and the grader's client for it.

    protocol  framed JSON + raw array bytes, shared by both sides (stdlib and NumPy only)
    server    runs in the worker process: loads the submission, serves calls
    client    ``Worker``: start, call, restart after crashes, close
    channel   one worker process and its pipes, read and written with deadlines
    errors    ``StudentError`` and its subclasses, ``WorkerStartError``
    launcher  ``Launcher`` protocol; ``ProcessLauncher`` (argv, environment, rlimits, cgroups)
    namespace ``NamespaceLauncher``: the plan of the whitelisted, namespaced sandbox, and its probe
    sandbox_init  runs first inside the sandbox (stdlib + ctypes): namespaces, mounts, pivot_root,
              privilege drop, seccomp, then the server
    limits    the rlimits set in the child from ``grader.limits.Limits``
    isolation ``--isolation {auto,namespace,process}``: which launcher, and what a weaker one loses
    tracking  killing everything a worker started (cgroups, process group, environment marker)
    leftovers the folders and cgroups of graders killed outright, swept at the next batch
    zygote    the worker template (runs in the sandbox, stdlib + NumPy): imports once, forks workers
    template  the grader's side of a template: start, replace, fork a worker, reap it
    forked    launching workers from a template, in the namespace and the process sandbox
    runtime   the worker's files, installed once per grading process
    preload   what a template imports for an assignment (what its reference functions import)
"""
